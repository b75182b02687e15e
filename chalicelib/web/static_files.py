"""The scripts we serve as files: embed.js (partners paste it), form.js (the form's enhancements),
dashboard.js (the organiser dashboard), outcomes.js (its signatories, digests and "did they reply?" panels),
addresses.js (its addresses table and the form that corrects one);
and altcha.js, the ALTCHA widget, which the build fetches from npm into static/npm/ (Makefile)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from chalicelib.errors import NotFound

STATIC_DIR = Path(__file__).resolve().parent / "static"
SCRIPTS = ("embed.js", "form.js", "dashboard.js", "outcomes.js", "campaign_editor.js", "letter_log.js", "addresses.js")
FETCHED = {"altcha.js": STATIC_DIR / "npm" / "altcha.js"}  # from npm by `make` (run, test, package)


@lru_cache(maxsize=None)
def script(name: str) -> str:
    if name in FETCHED:
        if not FETCHED[name].is_file():
            raise NotFound(f"{name} is not built: `make run`, `make test` and `make package` fetch it from npm.")
        return FETCHED[name].read_text(encoding="utf-8")
    if name not in SCRIPTS:
        raise NotFound(f"No script called {name!r}.")
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def script_headers() -> dict[str, str]:
    # Cached for an hour: partners' pages load embed.js on every view. Cross-origin resource policy lets pages
    # that isolate themselves (COEP) still load it.
    return {
        "Content-Type": "text/javascript; charset=utf-8",
        "Cache-Control": "public, max-age=3600",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }

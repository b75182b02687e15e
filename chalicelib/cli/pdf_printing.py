"""The signed letter's PDF: the print-ready page printed by a headless Chromium on the organiser's machine.

Why not in Lambda: a PDF library that shapes Arabic and Hebrew and carries CJK fonts (fpdf2 with fonttools,
uharfbuzz and Noto fonts, or WeasyPrint) would add tens of megabytes to a 1 MB package and to its cold start, for
a document made a few times per campaign. The page's print stylesheet is the one source: a browser's "Save as
PDF", this command and the tests all print the same HTML, and Chromium shapes every script with the machine's fonts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from chalicelib.errors import DemarcheError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class NoBrowser(DemarcheError):
    """No Chromium to print with: the message says what to install or pass."""


def find_chromium(explicit: str | None = None) -> str:
    for name in (explicit, os.environ.get("DEMARCHE_CHROMIUM"), *CANDIDATES):
        if name and (found := shutil.which(name)):
            return found
    raise NoBrowser(
        "No Chromium found to print the PDF: install it (Debian: apt-get install chromium), pass --chromium PATH, "
        "or open the page (--html) in any browser and use Print > Save as PDF."
    )


def print_pdf(html: str, out: Path, *, chromium: str | None = None, timeout: float = 120) -> Path:
    """Print `html` to the PDF `out` with a headless Chromium of its own (a fresh profile, no network needed)."""
    browser = find_chromium(chromium)
    with tempfile.TemporaryDirectory(prefix="demarche-pdf-") as work:
        page = Path(work) / "letter.html"
        page.write_text(html, encoding="utf-8")
        target = Path(out).resolve()
        command = [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={Path(work) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            page.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium will not start as root with its sandbox
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            raise RuntimeError(f"Chromium could not print the PDF (exit {done.returncode}): {done.stderr[-1000:]}")
    return target

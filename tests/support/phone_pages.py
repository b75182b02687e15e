"""Checks for a page as a supporter's phone shows it: axe-core's audit and the 360 px width."""

from __future__ import annotations

PHONE = {"width": 360, "height": 740}


def audit(page, where: str) -> None:
    """axe-core's serious and critical violations on the page as it is now: none allowed."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{where}: " + "; ".join(bad)


def fits_the_phone(page, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where} is {width}px wide: it scrolls sideways on a 360 px phone"

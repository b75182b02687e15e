"""Browser fixtures: Debian's Chromium through Playwright, and screenshots kept in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.paths import PROJECT_DIR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Missing locally: skip, saying why. Missing in CI: fail."""
    import os

    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def phone(browser):
    """A page the size of a 360 px phone (support/phone_pages.py audits it)."""
    from support.phone_pages import PHONE

    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a screenshot under test-artifacts/ (gitignored; CI keeps it as an artefact)."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return lambda page, name: page.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def close_pages_after_each_test(request):
    """Close every page a test opened before the next test starts: a page left open keeps polling (the
    dashboard's refresh, an export's progress), and the next test's server may get the same loopback port, so
    those requests would reach it while its fixtures write to moto, which is not thread-safe."""
    yield
    if "browser" in request.fixturenames:
        for context in request.getfixturevalue("browser").contexts:
            context.close()

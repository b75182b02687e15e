"""In Chromium on a 360 px phone: a supporter reading Arabic or Chinese sees who their letter goes to in that
language (chalicelib/directory/target_names.py), on the form and once it is sent, with nothing sideways.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

OFFICIAL = ("Ministry of Foreign and Diaspora Affairs", "Permanent Mission of Kenya to the United Nations")


@pytest.mark.slow
@pytest.mark.parametrize(
    "lang, ministry, mission",
    [
        ("ar", "وزارة خارجية كينيا", "بعثة كينيا الدائمة لدى الأمم المتحدة في نيويورك"),
        ("zh", "肯尼亚外交部", "肯尼亚常驻联合国代表团（纽约）"),
    ],
)
def test_a_phone_reader_sees_the_targets_named_in_their_language(
    live_app, browser, services, clock, screenshot, lang, ministry, mission
):
    object.__setattr__(services.settings, "sandbox_recipients", False)  # as in dev and prod: the chain decides
    page = browser.new_page(viewport={"width": 360, "height": 780})
    page.goto(f"{live_app}/campaigns/hrd-resolution/form?lang={lang}")

    # WHEN they pick Kenya, whose ministry publishes no address
    page.select_option("#country", "KE")
    note = page.locator("#target-note")
    expect(note).to_be_visible()

    # THEN the form names the ministry and the mission the letter goes to instead, in their language
    expect(page.locator("#target")).to_contain_text(mission)
    expect(note).to_contain_text(ministry)
    expect(note).to_contain_text(mission)
    shown = page.locator("#target").inner_text() + note.inner_text()
    assert not any(name in shown for name in OFFICIAL)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"target-names-{lang}-phone")

    # AND once sent, the receipt names the mission that has it
    page.fill("#name", "Amina Wanjiru")
    page.fill("#email", f"amina.{lang}@example.org")
    clock.advance(seconds=30)  # the server's clock: a form filled in under 2 s is treated as a bot
    page.click("button[type=submit]")
    expect(page.locator("#done")).to_contain_text(mission)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

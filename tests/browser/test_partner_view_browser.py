"""A partner's results page in Chromium: an editor gets the link from the dashboard with the keyboard only, and the
partner reads its letters per country and day on a 360 px phone, with no personal data."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.letter_factory import make_letter

A = "hrd-resolution"


@pytest.fixture
def partner_letters(services, clock):
    for n, country in enumerate(["KE", "KE", "FR"]):
        services.letters.create(make_letter(clock, country=country, partner="pen-kenya", email=f"p{n}@example.org"))
    services.letters.create(make_letter(clock, country="BR", email="nobody@example.org"))


@pytest.mark.slow
def test_an_editor_hands_out_the_link_and_the_partner_reads_it_on_a_phone(
    browser, live_app, services, partner_letters, screenshot
):
    token = services.organiser_tokens.create("Editor", [A], role="editor")[0]
    page = browser.new_page()
    page.goto(f"{live_app}/admin")
    page.get_by_label("Organiser token").fill(token)
    page.keyboard.press("Enter")
    expect(page.locator('#totals dd[data-status="total"]')).to_have_text("4")
    # keyboard only: focus the partner's button, Enter, and the link appears
    button = page.get_by_role("button", name="Results link for pen-kenya")
    button.focus()
    page.keyboard.press("Enter")
    link = page.locator("#partner-link a")
    expect(link).to_be_visible()
    url = link.get_attribute("href")
    assert f"/partners/{A}/pen-kenya?key=" in url

    phone = browser.new_page(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone.goto(url)
    expect(phone.locator("#partner-total")).to_have_text("3 letters")
    assert phone.locator("#partner-countries tbody tr td:first-child").all_inner_texts() == ["Kenya", "France"]
    assert "example.org" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "partner-view-phone")


@pytest.mark.slow
def test_a_viewer_is_offered_no_link(browser, live_app, services, partner_letters):
    token = services.organiser_tokens.create("Viewer", [A], role="viewer")[0]
    page = browser.new_page()
    page.goto(f"{live_app}/admin")
    page.get_by_label("Organiser token").fill(token)
    page.keyboard.press("Enter")
    expect(page.locator('#totals dd[data-status="total"]')).to_have_text("4")
    assert page.get_by_role("button", name="Results link for pen-kenya").count() == 0

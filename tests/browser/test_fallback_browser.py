"""In a real browser: a supporter whose ministry has no email sees why, and gets their letter back to send.

Runs Debian's Chromium through Playwright (conftest's `browser`, shared by the session) against the app served on
a loopback port (AWS mocked in-process).
"""

from __future__ import annotations

import pytest


@pytest.fixture
def browser_page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.slow
def test_no_email_shows_why_and_hands_the_letter_back_with_the_other_ways(
    live_app, browser_page, services, stored_items, clock, hrd_without_chain
):
    object.__setattr__(services.settings, "sandbox_recipients", False)  # as in dev and prod
    page = browser_page
    page.goto(f"{live_app}/campaigns/hrd-resolution/form")

    page.select_option("#country", "BR")
    note = page.locator("#target-note")
    note.wait_for(state="visible")
    assert "We have no email address for Ministry of Foreign Affairs" in note.inner_text()
    page.fill("#name", "Ana Souza")
    page.fill("#email", "ana@example.org")
    page.fill("#message", "Protejam os defensores.")
    clock.advance(seconds=30)  # the server's clock: a form filled in under 2 s is treated as a bot
    page.click("button[type=submit]")

    ways = page.locator("#other-ways")
    ways.wait_for(state="visible")
    letter = page.input_value("#letter-text")
    assert letter.startswith("Please co-sponsor the UN resolution on human rights defenders\n\nDear Minister")
    assert "Protejam os defensores." in letter and "Ana Souza" in letter
    assert page.get_attribute("#other-ways a", "href").startswith("mailto:?subject=Please%20co-sponsor")
    assert page.evaluate("document.activeElement.id") == "other-ways"
    assert stored_items() == []


@pytest.mark.slow
def test_the_form_says_where_the_letter_goes_instead(live_app, browser_page):
    page = browser_page
    page.goto(f"{live_app}/campaigns/whrd-resolution/form")

    page.select_option("#country", "KE")
    note = page.locator("#target-note")
    note.wait_for(state="visible")

    # the reason line: who receives the letter down the campaign's chain, and why
    assert note.inner_text() == (
        "Ministry of Foreign and Diaspora Affairs publishes no email address that we know of, so your letter goes "
        "to Permanent Mission of Kenya to the United Nations, your country's Permanent Mission to the UN in "
        "New York, which reports to it."
    )


@pytest.mark.slow
def test_the_form_says_what_kind_of_address_the_letter_goes_to_in_the_pages_language(live_app, browser_page):
    page = browser_page
    page.goto(f"{live_app}/campaigns/hrd-resolution/form?lang=fr")
    address = page.locator("#address-note")

    # Zimbabwe's letter goes to its New York mission, whose published address is at a public mail provider
    page.select_option("#country", "ZW")
    address.wait_for(state="visible")
    assert address.inner_text().startswith("Permanent Mission of Zimbabwe")
    assert "fournisseur de messagerie public" in address.inner_text()
    # a general inbox needs no note: it goes away when the supporter picks Kenya
    page.select_option("#country", "KE")
    address.wait_for(state="hidden")

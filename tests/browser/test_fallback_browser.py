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
    assert address.inner_text().startswith(
        "Mission permanente auprès de l’ONU (New York) — Zimbabwe"
    )  # named in French
    assert "fournisseur de messagerie public" in address.inner_text()
    # a general inbox needs no note: it goes away when the supporter picks Kenya
    page.select_option("#country", "KE")
    address.wait_for(state="hidden")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_send_it_yourself_has_a_copy_button_webmail_links_and_where_to_look(
    live_app, browser, services, clock, hrd_without_chain, screenshot, lang
):
    from support.phone_pages import PHONE, audit, fits_the_phone

    from chalicelib.i18n import Messages

    t = Messages(lang)
    object.__setattr__(services.settings, "sandbox_recipients", False)
    context = browser.new_context(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_app}/campaigns/hrd-resolution/form?lang={lang}")
    page.select_option("#country", "BR")
    page.fill("#name", "Ana Souza")
    page.fill("#email", "ana@example.org")
    clock.advance(seconds=30)
    page.click("#send")
    page.locator("#other-ways").wait_for(state="visible")

    # the letter can be copied in one tap, and written in Gmail or Outlook.com with everything filled in
    page.click("button[data-copy]")
    page.get_by_text(t("other_ways.copied")).wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == page.input_value("#letter-text")
    gmail = page.get_attribute("#other-ways a[href^='https://mail.google.com/']", "href")
    assert "su=Please%20co-sponsor" in gmail and "Ana%20Souza" in gmail
    assert page.locator("#other-ways a[href^='https://outlook.live.com/']").count() == 1
    # no address: it says where to look, next to their website
    assert t("other_ways.no_address", name="\0").partition("\0")[2] in page.inner_text("#other-ways")
    fits_the_phone(page, "the send-it-yourself view")
    audit(page, f"send it yourself ({lang})")
    screenshot(page, f"send-it-yourself-{lang}")
    context.close()

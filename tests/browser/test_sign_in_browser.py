"""Signing in to the console in Chromium: by email link, with the keyboard only, and on a 360 px phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

LINK_RE = re.compile(r"(http://\S+/admin#sign-in=[A-Za-z0-9_-]+)")


def emailed_link(outbox, email):
    return [LINK_RE.search(m["body"]).group(1) for m in outbox() if m["to"] == email][-1]


@pytest.mark.slow
def test_an_organiser_signs_in_with_the_emailed_link(browser, live_app, services, outbox, screenshot):
    # GIVEN Amina is a viewer of one campaign
    services.members.grant("amina@ngo.example", ["hrd-resolution"], "viewer")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{live_app}/admin")
    # WHEN she types her address and asks for a link
    page.get_by_label("Your email address").fill("amina@ngo.example")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.locator("#email-sent")).to_contain_text("a sign-in link is on its way")
    # AND opens the link from her mail
    link = emailed_link(outbox, "amina@ngo.example")
    page.goto(link)
    # THEN she is signed in, on her campaign, with her role; the link is gone from the address bar
    expect(page.locator("#who")).to_have_text("Signed in as amina@ngo.example.")
    expect(page.locator("#role")).to_have_text("Your role: viewer")
    expect(page.locator("#campaign option")).to_have_count(1)
    assert "sign-in=" not in page.url
    screenshot(page, "sign-in-desktop")
    # WHEN the same link is opened again, it is refused and says why
    other = browser.new_page()
    other.goto(link)
    expect(other.locator("#email-error")).to_contain_text("used already")
    # AND signing out ends the session on the server too
    token = page.evaluate("sessionStorage.getItem('demarche.organiserToken')")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#sign-in")).to_be_visible()
    assert page.request.get(f"{live_app}/admin/campaigns", headers={"Authorization": f"Bearer {token}"}).status == 401


@pytest.mark.slow
def test_signing_in_with_the_keyboard_only(browser, live_app, services, outbox):
    services.members.grant("amina@ngo.example", ["*"], "owner")
    page = browser.new_page()
    page.goto(f"{live_app}/admin")
    # the address field has the focus at once; Enter sends the form
    expect(page.locator("#email")).to_be_focused()
    page.keyboard.type("amina@ngo.example")
    page.keyboard.press("Enter")
    expect(page.locator("#email-sent")).to_contain_text("on its way")
    page.goto(emailed_link(outbox, "amina@ngo.example"))
    expect(page.locator("#role")).to_contain_text("owner (may reveal personal data)")
    # the focus lands on the first control; the sign-out button is one Shift+Tab away, and Enter signs out
    expect(page.locator("#campaign")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "sign-out"
    page.keyboard.press("Enter")
    expect(page.locator("#email")).to_be_focused()


@pytest.mark.slow
def test_a_bad_address_is_named_and_signing_in_fits_a_360_px_phone(browser, live_app, services, outbox, screenshot):
    services.members.grant("amina@ngo.example", ["*"], "editor")
    phone = browser.new_page(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone.goto(f"{live_app}/admin")
    phone.get_by_label("Your email address").fill("amina at ngo")
    phone.get_by_role("button", name="Email me a sign-in link").click()
    expect(phone.locator("#email-error")).to_contain_text("Type the email address")
    assert phone.locator("#email").get_attribute("aria-invalid") == "true"
    phone.get_by_label("Your email address").fill("amina@ngo.example")
    phone.get_by_role("button", name="Email me a sign-in link").click()
    expect(phone.locator("#email-sent")).to_contain_text("on its way")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.goto(emailed_link(outbox, "amina@ngo.example"))
    expect(phone.locator("#role")).to_have_text("Your role: editor")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "sign-in-phone")

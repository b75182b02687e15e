"""Campaigns without a deploy, in Chromium against `make run`'s stack (python -m localdev): an organiser builds a new
campaign in the console, fixes the field the server names, previews it for three countries, sends themselves a
test, publishes it; a supporter then writes on the new campaign's form and the letter appears in the organiser's
log. Also: the editor with the keyboard alone, and on a 360-px phone. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import secrets
import urllib.request

import pytest
from playwright.sync_api import expect
from support.console_steps import (
    LETTER_FR,
    fill_new_campaign,
    mails_to,
    preview_three_countries,
    write_and_confirm,
)
from support.live_servers import eventually, get_json

ORGANISERS = "organisers@demarche.example.org"


def organiser_token(base: str) -> str:
    return get_json(f"{base}/dev/organiser-token")["token"]


def letters_in_log(base: str, slug: str, token: str) -> list[dict]:
    request = urllib.request.Request(
        f"{base}/admin/campaigns/{slug}/letters", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["letters"]


def sign_in(page, base: str, path: str) -> None:
    page.goto(f"{base}{path}")
    page.get_by_label("Organiser token").fill(organiser_token(base))
    page.get_by_role("button", name="Open the editor").click()
    expect(page.locator("#editor")).to_be_visible()


@pytest.mark.slow
def test_an_organiser_builds_a_campaign_and_a_supporters_letter_reaches_the_log(browser, live_api, screenshot):
    slug = f"lake-three-{secrets.token_hex(3)}"
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())
    errors: list = []
    page.on(
        "pageerror", lambda error: errors.append(error)
    )  # a script error would leave a half-filled form: none may happen

    # GIVEN an organiser on the new-campaign page, with the token `make run` made
    sign_in(page, live_api, "/admin/campaigns/new")
    fill_new_campaign(page, slug, ORGANISERS)

    # WHEN the French letter has a broken template, THEN saving names that field and marks it
    page.fill("#f-letters-fr", "Madame, {{ target.addressee ")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#error-summary")).to_contain_text("letters.fr:")
    expect(page.locator("#f-letters-fr")).to_have_attribute("aria-invalid", "true")
    assert slug not in {c["slug"] for c in get_json(f"{live_api}/campaigns")["campaigns"]}

    # WHEN it is fixed and saved
    page.fill("#f-letters-fr", LETTER_FR)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#action-status")).to_have_text("Draft saved (revision 1).")
    assert page.url.endswith(f"/admin/campaigns/{slug}/edit")

    # THEN it previews for three countries, each with its own ministry
    preview_three_countries(page)
    screenshot(page, "campaign-editor-preview")

    # AND a test goes to the organisers' own address
    page.get_by_role("button", name="Send me a test").click()
    expect(page.locator("#action-status")).to_contain_text(f"went to {ORGANISERS}")
    eventually(lambda: _assert_test_mail(live_api, slug))

    # WHEN it is published (after the linter checked every country)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#action-status")).to_have_text("Published: version 1 is live.")
    expect(page.locator("#history tbody tr").first).to_contain_text("publish v1")
    assert slug in {c["slug"] for c in get_json(f"{live_api}/campaigns")["campaigns"]}

    # THEN a supporter writes on the new campaign's form, and confirms
    supporter = f"wanjiru-{slug}@example.org"
    form = write_and_confirm(browser, live_api, slug, "KE", "Amina Wanjiru", supporter)

    # AND it appears in the organiser's log, to Kenya
    def in_log() -> None:
        rows = letters_in_log(live_api, slug, organiser_token(live_api))
        assert [(r["country"], r["status"] != "pending_confirmation") for r in rows] == [("KE", True)], rows

    eventually(in_log, timeout=30)

    # AND closing it stops new letters
    page.get_by_role("button", name="Close the campaign").click()
    expect(page.locator("#action-status")).to_have_text("Closed: version 2 is live.")
    form.goto(f"{live_api}/campaigns/{slug}/form")
    expect(form.locator("body")).to_contain_text("closed")
    assert errors == []


def _assert_test_mail(base: str, slug: str) -> None:
    mails = mails_to(base, ORGANISERS, "[Test]")
    assert any("Free the Lake Three" in m["subject"] and "Test Supporter" in m["body"] for m in mails), mails


@pytest.mark.slow
def test_the_editor_works_with_the_keyboard_alone(browser, live_api):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{live_api}/admin/campaigns/new")
    # GIVEN the token typed and sent with Enter
    for _ in range(5):  # the dashboard link, then the token field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "token":
            break
    expect(page.locator("#token")).to_be_focused()
    page.keyboard.type(organiser_token(live_api))
    page.keyboard.press("Enter")
    expect(page.locator("#editor")).to_be_visible()

    # WHEN the organiser tabs through the whole page, THEN every control is reached, in reading order
    page.focus("#slug")
    reached = []
    for _ in range(400):
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
        if reached[-1] == "close":
            break
        page.keyboard.press("Tab")
    for control in ("slug", "f-campaign-title-en", "f-letters-en", "f-campaign-target_sets", "f-campaign-opens",
                    "f-campaign-delivery-mode", "f-campaign-allowed_origins", "f-campaign-bots-proof_of_work",
                    "save", "preview-country", "preview-language", "preview", "test-send", "lint", "publish", "close"):  # fmt: skip
        assert control in reached, f"{control} not reachable with Tab: {reached}"
    assert reached.index("save") < reached.index("preview") < reached.index("publish")

    # WHEN they save with nothing filled in (Enter on the button), THEN focus goes to the error summary, whose
    # link takes them to the field it names
    page.focus("#slug")
    page.keyboard.type(f"kb-{secrets.token_hex(3)}")
    while page.evaluate("document.activeElement.id") != "save":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#error-list a").first).to_be_focused()
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.getAttribute('aria-invalid')")
    assert focused == "true"


@pytest.mark.slow
def test_the_editor_fits_a_360_px_phone(browser, live_api, screenshot):
    page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    sign_in(page, live_api, "/admin/campaigns/hrd-resolution/edit")
    expect(page.locator("#f-campaign-title-en")).not_to_have_value("")
    # THEN nothing is wider than the screen, and the letter preview still works
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.select_option("#preview-country", "KE")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-title")).to_contain_text("Kenya")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for button in ("save", "preview", "publish"):
        box = page.locator(f"#{button}").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, (button, box)
    screenshot(page, "campaign-editor-360")

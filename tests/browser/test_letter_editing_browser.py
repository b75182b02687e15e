"""In a real browser at 360 px: a campaign that lets supporters edit the letter's body (and one where they write
their own) from the form to "check your email", audited with axe-core; the letter sent carries their text."""

from __future__ import annotations

import pytest
from support.phone_pages import audit, fits_the_phone

from chalicelib.i18n import Messages


def send_and_check_email(page, clock, t: Messages) -> None:
    clock.advance(seconds=30)  # the server's clock: a form filled in under 2 s is treated as a bot
    page.click("#send")
    done = page.locator("#done")
    done.wait_for(state="visible")
    assert t("status.pending_confirmation") in done.inner_text()


@pytest.mark.slow
def test_a_supporter_edits_the_body_at_360px_and_the_letter_sent_is_theirs(
    live_app, phone, editing, letters_api, drain, clock, screenshot
):
    editing("edit_body")
    t, page = Messages("fr"), phone
    # GIVEN the form in French: the campaign's body, ready to edit, in French
    page.goto(f"{live_app}/campaigns/hrd-resolution/form?lang=fr")
    body = page.locator("#letter_body")
    assert body.input_value().startswith("Je vous écris pour demander")
    assert page.locator("#message").count() == 0
    page.select_option("#country", "FI")
    page.locator("#preview-section").wait_for(state="visible")
    # a new letter language brings the campaign's text in it, while the supporter has not changed it
    page.select_option("#language", "en")
    page.wait_for_function(  # a function, not a string: the page's CSP forbids eval
        "() => document.getElementById('letter_body').value.startsWith('I am writing to ask')"
    )
    assert body.get_attribute("lang") == "en"
    fits_the_phone(page, "the edit_body form")
    audit(page, "the edit_body form (fr)")
    screenshot(page, "editing-1-edit-body-form")

    # WHEN they rewrite it: the preview shows our greeting, their text and our sign-off
    mine = "I ask our government to co-sponsor the resolution.\n\nI teach in Tampere; defenders matter to me."
    body.fill(mine)
    page.fill("#name", "Aino Virtanen")
    page.fill("#email", "aino@example.org")
    page.evaluate("document.getElementById('preview-fold').open = true")
    preview = page.inner_text("#preview-body")
    assert preview.startswith("Dear Minister for Foreign Affairs,") and mine.split("\n")[0] in preview
    assert "I am writing to ask" not in preview
    send_and_check_email(page, clock, t)
    audit(page, "the sent edit_body form (fr)")
    screenshot(page, "editing-2-edit-body-sent")

    # THEN once confirmed, the ministry's letter is the one they wrote, between our greeting and sign-off
    [notice] = [m for m in letters_api.notices() if "aino@example.org" in m["to"]]
    from support.letters_api import CONFIRM_LINK

    letters_api.client.http.post(
        CONFIRM_LINK.search(notice["body"]).group(1),
        body=b"",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    drain()
    [mail] = [m for m in letters_api.letters_sent() if "aino@example.org" in m["reply_to"]]
    text = mail["body"].replace("\r\n", "\n")
    assert text.startswith("Dear Minister for Foreign Affairs,\n\n" + mine)
    assert "Yours sincerely,\nAino Virtanen" in text


@pytest.mark.slow
def test_a_supporter_writes_their_own_letter_in_arabic_at_360px(live_app, phone, editing, clock, screenshot):
    editing("own_letter")
    t, page = Messages("ar"), phone
    page.goto(f"{live_app}/campaigns/hrd-resolution/form?lang=ar")
    assert page.inner_text("label[for=letter_body]") == t("form.letter_body.label.own_letter")
    assert page.locator("#letter_body").input_value() == ""
    page.select_option("#country", "EG")
    page.locator("#preview-section").wait_for(state="visible")
    page.fill("#name", "Amina")
    page.fill("#email", "amina.ar@example.org")
    # sent empty, the server names the field, in Arabic
    clock.advance(seconds=30)
    page.click("#send")
    page.locator("#letter_body-error").wait_for(state="visible")
    assert page.inner_text("#letter_body-error") == t("errors.letter_body")
    page.fill("#letter_body", "أرجو أن تدعم حكومتنا القرار.")
    fits_the_phone(page, "the own_letter form")
    audit(page, "the own_letter form (ar)")
    screenshot(page, "editing-3-own-letter-form")
    send_and_check_email(page, clock, t)

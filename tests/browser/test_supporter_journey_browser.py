"""In a real browser at 360 px, in each of the six languages: the form, the confirmation link, the confirmed page
and the status page, each in the supporter's language, each audited with axe-core (no serious or critical
violation), each kept as a screenshot in test-artifacts/.
"""

from __future__ import annotations

import pytest
from support.phone_pages import audit, fits_the_phone

from chalicelib.i18n import UI_LANGUAGES, Messages


@pytest.mark.slow
@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_form_to_confirmed_to_status_in_every_language_at_360px(live_app, phone, letters_api, clock, screenshot, lang):
    t = Messages(lang)
    page = phone
    # GIVEN the form in the supporter's language
    page.goto(f"{live_app}/campaigns/hrd-resolution/form?lang={lang}")
    assert page.get_attribute("html", "lang") == lang and page.get_attribute("html", "dir") == t.direction
    assert page.inner_text("#send") == t("form.submit")
    fits_the_phone(page, "the form")
    audit(page, f"the form ({lang})")
    screenshot(page, f"journey-{lang}-1-form")
    # the privacy notice the form links to, in the same language
    page.click(f"text={t('privacy.link')}")
    assert page.inner_text("h1") == t("privacy.title") and page.get_attribute("html", "lang") == lang
    audit(page, f"the privacy notice ({lang})")
    screenshot(page, f"journey-{lang}-1-privacy")
    page.go_back()

    # WHEN they write to Kenya (a letter in English) and send, after reading for a while
    page.select_option("#country", "KE")
    page.locator("#preview-section").wait_for(state="visible")
    # the letter is folded into one line until opened, so Send stays within reach on a phone
    assert page.evaluate("document.getElementById('preview-fold').open") is False
    send_at = page.locator("#send").bounding_box()["y"] + page.evaluate("window.scrollY")
    assert send_at < 2200, f"Send is {send_at}px down the page"
    page.fill("#name", "Amina Wanjiru")
    page.fill("#email", f"amina.{lang}@example.org")
    clock.advance(seconds=30)
    page.click("#send")
    done = page.locator("#done")
    done.wait_for(state="visible")
    assert t("status.pending_confirmation") in done.inner_text()
    audit(page, f"the sent form ({lang})")
    screenshot(page, f"journey-{lang}-2-sent")

    # THEN the confirmation email's link opens a page in their language, not the letter's
    [mail] = [m for m in letters_api.notices() if f"amina.{lang}@example.org" in m["to"]]
    before, _, after = t("mail.confirm.subject", target="\0").partition("\0")
    assert mail["subject"].startswith(before) and mail["subject"].endswith(after)
    from support.letters_api import CONFIRM_LINK

    page.goto(live_app + CONFIRM_LINK.search(mail["body"]).group(1))
    assert page.inner_text("h1") == t("confirm.title")
    audit(page, f"the confirm page ({lang})")
    screenshot(page, f"journey-{lang}-3-confirm")

    page.click("button[type=submit]")
    page.get_by_text(t("confirmed.title")).wait_for()
    fits_the_phone(page, "the confirmed page")
    audit(page, f"the confirmed page ({lang})")
    screenshot(page, f"journey-{lang}-4-confirmed")

    # AND "Follow your letter" opens a page a person can read: the journey so far, in their language
    page.click(f"text={t('done.follow')}")
    page.locator("ol.journey").wait_for()
    assert page.get_attribute("html", "lang") == lang
    assert page.locator("ol.journey li.done").count() == 2  # written, confirmed
    assert page.locator('ol.journey li[aria-current="step"]').inner_text().startswith(t("journey.step.sent"))
    fits_the_phone(page, "the status page")
    audit(page, f"the status page ({lang})")
    screenshot(page, f"journey-{lang}-5-status")

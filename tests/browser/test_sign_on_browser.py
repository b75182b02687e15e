"""A coalition sign-on in a real browser at 360 px, in Arabic (right to left) and Chinese: the form, the page after
it, the pages behind the confirmation email's link and the public list, each in the signatory's language with no
English words of ours, each audited with axe-core (no serious or critical violation) and kept as a screenshot.
"""

from __future__ import annotations

import pytest
from support.our_words import speaks_only
from support.phone_pages import PHONE, audit, fits_the_phone
from support.sign_on_api import SIGN_CONFIRM, organisation

from chalicelib.directory.country_names import country_name
from chalicelib.i18n import Messages

SLUG = "ga-defenders-sign-on"
COALITION = "Coalition for Defenders at the UN (example)"
LISTED = "Ivorian Defenders Network"
ORGANISATION = "Rights Forum Kenya"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def looked_at(page, lang: str, where: str, screenshot, *data: str) -> None:
    """The page in `lang` only, fitting the phone, passing axe-core's audit; kept as a screenshot."""
    speaks_only(page.content(), lang, COALITION, LISTED, *data)
    fits_the_phone(page, where)
    audit(page, f"{where} ({lang})")
    screenshot(page, f"sign-on-{lang}-{where.replace(' ', '-')}")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ar", "zh"])
def test_a_signatory_signs_confirms_and_finds_the_list_in_their_language_at_360px(
    live_app, phone, sign_on, letters_api, clock, screenshot, lang
):
    t = Messages(lang)
    page = phone
    sign_on.decide(sign_on.sign(organisation(LISTED, "CI")))  # one organisation already on the list

    # GIVEN the sign-on form in their language, the letter below it listing a signatory's country in it
    page.goto(f"{live_app}/campaigns/{SLUG}/form?lang={lang}")
    assert page.get_attribute("html", "dir") == t.direction
    assert page.inner_text("button[type=submit]") == t("sign_on.submit")
    assert f"({country_name('CI', lang)})" in page.inner_text(".letter")
    looked_at(page, lang, "form", screenshot)

    # WHEN they sign for their organisation, after reading for a while
    page.fill("#organisation", ORGANISATION)
    page.select_option("#country", "KE")
    page.fill("#contact_name", "Amina Wanjiru")
    page.fill("#email", f"amina.{lang}@rightsforum.example.org")
    clock.advance(seconds=30)
    page.click("button[type=submit]")
    page.get_by_text(t("sign_on.signed.title")).wait_for()
    looked_at(page, lang, "signed", screenshot, ORGANISATION)

    # THEN the email is in their language, and its link opens pages in it
    [mail] = [m for m in letters_api.notices() if f"amina.{lang}@rightsforum.example.org" in m["to"]]
    assert t("mail.sign_on.open_link") in mail["body"]
    page.goto(live_app + SIGN_CONFIRM.search(mail["body"]).group(1))
    assert page.inner_text("h1") == t("sign_on.confirm.title")
    looked_at(page, lang, "confirm", screenshot, ORGANISATION)
    page.click("button[type=submit]")
    page.get_by_text(t("sign_on.confirmed.title")).wait_for()
    looked_at(page, lang, "confirmed", screenshot, ORGANISATION)

    # AND the public list, reached from the form, names countries in their language
    page.goto(f"{live_app}/campaigns/{SLUG}/form?lang={lang}")
    page.click(f"text={t('sign_on.count', count='1')}")
    page.locator("ol.signatories").wait_for()
    assert f"({country_name('CI', lang)})" in page.inner_text("ol.signatories")
    looked_at(page, lang, "list", screenshot)

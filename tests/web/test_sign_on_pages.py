"""A signatory reads every page and email of a sign-on campaign in their own language: the form, its errors, the
page after it, the confirmation email, the pages behind its links, and the public list with its countries."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
from markupsafe import escape
from support.our_words import english_left, speaks_only
from support.sign_on_api import SIGN_CONFIRM, WITHDRAW, organisation

from chalicelib.directory.country_names import country_name
from chalicelib.i18n import Messages

SLUG = "ga-defenders-sign-on"
COALITION = "Coalition for Defenders at the UN (example)"
LISTED = "Ivorian Defenders Network"  # an organisation already on the list, named on the form and the list
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def check(page: str, language: str, *data: str) -> None:
    speaks_only(page, language, COALITION, LISTED, *data)


@pytest.mark.parametrize("language", ["ar", "zh", "ru", "fr", "es"])
def test_a_signatory_reads_every_page_and_email_in_their_language(language, letters_api, sign_on, services):
    client = letters_api.client
    t = Messages(language)

    # GIVEN an approved signatory from Côte d'Ivoire already on the list
    listed = sign_on.sign(organisation(LISTED, "CI"))
    sign_on.decide(listed)

    # WHEN a contact opens the form in their language: its words, the letter and its list are in it
    page = client.http.get(f"/campaigns/{SLUG}/form?lang={language}").body.decode()
    check(page, language)
    assert t("sign_on.submit") in page and f"({country_name('CI', language)})" in page

    # AND a mistake is explained in it, the form kept as filled in
    stamp = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    services.clock.now += dt.timedelta(seconds=5)
    fields = {**organisation("Rights Forum", "KE"), "form_token": stamp, "homepage": "", "lang": language}
    fields["language"] = re.search(r'name="language" value="([^"]*)"', page).group(1)
    wrong = client.http.post(f"/campaigns/{SLUG}/form", body=urlencode({**fields, "website": "ftp://x"}), headers=FORM)
    assert wrong.status_code == 400
    check(wrong.body.decode(), language, "Rights Forum", fields["email"], fields["contact_name"], "ftp")
    assert str(escape(t("sign_on.errors.website"))) in wrong.body.decode()

    # AND the page after signing is in it
    done = client.http.post(f"/campaigns/{SLUG}/form", body=urlencode(fields), headers=FORM)
    assert done.status_code == 202
    check(done.body.decode(), language, "Rights Forum")
    assert t("sign_on.signed.title") in done.body.decode()

    # AND so is the email the contact receives, subject and all
    mail = [m for m in letters_api.notices() if m["to"].endswith(fields["email"] + ">") or fields["email"] in m["to"]]
    assert len(mail) == 1
    title = catalogue_title(services, language)
    assert mail[0]["subject"] == t("mail.sign_on.subject", title=title)
    assert t("mail.sign_on.open_link") in mail[0]["body"] and t("mail.sign_on.review") in mail[0]["body"]
    assert english_left(str(escape(mail[0]["body"])), language) == []

    # AND the pages behind its links (which carry no ?lang=) follow the language they signed in
    confirm = SIGN_CONFIRM.search(mail[0]["body"]).group(1)
    withdraw = WITHDRAW.search(mail[0]["body"]).group(1)
    english_browser = {"Accept-Language": "en"}
    for response in (
        client.http.get(confirm, headers=english_browser),
        client.http.post(confirm, body=b"", headers={**FORM, **english_browser}),
    ):
        assert response.status_code == 200
        check(response.body.decode(), language, "Rights Forum")
    # (a link used twice says so in their browser's language, about a signature, not a letter)
    gone_page(client, confirm, t, "used")
    for response in (
        client.http.get(withdraw, headers=english_browser),
        client.http.post(withdraw, body=b"", headers={**FORM, **english_browser}),
    ):
        assert response.status_code == 200
        check(response.body.decode(), language, "Rights Forum")
    gone_page(client, confirm, t, "unknown")  # withdrawn: deleted, so its links are unknown

    # AND the public list names each country in the page's language
    listing = client.http.get(f"/campaigns/{SLUG}/signatories/embed?lang={language}").body.decode()
    check(listing, language)
    assert f"({country_name('CI', language)})" in listing

    # AND so does the signed letter, once published: its headings, the letter, and the list's countries
    services.sign_on_documents.publish(services.campaigns.get(SLUG), True, actor="test organiser")
    document = client.http.get(f"/campaigns/{SLUG}/signed-letter?lang={language}").body.decode()
    check(document, language)
    assert f"<bdi>{country_name('CI', language)}</bdi>" in document


def gone_page(client, link: str, t: Messages, why: str) -> None:
    page = client.http.get(link, headers={"Accept-Language": t.language})
    assert page.status_code == (410 if why == "used" else 404)
    check(page.body.decode(), t.language)
    assert str(escape(t(f"sign_on.link.{why}"))) in page.body.decode()


def catalogue_title(services, language: str) -> str:
    campaign = services.campaigns.get(SLUG)
    return campaign.text(campaign.title, language)


def test_the_form_follows_the_browser_and_english_pages_keep_the_apis_words(letters_api, services):
    client = letters_api.client
    page = client.http.get(f"/campaigns/{SLUG}/form", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).body.decode()
    assert '<html lang="zh"' in page and 'name="language" value="zh"' in page

    english = client.http.get(f"/campaigns/{SLUG}/form?lang=en").body.decode()
    stamp = re.search(r'name="form_token" value="([^"]+)"', english).group(1)
    services.clock.now += dt.timedelta(seconds=5)
    fields = {**organisation("Plain Org"), "form_token": stamp, "homepage": "", "website": "ftp://x", "lang": "en"}
    wrong = client.http.post(f"/campaigns/{SLUG}/form", body=urlencode(fields), headers=FORM).body.decode()
    assert "The website must be an address starting with https:// (or http://)." in wrong


def test_a_contacts_language_is_one_of_the_six_and_a_regional_tag_counts_as_its_language(sign_on, letters_api):
    refused = sign_on.post(organisation("Tagged Org", language="xx"))
    assert refused.status_code == 400 and refused.json_body["error"]["field"] == "language"

    taken = sign_on.post(organisation("Tagged Org", language="fr-CA"))
    assert taken.status_code == 202
    (mail,) = [m for m in letters_api.notices() if "taggedorg" in m["to"]]
    assert Messages("fr")("mail.sign_on.open_link") in mail["body"]

"""The HTML form: accessible markup, and a plain form post (JavaScript off) that sends a letter or names the error."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

FORM = {
    "country": "KE",
    "name": "Amina Wanjiru",
    "email": "amina@example.org",
    "message": "<b>My words</b>",
    "lang": "en",
    "partner": "pen-kenya",
}


def post_form(client, fields, letters_api=None):
    if letters_api is not None:  # the stamp the form page carries, issued a little while ago
        fields = {"form_token": letters_api.stamp("hrd-resolution"), **fields}
    return client.http.post(
        "/campaigns/hrd-resolution/form",
        body=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def test_every_input_has_a_label(client):
    page = client.http.get("/campaigns/hrd-resolution/form").body.decode()
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
    assert {"country", "name", "email", "city", "message"} <= set(ids)
    for field_id in ids:
        assert f'<label for="{field_id}"' in page
    country_select = re.search(r'<select id="country".*?</select>', page, re.S).group(0)
    assert country_select.count("<option value=") == 196  # 195 countries and the prompt


def test_a_plain_form_post_sends_the_letter_once_confirmed(client, letters_api, drain, services):
    response = post_form(client, FORM, letters_api)

    assert response.status_code == 202
    page = response.body.decode()
    assert 'role="status"' in page and "/letters/" in page and "check your email" in page
    assert len(letters_api.notices()) == 1
    [item] = [i for i in services.aws.table.scan()["Items"] if i["sk"] == "LETTER"]
    letter_id = item["letter_id"]
    confirm_page = client.http.get(letters_api.link(letter_id))
    assert confirm_page.status_code == 200 and '<form method="post"' in confirm_page.body.decode()
    assert drain() == 0  # opening the link shows a button; mail scanners that only GET confirm nothing
    assert letters_api.confirm(letter_id).status_code == 200
    drain()
    [mail] = letters_api.letters_sent()
    assert "<b>My words</b>" in mail["body"]  # plain text mail carries the words as written
    assert item["partner"] == "pen-kenya"


def test_a_bad_form_post_shows_the_form_again_with_the_error_linked_to_the_field(client, letters_api, stored_items):
    response = post_form(client, {**FORM, "email": "nope"}, letters_api)

    assert response.status_code == 400
    page = response.body.decode()
    assert 'id="email-error"' in page
    assert re.search(r'id="email"[^>]*aria-invalid="true"', page, re.S)
    assert 'value="Amina Wanjiru"' in page  # nothing the supporter typed is lost
    assert "&lt;b&gt;My words&lt;/b&gt;" in page  # and everything shown is escaped
    assert stored_items() == []


def test_the_form_of_an_unknown_campaign_is_a_404_page(client):
    response = client.http.get("/campaigns/nope/form")
    assert response.status_code == 404
    assert "text/html" in response.headers["Content-Type"]


def test_dev_pages_exist_only_in_the_local_stage(client, monkeypatch, services):
    assert client.http.get("/dev/outbox.json").status_code == 200
    assert client.http.get("/dev/outbox").status_code == 200
    object.__setattr__(services.settings, "stage", "prod")
    assert client.http.get("/dev/outbox.json").status_code == 404
    assert client.http.get("/dev/outbox").status_code == 404


def test_the_outbox_shows_one_supporters_mail_when_asked_to(client, letters_api):
    for email in ("ana@example.org", "ben@example.org"):
        letter = {"country": "FI", "name": "Supporter", "email": email, "message": "Please act."}
        assert letters_api.post("hrd-resolution", letter).status_code == 202

    everyone = client.http.get("/dev/outbox.json").json_body
    only_ana = client.http.get("/dev/outbox.json?to=ANA%40example.org").json_body
    page = client.http.get("/dev/outbox?to=ana%40example.org").body.decode()

    assert {m["to"] for m in everyone} == {"Supporter <ana@example.org>", "Supporter <ben@example.org>"}
    assert [m["to"] for m in only_ana] == ["Supporter <ana@example.org>"]
    assert "ana@example.org" in page and "ben@example.org" not in page


# --- languages -------------------------------------------------------------------------------------------------


def get_form(client, query: str = "", headers: dict | None = None):
    return client.http.get(f"/campaigns/hrd-resolution/form{query}", headers=headers or {})


def test_a_french_page_has_french_words_and_no_english_ones(client):
    from chalicelib.i18n import catalogue

    page = get_form(client, "?lang=fr").body.decode()

    assert '<html lang="fr" dir="ltr"' in page
    assert '<label for="country">Votre pays</label>' in page and "Envoyer ma lettre" in page
    english, french = catalogue("en"), catalogue("fr")
    leaked = [text for key, text in english.items() if len(text) > 12 and text != french[key] and text in page]
    assert leaked == []


def test_without_lang_the_browser_language_decides_then_the_campaign(client):
    assert '<html lang="es"' in get_form(client, headers={"Accept-Language": "de, es;q=0.8"}).body.decode()
    assert '<html lang="en"' in get_form(client, headers={"Accept-Language": "de"}).body.decode()
    assert '<html lang="fr"' in get_form(client, "?lang=fr", {"Accept-Language": "es"}).body.decode()


def test_an_arabic_page_is_right_to_left_and_marks_english_campaign_text_as_english(client, services, monkeypatch):
    from dataclasses import replace

    # GIVEN a campaign whose title has no Arabic (the examples now have all six: take it away)
    campaigns = services.campaigns
    original = campaigns.get("hrd-resolution")
    no_arabic = replace(original, title={k: v for k, v in original.title.items() if k != "ar"})
    real_get = type(campaigns).get
    monkeypatch.setattr(type(campaigns), "get", lambda self, s: no_arabic if s == original.slug else real_get(self, s))

    page = get_form(client, "?lang=ar").body.decode()

    assert '<html lang="ar" dir="rtl"' in page
    assert '<h1 lang="en" dir="ltr">Stand with human rights defenders' in page  # the campaign has no Arabic title
    assert '<label for="country">بلدك</label>' in page


def test_the_language_links_keep_the_partner_and_the_embedding(client):
    page = get_form(client, "?partner=pen-kenya&embed=1").body.decode()
    assert 'href="?lang=fr&amp;partner=pen-kenya&amp;embed=1" lang="fr"' in page


# --- framing and headers --------------------------------------------------------------------------------------


def test_any_site_may_frame_the_form_unless_the_campaign_lists_embed_origins(client, monkeypatch):
    import dataclasses

    from chalicelib.campaigns.catalogue import default_campaigns

    response = get_form(client, "?embed=1")
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "data-embed" in response.body.decode()

    campaigns = default_campaigns()
    restricted = dataclasses.replace(campaigns.get("hrd-resolution"), embed_origins=("https://partner.example.org",))
    monkeypatch.setitem(campaigns._by_slug, "hrd-resolution", restricted)
    policy = get_form(client).headers["Content-Security-Policy"]
    assert policy.endswith("frame-ancestors 'self' https://partner.example.org")


def test_the_developer_outbox_may_not_be_framed(client):
    assert "frame-ancestors 'none'" in client.http.get("/dev/outbox").headers["Content-Security-Policy"]


def test_a_partner_code_that_could_never_be_accepted_is_dropped(client):
    page = get_form(client, "?partner=" + "bad%20code%3Cx%3E").body.decode()
    assert 'name="partner" value=""' in page
    assert 'name="partner" value="pen-kenya"' in get_form(client, "?partner=pen-kenya").body.decode()


# --- posting without JavaScript ----------------------------------------------------------------------------------


def test_a_bad_post_on_a_french_page_answers_in_french_and_links_the_error(client, letters_api):
    response = post_form(client, {**FORM, "lang": "fr", "email": "nope"}, letters_api)

    page = response.body.decode()
    assert response.status_code == 400
    assert "<title>Erreur : " in page
    assert '<a href="#email">Indiquez votre adresse e-mail' in page
    assert re.search(r'id="email"[^>]*aria-describedby="email-hint email-error"', page, re.S)


def test_a_post_from_an_embedded_form_stays_embedded(client, letters_api):
    response = post_form(client, {**FORM, "embed": "1"}, letters_api)

    page = response.body.decode()
    assert response.status_code == 202 and "data-embed" in page
    assert 'target="_blank" rel="noopener"' in page  # the status link leaves the partner's page alone
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]


def test_when_the_target_has_no_address_the_supporter_gets_the_letter_to_send_in_their_language(
    client, services, stored_items, letters_api, single_target_set
):
    # GIVEN a real stage, where a target without a known address cannot be written to by us, and no chain
    single_target_set("hrd-resolution")
    object.__setattr__(services.settings, "sandbox_recipients", False)

    # WHEN a supporter on a Spanish page posts the form for Kenya (no published ministry address)
    response = post_form(client, {**FORM, "lang": "es", "message": "Please act now."}, letters_api)

    # THEN they get the letter, ready to send from their own email, in Spanish words, and nothing is stored
    page = response.body.decode()
    assert response.status_code == 422
    assert '<html lang="es" dir="rtl"' not in page and '<html lang="es" dir="ltr"' in page
    assert "No tenemos ninguna dirección de correo de este destinatario" in page
    assert 'href="mailto:?subject=Please%20co-sponsor' in page and "Enviarla desde su propio correo" in page
    assert "Amina%20Wanjiru" in page and "Please%20act%20now." in page
    assert "Please act now." in page and 'href="https://www.mfa.go.ke"' in page
    assert stored_items() == []


def test_a_closed_campaign_says_so_instead_of_showing_the_form(client, clock):
    import datetime as dt

    clock.now = dt.datetime(2028, 1, 1, tzinfo=dt.timezone.utc)
    page = get_form(client, "?lang=es").body.decode()
    assert "Esta campaña terminó el 2027-12-31" in page and "<form" not in page


def test_the_form_carries_its_language_so_the_emails_and_later_pages_follow_it(client, letters_api, services):
    page = client.http.get("/campaigns/hrd-resolution/form?lang=ru").body.decode()
    assert '<input type="hidden" name="ui_language" value="ru">' in page

    response = post_form(client, {**FORM, "lang": "ru", "ui_language": "ru"}, letters_api)

    assert response.status_code == 202
    [mail] = letters_api.notices()
    assert mail["subject"].startswith(
        "Пожалуйста, подтвердите"
    )  # Kenya's letter is English; the supporter reads Russian


def test_the_reply_hint_shows_only_where_a_reply_can_reach_the_supporter(client):
    def email_hint(slug):
        page = client.http.get(f"/campaigns/{slug}/form?lang=en").body.decode()
        return re.search(r'<p class="hint" id="email-hint">([^<]*)</p>', page).group(1)

    assert "can reply to you" in email_hint("hrd-resolution")  # sent in the supporter's name, Reply-To them
    assert "reply" not in email_hint("sg-defenders")  # the UN Secretary-General does not answer each writer
    assert "reply" not in email_hint("defenders-digest")  # a digest comes from the organisers


def test_an_error_page_speaks_the_visitors_language(client):
    page = client.http.get("/letters/nope/confirm/nope", headers={"Accept-Language": "ru, en;q=0.5"})
    assert page.status_code == 404 and "Ссылка не найдена" in page.body.decode()


def test_the_country_picker_names_every_state_in_the_pages_language_in_its_order(client):
    def options(lang):
        page = client.http.get(f"/campaigns/hrd-resolution/form?lang={lang}").body.decode()
        return re.findall(r'<option value="([A-Z]{2})"[^>]*>([^<]+)</option>', page)

    french, english = options("fr"), options("en")
    assert len(french) == len(english) == 195 and {c for c, _ in french} == {c for c, _ in english}
    assert ("DE", "Allemagne") in french and ("DE", "Germany") in english
    assert ("CN", "中国") in options("zh") and ("EG", "مصر") in options("ar")
    names = [name for _, name in french]
    assert names.index("Égypte") < names.index("Fidji")  # É sorts as E, not after Z


@pytest.mark.parametrize(
    "lang, before, after",
    [
        ("fr", "Égypte", "Émirats arabes unis"),  # accents second: É sorts with the E's, by the letters after it
        ("fr", "Égypte", "Fidji"),
        ("es", "Noruega", "Omán"),  # Ó with the O's
        ("zh", "阿富汗", "巴西"),  # pinyin: Āfùhàn, Bāxī
        ("zh", "美国", "中国"),  # Měiguó before Zhōngguó (code points would put 中 U+4E2D first)
        ("ru", "Египет", "Замбия"),
        ("ar", "الأرجنتين", "إندونيسيا"),  # alef forms are one letter: then ل before ن
    ],
)
def test_the_country_picker_follows_the_pages_languages_collation(client, lang, before, after):
    page = client.http.get(f"/campaigns/hrd-resolution/form?lang={lang}").body.decode()
    names = [name for _, name in re.findall(r'<option value="([A-Z]{2})"[^>]*>([^<]+)</option>', page)]
    assert names.index(before) < names.index(after)


def test_the_visitors_country_from_cloudfront_is_preselected_and_can_be_changed(client):
    def selected(headers):
        page = client.http.get("/campaigns/hrd-resolution/form", headers=headers).body.decode()
        return re.findall(r'<option value="([A-Z]{2})" selected>', page)

    assert selected({"CloudFront-Viewer-Country": "KE"}) == ["KE"]
    assert selected({"CloudFront-Viewer-Country": "ke"}) == ["KE"]
    assert selected({}) == []
    assert selected({"CloudFront-Viewer-Country": "XX"}) == []  # not a state we write to: no guess
    assert selected({"CloudFront-Viewer-Country": "<b>"}) == []


def test_the_form_links_a_privacy_notice_in_its_language_built_from_the_campaigns_policies(client):
    form = client.http.get("/campaigns/hrd-resolution/form?lang=fr").body.decode()
    assert '<a href="privacy?lang=fr">Comment nous traitons vos données</a>' in form

    notice = client.http.get("/campaigns/hrd-resolution/privacy?lang=fr")
    page = notice.body.decode()
    assert notice.status_code == 200 and 'lang="fr"' in page
    assert "dans les 7 jours" in page and "nous conservons vos données 90 jours" in page  # its policies
    assert "avec votre nom, votre ville et votre adresse e-mail" in page
    digest = client.http.get("/campaigns/defenders-digest/privacy?lang=en").body.decode()
    assert "but not your email address" in digest  # a digest lists names, never addresses


def test_a_partners_look_is_used_only_when_safe_and_readable(client):
    from chalicelib.web.theming import theme

    def form(query):
        return client.http.get(f"/campaigns/hrd-resolution/form?embed=1&{query}").body.decode()

    page = form("accent=%237A1F5C&button=Write+now")
    assert "<style>:root { --accent: #7a1f5c; }</style>" in page
    assert '<button type="submit" id="send">Write now</button>' in page
    assert 'name="accent" value="#7a1f5c" data-page-only' in page  # kept through an error and resend
    # not a colour, or one white text is unreadable on: the form keeps its own
    for accent in ("red", "%23ffff00", "%237a1f5c%3B%7D", "javascript:x"):
        assert "--accent: #" not in form(f"accent={accent}"), accent
    assert theme("#0b5394", "x" * 41) == {"accent": "#0b5394", "button": ""}  # too long a label
    assert theme("#0B5394", "Send\nnow") == {"accent": "#0b5394", "button": "Send now"}
    assert '<button type="submit" id="send">' + "<b>" not in form("button=%3Cb%3E")  # escaped, as any value

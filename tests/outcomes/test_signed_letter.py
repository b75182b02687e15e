"""The coalition letter as coalitions publish it: a sign-on to one fixed target (the UN Secretary-General), the
signed letter as a document (page and PDF, one per language), and a letter delivered by hand, recorded."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import subprocess
import unicodedata

import pytest
from support.sign_on_api import WITHDRAW, SignOnApi, organisation

AGENDA = "sg-defenders-agenda"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# Names in right-to-left scripts and in Chinese: the PDF must hold them as written.
ARABIC = "مركز القاهرة لدراسات حقوق الإنسان"
HEBREW = "בצלם"
CHINESE = "人权捍卫者网络"


@pytest.fixture
def agenda(letters_api, services):
    return SignOnApi(letters_api, services, slug=AGENDA)


@pytest.fixture
def prod_like(services):
    """The services as in dev or prod: no placeholder recipients (the local stage's convenience) for targets."""
    services.settings = dataclasses.replace(services.settings, sandbox_recipients=False)
    return services


def call(client, method, path, token=None, body=None):
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    data = json.dumps(body).encode() if body is not None else (b"{}" if method == "POST" else b"")
    return client.http.request(method, path, headers=headers, body=data)


def signed_up(agenda, clock) -> dict[str, str]:
    """Five organisations sign and confirm over five minutes; three approved, one rejected, one withdrawn."""
    ids = {}
    for name, country in (
        ("Zambia Defenders Trust (example)", "ZM"),
        (ARABIC, "EG"),
        (HEBREW, "IL"),
        (CHINESE, "CN"),
        ("Not Really An NGO", "US"),
    ):
        ids[name] = agenda.sign(organisation(name, country))
        clock.advance(minutes=1)
    for name in ("Zambia Defenders Trust (example)", ARABIC, HEBREW, CHINESE):
        agenda.decide(ids[name], "approve")
    agenda.decide(ids["Not Really An NGO"], "reject")
    withdraw = agenda.link(ids[HEBREW], WITHDRAW)
    assert agenda.client.http.post(withdraw, body=b"", headers=FORM).status_code == 200
    return ids


def test_a_send_to_the_fixed_target_with_no_address_is_refused_in_prod_naming_the_field(agenda, prod_like):
    # GIVEN the example campaign, whose file has no address for the Secretary-General, and an approved signatory
    campaign = prod_like.campaigns.get(AGENDA)
    assert campaign.fixed_target.email is None
    agenda.decide(agenda.sign(organisation("Kenya Rights Watch")))
    # WHEN the organisers send it, in dev or prod, THEN it is refused, naming the field to fill in
    with pytest.raises(Exception) as refused:
        prod_like.sign_on_sends.schedule(campaign, "fixed", None, actor="test organiser")
    assert refused.value.field == "fixed_target.email" and "email_source" in refused.value.message
    # AND a placeholder address (the kind examples carry) is refused the same way
    placeholder = dataclasses.replace(
        campaign, fixed_target=dataclasses.replace(campaign.fixed_target, email="sg@sandbox.invalid")
    )
    with pytest.raises(Exception, match="placeholder") as refused:
        prod_like.sign_on_sends.schedule(placeholder, "fixed", None, actor="test organiser")
    assert refused.value.field == "fixed_target.email"
    # AND nothing was scheduled or logged
    assert prod_like.sign_on_sends.all(AGENDA) == []
    # BUT an address the organisers were given (with its source) is sent to
    given = dataclasses.replace(
        campaign,
        fixed_target=dataclasses.replace(campaign.fixed_target, email="sg-office@un.example.net", email_source="x"),
    )
    with pytest.raises(Exception, match="placeholder"):  # example.net is reserved too: never a real one in tests
        prod_like.sign_on_sends.schedule(given, "fixed", None, actor="test organiser")


def test_the_campaign_file_needs_the_source_of_a_fixed_targets_address(tmp_path):
    from chalicelib.campaigns.catalogue import load_campaign
    from chalicelib.errors import CampaignFileError
    from chalicelib.rendering import TEMPLATES_DIR

    folder = tmp_path / AGENDA
    shutil.copytree(TEMPLATES_DIR / "campaigns" / AGENDA, folder)
    toml = folder / "campaign.toml"
    toml.write_text(toml.read_text().replace('email = ""', 'email = "office@un.example.org"'))
    with pytest.raises(CampaignFileError, match="fixed_target.email_source"):
        load_campaign(folder)
    toml.write_text(toml.read_text().replace('email_source = ""', 'email_source = "letter of 2026-05-02"'))
    assert load_campaign(folder).fixed_target.email_source == "letter of 2026-05-02"
    toml.write_text(toml.read_text().replace('order = "signed"', 'order = "by size"'))
    with pytest.raises(CampaignFileError, match="sign_on.order"):
        load_campaign(folder)


def test_locally_the_letter_to_the_fixed_target_goes_to_the_outbox_once_with_its_list(
    agenda, services, letters_api, clock, drain, housekeeping
):
    signed_up(agenda, clock)
    campaign = services.campaigns.get(AGENDA)
    # WHEN the organisers send it to the fixed target (one letter: no count to confirm)
    send = services.sign_on_sends.schedule(campaign, "fixed", None, actor="test organiser")
    assert send["target_set"] == "fixed"
    assert housekeeping().get("sign_on_dispatched") == 1
    drain()
    # THEN one letter went, to the local placeholder, with the approved signatories in the order they signed
    [letter] = [m for m in letters_api.letters_sent() if "agenda@" in m["reply_to"]]
    assert letter["to"].endswith("<fixed@sandbox.invalid>") and "Secretary-General" in letter["to"]
    body = letter["body"].replace("\r\n", "\n")
    assert body.startswith("Dear Secretary-General,")
    assert body.endswith(
        f"\n\n1. Zambia Defenders Trust (example) (Zambia)\n2. {ARABIC} (Egypt)\n3. {CHINESE} (China)\n"
    )
    [done] = services.sign_on_sends.all(AGENDA)
    assert done["status"] == "dispatched" and done["letters"] == 1 and done["unreachable"] == []


def test_the_signed_letter_is_one_document_per_language_with_the_approved_list_in_its_language(
    agenda, services, client, clock
):
    signed_up(agenda, clock)
    token = services.organiser_tokens.create("Coalition secretariat", [AGENDA])[0]
    base = f"/admin/campaigns/{AGENDA}/signed-letter"
    # WHEN the organisers open the French document before any send
    page = call(client, "GET", f"{base}?lang=fr", token)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = page.body.decode()
    # THEN it is the French letter, a dated draft, numbered in the order they signed, countries named in French
    assert '<article class="document" lang="fr">' in html and "Projet, pas encore envoyé" in html
    assert "2026-11-26" in html and "@media print" in html
    listed = [line.strip() for line in html.splitlines() if line.strip().startswith("<li value=") and "<bdi>" in line]
    assert listed == [
        '<li value="1"><bdi>Zambia Defenders Trust (example)</bdi> (<bdi>Zambie</bdi>)</li>',
        f'<li value="2"><bdi>{ARABIC}</bdi> (<bdi>Égypte</bdi>)</li>',
        f'<li value="3"><bdi>{CHINESE}</bdi> (<bdi>Chine</bdi>)</li>',
    ]
    assert HEBREW not in html and "Not Really An NGO" not in html  # withdrawn, rejected
    # AND a language the letter is not written in is refused, naming the field
    refused = call(client, "GET", f"{base}?lang=de", token)
    assert refused.status_code == 400 and refused.json_body["error"]["field"] == "language"
    # AND another campaign's organiser cannot read it
    other = services.organiser_tokens.create("Letters team", ["hrd-resolution"])[0]
    assert call(client, "GET", base, other).status_code == 403


def test_the_signed_letter_is_public_and_framable_only_once_published(agenda, services, client, clock):
    signed_up(agenda, clock)
    token = services.organiser_tokens.create("Coalition secretariat", [AGENDA])[0]
    public = f"/campaigns/{AGENDA}/signed-letter"
    assert client.http.get(public).status_code == 404
    published = call(client, "POST", f"/admin/campaigns/{AGENDA}/signed-letter/publish", token, {"published": True})
    assert published.status_code == 200 and published.json_body["published"] is True
    page = client.http.get(f"{public}?lang=es&embed=1")
    assert page.status_code == 200 and "frame-ancestors *" in page.headers["Content-Security-Policy"]
    assert "Firmantes (3)" in page.body.decode() and "Egipto" in page.body.decode()
    bad = call(client, "POST", f"/admin/campaigns/{AGENDA}/signed-letter/publish", token, {"published": "yes"})
    assert bad.status_code == 400 and bad.json_body["error"]["field"] == "published"
    call(client, "POST", f"/admin/campaigns/{AGENDA}/signed-letter/publish", token, {"published": False})
    assert client.http.get(public).status_code == 404
    assert client.http.get("/campaigns/hrd-resolution/signed-letter").status_code == 404  # not a sign-on letter


def test_a_letter_to_193_targets_is_one_document_dated_the_day_it_went(sign_on, services, clock, housekeeping):
    import datetime as dt

    from chalicelib.outcomes.sign_on_document import GENERIC_TARGET

    sign_on.decide(sign_on.sign(organisation("Kenya Rights Watch")))
    campaign = services.campaigns.get(sign_on.slug)
    count = services.sign_on_sends.target_count()
    send_at = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.timezone.utc)
    services.sign_on_sends.schedule(campaign, "un-mission-geneva", send_at, actor="t", confirm_count=count)
    assert not services.sign_on_documents.document(campaign, "es").sent  # scheduled only: still a draft
    clock.now = send_at + dt.timedelta(minutes=1)
    assert housekeeping().get("sign_on_dispatched") == 1
    document = services.sign_on_documents.document(campaign, "es")
    assert document.sent and document.date.isoformat() == "2026-11-28"
    assert document.addressed_to == "" and GENERIC_TARGET.country is None
    assert [s["country"] for s in document.signatories] == ["Kenia"]


def pdf_text(path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    # Arabic comes out of a PDF in its presentation forms (the shaped glyphs): NFKC folds them back to letters.
    return unicodedata.normalize("NFKC", text)


def has_font_for(language: str) -> bool:
    fc_list = shutil.which("fc-list")
    found = subprocess.run([fc_list, f":lang={language}"], capture_output=True, text=True) if fc_list else None
    return bool(found and found.stdout.strip())


@pytest.mark.slow
def test_the_pdf_holds_every_approved_signatory_as_written_and_no_other(agenda, services, clock, tmp_path):
    from chalicelib.cli.admin import main as admin

    if shutil.which("chromium") is None:
        pytest.skip("needs Debian's chromium (.ci/run installs it)")
    if not (has_font_for("ar") and has_font_for("he") and has_font_for("zh")):
        pytest.skip("needs fonts for Arabic, Hebrew and Chinese (fonts-dejavu-core, fonts-droid-fallback)")
    signed_up(agenda, clock)
    out, err = io.StringIO(), io.StringIO()
    pdf = tmp_path / "agenda.pdf"
    code = admin(
        ["--aws", "signed-letter", "--campaign", AGENDA, "--lang", "en", "--pdf", str(pdf)],
        out=out,
        err=err,
        services=services,
    )
    assert code == 0, err.getvalue()
    assert "en: 3 signatories, draft of 2026-11-26" in out.getvalue()
    text = pdf_text(pdf)
    # THEN every approved signatory is in it, the Arabic and Chinese names as written, countries in English
    for name in ("Zambia Defenders Trust (example)", ARABIC, CHINESE, "Zambia", "Egypt", "China"):
        assert name in text, name
    assert "Dear Secretary-General," in text and "Signatories (3)" in text
    # AND neither the rejected nor the withdrawn organisation
    assert "Not Really An NGO" not in text and HEBREW not in text and "Israel" not in text


@pytest.mark.slow
def test_a_hebrew_name_prints_as_written(agenda, services, clock, tmp_path):
    from chalicelib.cli.pdf_printing import print_pdf
    from chalicelib.web.sign_on_pages import signed_letter_page

    if shutil.which("chromium") is None or not has_font_for("he"):
        pytest.skip("needs Debian's chromium and a Hebrew font")
    agenda.decide(agenda.sign(organisation(HEBREW, "IL")))
    page = signed_letter_page(services.sign_on_documents.document(services.campaigns.get(AGENDA), "fr"))
    text = pdf_text(print_pdf(page, tmp_path / "he.pdf"))
    assert HEBREW in text and "Israël" in text and "Signataires (1)" in text


def test_a_letter_delivered_by_hand_is_recorded_and_bad_input_is_named(agenda, prod_like, client, clock):
    services = prod_like
    token = services.organiser_tokens.create("Coalition secretariat", [AGENDA])[0]
    path = f"/admin/campaigns/{AGENDA}/hand-deliveries"
    agenda.decide(agenda.sign(organisation("Kenya Rights Watch")))
    good = {"method": "by_hand", "date": "2026-11-25", "note": "Handed to the Executive Office"}
    # Bad input, each named
    for body, field in (
        ({**good, "method": "by_pigeon"}, "method"),
        ({**good, "date": "2026-11-27"}, "date"),  # tomorrow, by the injected clock
        ({**good, "date": "25/11/2026"}, "date"),
        ({**good, "date": "2025-12-31"}, "date"),  # before the campaign opened
        ({**good, "target_set": "un-mission-geneva", "country": "Atlantis"}, "country"),
        ({**good, "target_set": "parliament"}, "target_set"),
        ({**good, "note": "x" * 1001}, "note"),
    ):
        refused = call(client, "POST", path, token, body)
        assert refused.status_code == 400 and refused.json_body["error"]["field"] == field, (body, refused.json_body)
    assert services.hand_deliveries.all(AGENDA) == []
    # WHEN the organisers, who could not email the Secretary-General, record the letter they handed over
    recorded = call(client, "POST", path, token, good)
    assert recorded.status_code == 201, recorded.json_body
    view = recorded.json_body
    assert (view["status"], view["delivered_by"], view["delivered_on"]) == (
        "delivered_by_hand",
        "by_hand",
        "2026-11-25",
    )
    assert view["target_name"] == "Secretary-General of the United Nations" and view["recorded_by"]
    # THEN the log holds the letter, with the list as approved, and the dashboard lists the delivery
    letter = services.letters.get(view["letter_id"])
    assert letter.kind == "sign-on" and letter.body.endswith("1. Kenya Rights Watch (Kenya)\n")
    outcomes = call(client, "GET", f"/admin/campaigns/{AGENDA}/outcomes", token).json_body
    assert [d["status"] for d in outcomes["hand_deliveries"]] == ["delivered_by_hand"]
    assert "fixed" in outcomes["target_sets"]
    # AND recording it twice is refused, as is a target no letter went to
    assert call(client, "POST", path, token, good).status_code == 409
    nowhere = call(client, "POST", path, token, {**good, "target_set": "un-mission-geneva", "country": "KE"})
    assert nowhere.status_code == 404


def test_the_admin_cli_records_a_hand_delivery(agenda, prod_like):
    from chalicelib.cli.admin import main as admin

    agenda.decide(agenda.sign(organisation("Kenya Rights Watch")))
    out, err = io.StringIO(), io.StringIO()
    argv = ["--aws", "hand-delivery", "--campaign", AGENDA, "--method", "by_post", "--date", "2026-11-26"]
    assert admin([*argv[:-1], "2027-01-01"], out=out, err=err, services=prod_like) == 2
    assert "in the future" in err.getvalue()
    assert admin(argv, out=out, err=err, services=prod_like) == 0
    assert json.loads(out.getvalue())["delivered_by"] == "by_post"

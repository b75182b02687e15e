"""The campaign editor's routes: save a draft, preview, lint, test-send, publish, close; errors name the field;
only the campaign's organisers (and, for a new campaign, an all-campaigns token) get in."""

from __future__ import annotations

import json

import pytest

from chalicelib.campaigns.catalogue import CAMPAIGNS_DIR
from chalicelib.campaigns.documents import document_from_folder

SLUG = "lake-three"


def new_document():
    document = document_from_folder(CAMPAIGNS_DIR / "hrd-resolution")
    title = document["campaign"]["title"]
    document["campaign"]["title"] = {**title, "en": "Free the Lake Three", "fr": "Libérez-les", "es": "Libérenlos"}
    document["campaign"]["organiser_email"] = "organisers@demarche.example.org"
    return document


@pytest.fixture
def tokens(services):
    create = services.organiser_tokens.create
    return {"all": create("Secretariat", ["*"])[0], "A": create("Organiser of A", ["hrd-resolution"])[0]}


def call(client, method, path, token, body=None):
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    raw = json.dumps(body).encode() if body is not None else (b"{}" if method != "GET" else b"")
    return client.http.request(method, path, headers=headers, body=raw)


def test_an_organiser_builds_previews_tests_and_publishes_a_campaign(client, tokens, outbox):
    token = tokens["all"]
    # WHEN the organiser saves a new campaign's draft
    saved = call(client, "PUT", f"/admin/campaigns/{SLUG}/draft", token, {"document": new_document(), "revision": 0})
    assert saved.status_code == 200, saved.body
    assert saved.json_body["revision"] == 1 and saved.headers["Cache-Control"] == "no-store"
    # THEN the public API does not know it yet
    assert client.http.get(f"/campaigns/{SLUG}").status_code == 404
    # AND the draft previews for any country and language, with the public preview's shape
    for country, language in (("KE", "en"), ("FR", "fr"), ("MX", "es")):
        preview = call(client, "GET", f"/admin/campaigns/{SLUG}/draft/preview?country={country}&language={language}",
                       token)  # fmt: skip
        assert preview.status_code == 200, preview.body
        assert preview.json_body["country"]["code"] == country and preview.json_body["letter"]["language"] == language
    lint = call(client, "POST", f"/admin/campaigns/{SLUG}/draft/lint", token)
    assert lint.json_body["ok"] is True and lint.json_body["countries"] >= 193
    sent = call(client, "POST", f"/admin/campaigns/{SLUG}/draft/test-send", token, {"country": "KE"})
    assert sent.status_code == 202 and sent.json_body["sent_to"] == "organisers@demarche.example.org"
    assert any("organisers@demarche.example.org" in m["to"] and "[Test]" in m["subject"] for m in outbox())
    # WHEN it is published
    published = call(client, "POST", f"/admin/campaigns/{SLUG}/publish", token, {"live_version": 0})
    assert published.status_code == 200 and published.json_body["published_version"] == 1
    # THEN the public API serves it at once (this container), and its form page exists
    assert client.http.get(f"/campaigns/{SLUG}").json_body["title"]["en"] == "Free the Lake Three"
    assert client.http.get(f"/campaigns/{SLUG}/form").status_code == 200
    # AND closing it stops letters
    closed = call(client, "POST", f"/admin/campaigns/{SLUG}/close", token)
    assert closed.status_code == 200 and closed.json_body["versions"][0]["action"] == "close"


def test_bad_input_names_the_field(client, tokens):
    document = new_document()
    document["letters"]["fr"] = "Madame, {{ target.addressee "
    answer = call(client, "PUT", f"/admin/campaigns/{SLUG}/draft", tokens["all"], {"document": document, "revision": 0})
    assert answer.status_code == 400
    error = answer.json_body["error"]
    assert error["code"] == "invalid_field" and error["field"] == "letters.fr"
    assert error["message"].startswith("letters.fr: ")


def test_publishing_a_letter_that_breaks_for_one_country_is_refused_with_the_problems(client, tokens, services):
    document = new_document()
    document["letters"]["en"] += "{% if country.name == 'Egypt' %}{{ no_such_name }}{% endif %}\n"
    call(client, "PUT", f"/admin/campaigns/{SLUG}/draft", tokens["all"], {"document": document, "revision": 0})
    answer = call(client, "POST", f"/admin/campaigns/{SLUG}/publish", tokens["all"], {"live_version": 0})
    assert answer.status_code == 422
    assert answer.json_body["error"]["code"] == "campaign_not_ready"
    assert any("for EG" in p for p in answer.json_body["error"]["problems"])
    assert client.http.get(f"/campaigns/{SLUG}").status_code == 404


def test_who_may_edit(client, tokens):
    # A token for one campaign can neither create a campaign nor open another's editor; no token is 401
    new = {"document": new_document(), "revision": 0}
    assert call(client, "PUT", f"/admin/campaigns/{SLUG}/draft", tokens["A"], new).status_code == 403
    assert call(client, "GET", "/admin/campaigns/sg-defenders/editor", tokens["A"]).status_code == 403
    assert call(client, "GET", "/admin/campaigns/hrd-resolution/editor", tokens["A"]).status_code == 200
    assert client.http.get("/admin/campaigns/hrd-resolution/editor").status_code == 401


def test_the_editor_pages_and_script_are_served(client):
    page = client.http.get("/admin/campaigns/new")
    assert page.status_code == 200 and b'data-path="letters.en"' in page.body
    assert (
        b'data-path="campaign.bots.proof_of_work"' in page.body and b'data-path="campaign.allowed_origins"' in page.body
    )
    assert client.http.get("/admin/campaigns/hrd-resolution/edit").status_code == 200
    script = client.http.get("/admin/campaign_editor.js")
    assert script.status_code == 200 and b"sessionStorage" in script.body


def test_the_editor_has_an_input_for_every_field_the_campaign_files_use(client):
    import re

    paths = set(re.findall(r'data-path="([^"]+)"', client.http.get("/admin/campaigns/new").body.decode()))
    aliases = {"target_set": "target_sets", "fallback_target_set": "target_sets"}  # shown as the one chain
    for folder in sorted(p for p in CAMPAIGNS_DIR.iterdir() if (p / "campaign.toml").is_file()):
        for name, value in document_from_folder(folder)["campaign"].items():
            if name in ("title", "summary", "subject"):
                wanted = [f"campaign.{name}.{lang}" for lang in value]
            elif isinstance(value, dict):
                wanted = [  # a table's per-language text (next_step.text) has an input per language
                    f"campaign.{name}.{key}.{lang}" if isinstance(sub, dict) else f"campaign.{name}.{key}"
                    for key, sub in value.items()
                    for lang in (sub if isinstance(sub, dict) else [None])
                ]
            else:
                wanted = [f"campaign.{aliases.get(name, name)}"]
            assert set(wanted) <= paths, f"{folder.name}: no input for {set(wanted) - paths}"


def test_a_viewer_reads_the_editor_but_may_not_change_send_or_publish(client, services):
    viewer = services.organiser_tokens.create("A viewer", ["hrd-resolution"], role="viewer")[0]
    base = "/admin/campaigns/hrd-resolution"
    assert call(client, "GET", f"{base}/editor", viewer).status_code == 200
    assert call(client, "GET", f"{base}/draft/preview?country=KE", viewer).status_code == 200
    document = document_from_folder(CAMPAIGNS_DIR / "hrd-resolution")
    for method, path, body in (
        ("PUT", f"{base}/draft", {"document": document, "revision": 0}),
        ("POST", f"{base}/draft/test-send", {"country": "KE"}),
        ("POST", f"{base}/publish", {"live_version": 0}),
        ("POST", f"{base}/close", None),
    ):
        answer = call(client, method, path, viewer, body)
        assert answer.status_code == 403, path
        assert answer.json_body["error"]["message"] == (
            "Your role on 'hrd-resolution' (viewer) does not allow acting on this campaign."
        )


def test_an_editor_edits_their_campaign_but_only_an_owner_of_every_campaign_creates_one(client, services):
    create = services.organiser_tokens.create
    editor_of_a = create("Editor of A", ["hrd-resolution"], role="editor")[0]
    editor_of_all = create("Editor of all", ["*"], role="editor")[0]
    owner_of_a = create("Owner of A", ["hrd-resolution"], role="owner")[0]
    document = document_from_folder(CAMPAIGNS_DIR / "hrd-resolution")
    saved = call(client, "PUT", "/admin/campaigns/hrd-resolution/draft", editor_of_a, {"document": document,
                                                                                       "revision": 0})  # fmt: skip
    assert saved.status_code == 200, saved.body
    new = {"document": new_document(), "revision": 0}
    # a token for some campaigns does not reach a new one's routes (the authorizer's 403)
    for token in (editor_of_a, owner_of_a):
        assert call(client, "PUT", f"/admin/campaigns/{SLUG}/draft", token, new).status_code == 403
    # an editor of every campaign reaches them, but may not open a new one, and is told why
    answer = call(client, "PUT", f"/admin/campaigns/{SLUG}/draft", editor_of_all, new)
    assert answer.status_code == 403
    assert answer.json_body["error"]["message"] == (
        "Creating a campaign needs the owner role on every campaign; ask an owner of all campaigns."
    )
    owner_of_all = create("Owner of all", ["*"], role="owner")[0]
    assert call(client, "PUT", f"/admin/campaigns/{SLUG}/draft", owner_of_all, new).status_code == 200


def test_a_signed_in_organiser_gets_the_test_at_their_own_address_a_token_at_the_campaigns(
    client, services, outbox, sign_in
):
    services.members.grant("amina@ngo.example", ["*"], "owner")
    session = sign_in("amina@ngo.example")["token"]
    token = services.organiser_tokens.create("Secretariat", ["*"])[0]
    call(client, "PUT", f"/admin/campaigns/{SLUG}/draft", session, {"document": new_document(), "revision": 0})
    by_session = call(client, "POST", f"/admin/campaigns/{SLUG}/draft/test-send", session, {"country": "KE"})
    assert by_session.status_code == 202 and by_session.json_body["sent_to"] == "amina@ngo.example"
    by_token = call(client, "POST", f"/admin/campaigns/{SLUG}/draft/test-send", token, {"country": "FR"})
    assert by_token.status_code == 202 and by_token.json_body["sent_to"] == "organisers@demarche.example.org"
    tests = [m["to"] for m in outbox() if m["subject"].startswith("[Test]")]
    assert len(tests) == 2 and "<amina@ngo.example>" in tests[0] and "<organisers@demarche.example.org>" in tests[1]


def test_the_editor_sets_how_much_of_the_letter_supporters_may_change(client, tokens):
    assert 'data-path="campaign.letter.editing"' in client.http.get("/admin/campaigns/new").body.decode()
    document = new_document()
    document["campaign"]["letter"] = {"editing": "rewrite"}
    save = {"document": document, "revision": 0}
    answer = call(client, "PUT", f"/admin/campaigns/{SLUG}/draft", tokens["all"], save)
    assert answer.status_code == 400 and answer.json_body["error"]["field"] == "letter.editing"
    # a letter without the body block cannot let supporters edit it: the error names the letter
    document["campaign"]["letter"] = {"editing": "edit_body"}
    document["letters"]["es"] = document["letters"]["es"].replace("{% block body %}", "").replace("{% endblock %}", "")
    answer = call(client, "PUT", f"/admin/campaigns/{SLUG}/draft", tokens["all"], save)
    assert answer.status_code == 400 and answer.json_body["error"]["field"] == "letters.es"

    document["letters"] = new_document()["letters"]
    assert call(client, "PUT", f"/admin/campaigns/{SLUG}/draft", tokens["all"], save).status_code == 200
    preview = call(client, "GET", f"/admin/campaigns/{SLUG}/draft/preview?country=FR&language=fr", tokens["all"])
    assert preview.json_body["editing"]["body"].startswith("Je vous écris pour demander")
    assert call(client, "POST", f"/admin/campaigns/{SLUG}/draft/lint", tokens["all"]).json_body["ok"] is True

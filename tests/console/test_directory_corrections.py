"""Organisers correct a target's address without a deploy: PUT/DELETE /admin/campaigns/{slug}/targets/{set}/{cc}.

The correction is stored in DynamoDB with its audit record (who, when, old -> new), in effect for the next letter
in this container at once and in every other within the snapshot's time; bad input is refused naming the field,
and nothing is half-written.
"""

from __future__ import annotations

import json

import pytest

from chalicelib.directory.overrides import AUDIT_PK, STORED_PK, StoredOverrides

SLUG = "hrd-resolution"  # foreign ministry, then the New York mission
KE = f"/admin/campaigns/{SLUG}/targets/un-mission-new-york/KE"
GOOD = {
    "email": "registry@kenya-mission.org",
    "address_kind": "registry",
    "source": "https://www.un.int/kenya/contacts",
    "note": "the mission moved its inbox",
}
LETTER = {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org", "message": "Please act."}


@pytest.fixture
def tokens(services):
    create = services.organiser_tokens.create
    return {"A": create("Organiser of A", [SLUG])[0], "all": create("Secretariat", ["*"])[0]}


def call(client, method, path, token, body=None):
    return client.http.request(
        method,
        path,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        body=json.dumps(body).encode() if body is not None else b"",
    )


def stored(services, pk):
    return services.aws.table.query(KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": pk})["Items"]


def test_a_correction_reaches_the_next_letter_with_its_audit_record(client, services, tokens, letters_api):
    # GIVEN Kenya's letter goes to its New York mission's sourced address
    before = services.directory.target("un-mission-new-york", "KE")
    assert before.email == "info@kenyaun.org" and before.address_origin == "sourced"
    # WHEN the campaign's organiser corrects it
    response = call(client, "PUT", KE, tokens["A"], GOOD)
    # THEN the answer is the audit record: who, when, old -> new
    assert response.status_code == 200, response.body
    changed = response.json_body["changed"]
    assert changed["who"] == f"token {tokens['A'].split('_')[1]} (Organiser of A)"
    assert changed["at"].startswith("2026-11-26T10:00")
    assert changed["old"] == {"email": "info@kenyaun.org", "address_kind": "general", "source": before.source}
    assert changed["new"] == {k: GOOD[k] for k in ("email", "address_kind", "source")}
    assert response.json_body["in_effect_within_seconds"] == 60
    # ... the next letter goes to the corrected address, marked as an override
    letters_api.send(SLUG, LETTER)
    (letter,) = [i for i in services.aws.table.scan()["Items"] if i.get("sk") == "LETTER"]
    assert letter["target_email"] == GOOD["email"] and letter["address_origin"] == "override"
    # ... which the organiser's log shows
    log = call(client, "GET", f"/admin/campaigns/{SLUG}/letters", tokens["A"]).json_body
    assert [row["address_origin"] for row in log["letters"]] == ["override"]
    # ... and the target's page in the console shows the address and its history
    page = call(client, "GET", KE, tokens["A"]).json_body
    assert page["target"]["email"] == GOOD["email"] and page["target"]["address_origin"] == "override"
    assert [h["action"] for h in page["history"]] == ["set"]


def test_clearing_goes_back_to_the_shared_row_and_is_audited(client, services, tokens):
    call(client, "PUT", KE, tokens["A"], GOOD)
    response = call(client, "DELETE", KE + "?note=fixed+in+the+files", tokens["A"])
    assert response.status_code == 200, response.body
    changed = response.json_body["changed"]
    assert changed["action"] == "clear" and changed["note"] == "fixed in the files"
    assert changed["old"]["email"] == GOOD["email"] and changed["new"]["email"] == "info@kenyaun.org"
    assert services.directory.target("un-mission-new-york", "KE").address_origin == "sourced"
    assert stored(services, STORED_PK) == [] and len(stored(services, AUDIT_PK)) == 2
    # clearing again changes nothing and records nothing
    again = call(client, "DELETE", KE, tokens["A"])
    assert again.status_code == 200 and again.json_body["changed"] is None
    assert len(stored(services, AUDIT_PK)) == 2


@pytest.mark.parametrize(
    ("path", "change", "field"),
    [
        (KE, {"source": ""}, "source"),
        (KE, {"source": None}, "source"),
        (KE, {"source": "http://www.un.int/kenya/"}, "source"),
        (KE, {"source": "javascript:alert(1)"}, "source"),
        (KE, {"email": "not-an-address"}, "email"),
        (KE, {"email": "registry@kenya-mission.org\r\nBcc: x@evil.org"}, "email"),
        (KE, {"email": "registry@kenya-mission.org\n"}, "email"),
        (KE, {"email": "un-mission-new-york.ke@sandbox.invalid"}, "email"),
        (KE, {"email": "mission@example.com"}, "email"),
        (KE, {"email": ""}, "email"),
        (KE, {"address_kind": "personal"}, "address_kind"),
        (KE, {"email": "kenyamission@gmail.com", "address_kind": "general"}, "address_kind"),
        (KE, {"note": "line one\nline two"}, "note"),
        (KE.replace("/KE", "/Atlantis"), {}, "country"),
        (KE.replace("un-mission-new-york", "parliament"), {}, "target_set"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(client, services, tokens, path, change, field):
    response = call(client, "PUT", path, tokens["A"], {**GOOD, **change})
    assert response.status_code == 400, response.body
    assert response.json_body["error"]["field"] == field, response.json_body
    assert stored(services, STORED_PK) == [] and stored(services, AUDIT_PK) == []


def test_a_body_that_is_not_an_object_is_refused(client, tokens):
    response = call(client, "PUT", KE, tokens["A"], ["email"])
    assert response.status_code == 400 and response.json_body["error"]["field"] == "body"


def test_an_organiser_may_correct_only_their_campaigns_chain(client, services, tokens):
    geneva = KE.replace("un-mission-new-york", "un-mission-geneva")
    assert call(client, "PUT", geneva, tokens["A"], GOOD).status_code == 403
    assert call(client, "PUT", KE.replace(SLUG, "sg-defenders"), tokens["A"], GOOD).status_code == 403
    assert stored(services, STORED_PK) == []
    # a token for every campaign may correct any set
    assert call(client, "PUT", geneva, tokens["all"], GOOD).status_code == 200
    assert services.directory.target("un-mission-geneva", "KE").email == GOOD["email"]


def test_a_correction_made_meanwhile_by_someone_else_is_not_overwritten(services, clock, monkeypatch):
    from chalicelib.directory import default_directory
    from chalicelib.errors import StateConflict

    store = StoredOverrides(services.aws.table, clock, default_directory())
    store.set("first", "un-mission-new-york", "KE", **{k: GOOD[k] for k in ("email", "address_kind", "source")})
    stale = store.get("un-mission-new-york", "KE")
    store.set(
        "second",
        "un-mission-new-york",
        "KE",
        email="b@kenya-mission.org",
        address_kind="general",
        source=GOOD["source"],
    )
    # WHEN a third writer read the first version and writes after the second
    monkeypatch.setattr(store, "get", lambda *_: stale)
    with pytest.raises(StateConflict):
        store.set(
            "third",
            "un-mission-new-york",
            "KE",
            email="c@kenya-mission.org",
            address_kind="general",
            source=GOOD["source"],
        )
    # THEN the second correction stands, and no audit record claims the third
    assert (
        services.aws.table.get_item(Key={"pk": STORED_PK, "sk": "un-mission-new-york#KE"})["Item"]["set_by"] == "second"
    )
    assert sorted(i["who"] for i in stored(services, AUDIT_PK)) == ["first", "second"]


def test_another_container_sees_a_correction_within_its_snapshot_time(services, clock):
    from chalicelib.directory import default_directory

    ticks = [0.0]
    writer = StoredOverrides(services.aws.table, clock, default_directory())
    reader = StoredOverrides(
        services.aws.table, clock, default_directory(), cache_seconds=60, monotonic=lambda: ticks[0]
    )
    directory = default_directory().with_stored(reader.cells)
    assert directory.target("un-mission-new-york", "KE").email == "info@kenyaun.org"  # snapshot read at 0 s
    writer.set("w", "un-mission-new-york", "KE", **{k: GOOD[k] for k in ("email", "address_kind", "source")})
    ticks[0] = 59.0
    assert directory.target("un-mission-new-york", "KE").email == "info@kenyaun.org"  # still the old snapshot
    ticks[0] = 60.0
    corrected = directory.target("un-mission-new-york", "KE")
    assert corrected.email == GOOD["email"] and corrected.address_kind == "registry" and not corrected.verified
    assert default_directory().target("un-mission-new-york", "KE").email == "info@kenyaun.org"  # files untouched


def test_a_campaigns_own_override_file_still_wins_over_a_stored_correction(services, clock):
    from dataclasses import replace

    from chalicelib.directory import default_directory

    store = StoredOverrides(services.aws.table, clock, default_directory())
    store.set("w", "un-mission-new-york", "KE", **{k: GOOD[k] for k in ("email", "address_kind", "source")})
    directory = default_directory().with_stored(store.cells)
    own = {"un-mission-new-york": {"KE": {"email": "desk@kenya-mission.org", "source": GOOD["source"]}}}
    target = directory.target("un-mission-new-york", "KE", own)
    assert target.email == "desk@kenya-mission.org" and target.address_origin == "sourced"
    assert replace(target, stored_override=True).address_origin == "override"


def test_the_outbox_says_which_address_each_letter_went_to(client, services, letters_api, settle, hrd_without_chain):
    # GIVEN letters to a sourced address (Finland's ministry) and to a local placeholder (Kenya, no chain)
    letters_api.send(SLUG, {**LETTER, "country": "FI", "email": "aino@example.org"})
    letters_api.send(SLUG, LETTER)
    settle()
    # THEN the outbox marks each letter's address, and mail that is not a letter has none
    messages = client.http.get("/dev/outbox.json").json_body
    origins = {m["to"].rpartition("<")[2].rstrip(">"): m["address_origin"] for m in messages if m["reply_to"]}
    assert origins == {"kirjaamo.um@gov.fi": "sourced", "foreign-ministry.ke@sandbox.invalid": "placeholder"}
    assert {m["address_origin"] for m in messages if not m["reply_to"]} == {None}
    assert '<th scope="row">Address</th><td>placeholder</td>' in client.http.get("/dev/outbox").body.decode()


def test_a_viewer_may_read_a_targets_history_but_not_correct_or_clear_it(client, services, tokens):
    viewer = services.organiser_tokens.create("Reader of A", [SLUG], role="viewer")[0]
    assert call(client, "GET", KE, viewer).status_code == 200
    refused = call(client, "PUT", KE, viewer, GOOD)
    assert refused.status_code == 403 and "viewer" in refused.json_body["error"]["message"]
    assert call(client, "DELETE", KE, viewer).status_code == 403
    assert stored(services, STORED_PK) == []
    editor = services.organiser_tokens.create("Editor of A", [SLUG], role="editor")[0]
    assert call(client, "PUT", KE, editor, GOOD).status_code == 200

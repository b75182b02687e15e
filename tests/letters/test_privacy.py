"""Privacy: every item with personal data has a TTL, reads ignore what is past it, the scheduled scrub deletes
what DynamoDB TTL has not yet, and no index holds personal data."""

from __future__ import annotations

LETTER = {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org"}


def test_every_stored_item_has_a_ttl(letters_api, drain, stored_items):
    letters_api.send("hrd-resolution", LETTER)
    letters_api.post("hrd-resolution", {**LETTER, "country": "FI"}, {"Idempotency-Key": "k1"})
    drain()

    items = stored_items()
    assert {i["pk"].split("#")[0] for i in items} >= {"LETTER", "GUARD", "RATE", "IDEMPOTENCY"}
    assert all(int(i["expires_at"]) > 0 for i in items)
    # and the scheduled scrub finds every one holding personal data or a hash of it (TTL may lag by days)
    assert all(i["due_pk"].startswith("DUE#") for i in items if not holds_nothing_personal(i)), items
    assert [i for i in items if holds_nothing_personal(i)]  # the others do exist


def holds_nothing_personal(item):
    """Items TTL alone removes: a target's rate counter (a public address), a spent form stamp (a random nonce), a
    target's pacing (a hash of a public address), the account's send tokens, a campaign's reputation counts. None
    is read past its window, so one that outlives `expires_at` changes nothing."""
    pk, sk = item["pk"], item["sk"]
    return pk.startswith(("RATE#hrd-resolution#target#", "FORM#", "PACE#", "SES#RATE")) or (
        pk.startswith("GUARD#") and sk.startswith("RATES#")
    )


def test_a_sent_letter_is_kept_for_the_retention_and_then_scrubbed(
    housekeeping, letters_api, drain, clock, services, stored_items
):
    letter_id = letters_api.send("hrd-resolution", LETTER).json_body["letter_id"]
    drain()
    token = services.signer.token("status", letter_id)

    clock.advance(days=89)
    housekeeping()
    assert services.letters.get(letter_id).status == "sent"

    clock.advance(days=1, seconds=1)  # 90 days after sending: reads no longer see it, even before any scrub
    assert services.letters.get(letter_id) is None
    assert letters_api.client.http.get(f"/letters/{letter_id}/{token}").status_code == 404

    housekeeping()
    # letter, guard, the supporter's rate counters: nothing personal is left for TTL to find
    assert [i for i in stored_items() if not holds_nothing_personal(i)] == []


def test_no_index_projects_personal_data():
    from chalicelib.settings import Settings
    from localdev.resources import local_stack

    personal = {"supporter_name", "supporter_email", "body", "guard", "ip", "email"}
    table = local_stack(Settings.from_env({"DEMARCHE_STAGE": "local"})).properties("LettersTable")
    assert {index["IndexName"] for index in table["GlobalSecondaryIndexes"]} >= {"by-campaign", "by-due"}
    for index in table["GlobalSecondaryIndexes"]:
        projection = index["Projection"]
        assert projection["ProjectionType"] in ("KEYS_ONLY", "INCLUDE"), index["IndexName"]
        assert not personal & set(projection.get("NonKeyAttributes", []))


def test_no_log_line_names_the_supporter_through_a_letters_whole_journey(
    letters_api, drain, settle, housekeeping, services, caplog, monkeypatch
):
    import logging

    from botocore.exceptions import ClientError
    from support.ses_events import ses_event, sns_event

    import app

    supporter = {"country": "KE", "name": "Wanjiku Kamau-Otieno", "email": "wanjiku.kamau@example.org"}
    # Our own loggers and Chalice's, at every level; the AWS SDK's wire logs are off in Lambda (WARNING).
    for noisy in ("botocore", "boto3", "urllib3", "moto", "s3transfer"):
        caplog.set_level(logging.WARNING, logger=noisy)
    caplog.set_level(logging.DEBUG)  # last: it also sets the capturing handler's level

    # GIVEN a letter submitted (and a duplicate of it), confirmed, delivered, then bounced
    letter_id = letters_api.post(SLUG_FOR_LOGS, supporter).json_body["letter_id"]
    letters_api.post(SLUG_FOR_LOGS, supporter)
    letters_api.confirm(letter_id)
    # (SES's first answer is a throttle whose message quotes the sender and recipients, as SES's rejections do)
    ses, real_send = services.mailer._ses, services.mailer._ses.send_email

    def throttled_once(**request):
        monkeypatch.setattr(ses, "send_email", real_send)
        quoted = f'Maximum sending rate exceeded; identities: "{supporter["name"]} via Org", {supporter["email"]}'
        raise ClientError({"Error": {"Code": "TooManyRequestsException", "Message": quoted}}, "SendEmail")

    monkeypatch.setattr(ses, "send_email", throttled_once)
    settle()
    letter = services.letters.get(letter_id)
    assert letter.status == "sent"
    for kind in ("Send", "Delivery", "Bounce"):
        app.on_ses_feedback(sns_event(ses_event(kind, letter.ses_message_id, [letter.target_email])), None)
    housekeeping()

    # THEN no log line carries the supporter's address or name
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert caplog.records  # the journey does log
    for secret in ("wanjiku", "kamau", "Kamau-Otieno"):
        assert secret.lower() not in logged.lower()


SLUG_FOR_LOGS = "hrd-resolution"

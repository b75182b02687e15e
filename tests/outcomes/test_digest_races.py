"""A digest letter rewritten (a supporter deleted their details) while it is sent, closed or rewritten by another.

Issue 15, finding 1's open point: a rewrite and a send, or two rewrites, or a closing and a deletion, racing. Each
race is forced with a botocore hook that runs the other party at the worst moment; whatever the order, the ministry
never receives the words of someone who was told they were taken out, and the digest goes once.
"""

from __future__ import annotations

import pytest
from support.letters_api import DELETE_LINK

SLUG = "defenders-digest"
AMINA = {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org", "city": "Mombasa"}
BARAKA = {"country": "KE", "name": "Baraka Otieno", "email": "baraka@example.org"}
CHIDI = {"country": "KE", "name": "Chidi Kamau", "email": "chidi@example.org"}


def write(letters_api, payload) -> str:
    letter_id = letters_api.send(SLUG, payload).json_body["letter_id"]
    letters_api.services.clock.advance(minutes=1)
    return letter_id


def delete(letters_api, letter_id: str) -> None:
    http = letters_api.client.http
    # Called from a hook inside another function's AWS call: the test client's supporter-mail run after the
    # request would be recorded as that function's (IAM audit); any mail goes with the next request instead.
    http.mail_after_each_request = False
    try:
        answer = http.post(
            letters_api.link(letter_id, DELETE_LINK),
            body=b"",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    finally:
        http.mail_after_each_request = True
    assert answer.status_code == 200


def kenya_digests(letters_api) -> list[str]:
    return [m["body"] for m in letters_api.letters_sent() if "wrote to you" in m["body"]]


def close_digest(clock, housekeeping) -> None:
    clock.now = clock.now.replace(day=27, hour=6, minute=1)
    assert housekeeping().get("digest_sent") == 1


@pytest.fixture
def once_before(services):
    """once_before(operation, matches, action): run `action` once, just before the first DynamoDB `operation`
    whose parameters `matches`."""
    client = services.aws.table.meta.client
    hooks = []

    def install(operation, matches, action):
        fired = []

        def hook(params, **_):
            if not fired and matches(params):
                fired.append(True)
                action()

        event = f"before-parameter-build.dynamodb.{operation}"
        client.meta.events.register(event, hook)
        hooks.append((event, hook))
        return fired

    yield install
    for event, hook in hooks:
        client.meta.events.unregister(event, hook)


def writes_letter(letter_id: str, params) -> bool:
    items = params.get("TransactItems") or [{"Update": params}]
    for entry in items:
        body = entry.get("Update") or entry.get("Put") or {}
        key = body.get("Key") or body.get("Item") or {}
        if key.get("pk") == f"LETTER#{letter_id}":
            return True
    return False


def test_a_digest_rewritten_while_the_worker_takes_it_goes_once_without_the_deleted_supporter(
    letters_api, housekeeping, drain, clock, services, once_before
):
    # GIVEN Amina and Baraka in Kenya's closed digest, queued
    amina, baraka = write(letters_api, AMINA), write(letters_api, BARAKA)
    close_digest(clock, housekeeping)
    carrier = services.letters.get(amina).digest_letter_id

    # WHEN Amina deletes her details after the worker read the digest letter, just before it moves it to sending
    def to_sending(params):
        return writes_letter(carrier, params) and ":to" in str(params) and "'sending'" in str(params)

    fired = once_before("TransactWriteItems", to_sending, lambda: delete(letters_api, amina))
    drain()

    # THEN the ministry gets the digest once, carrying Baraka alone: not the text the worker read before
    assert fired
    [body] = kenya_digests(letters_api)
    assert "Baraka Otieno" in body and "1 person wrote" in body
    assert "Amina" not in body and "Mombasa" not in body
    assert services.letters.get(carrier).status == "sent"
    assert services.letters.get(baraka).status == "in_digest"


def test_two_supporters_deleting_at_once_are_both_taken_out_of_the_digest(
    letters_api, housekeeping, drain, clock, services, once_before
):
    # GIVEN Amina, Baraka and Chidi in Kenya's closed digest, queued
    amina, baraka, _ = (write(letters_api, p) for p in (AMINA, BARAKA, CHIDI))
    close_digest(clock, housekeeping)
    carrier = services.letters.get(amina).digest_letter_id

    # WHEN Baraka's deletion rewrites the digest letter while Amina's rewrite (computed without Amina, with Baraka)
    # is on its way to the table
    def rewrites_carrier(params):
        return params.get("Key", {}).get("pk") == f"LETTER#{carrier}"

    fired = once_before("UpdateItem", rewrites_carrier, lambda: delete(letters_api, baraka))
    delete(letters_api, amina)
    drain()

    # THEN neither is in the letter the ministry gets: Chidi alone
    assert fired
    [body] = kenya_digests(letters_api)
    assert "Chidi Kamau" in body and "1 person wrote" in body
    assert "Amina" not in body and "Baraka" not in body


def test_a_supporter_deleting_while_their_digest_closes_is_not_in_it(
    letters_api, housekeeping, drain, clock, services, once_before
):
    # GIVEN Amina and Baraka waiting for Kenya's digest
    amina, baraka = write(letters_api, AMINA), write(letters_api, BARAKA)
    digest_id = services.letters.get(amina).digest_id

    # WHEN Amina deletes her details after the closing read her letter, just as it logs the digest letter
    def logs_the_digest_letter(params):
        return any(
            (entry.get("Put") or {}).get("Item", {}).get("digest_id") == digest_id
            and (entry.get("Put") or {}).get("Item", {}).get("kind") == "digest"
            for entry in params.get("TransactItems", [])
        )

    fired = once_before("TransactWriteItems", logs_the_digest_letter, lambda: delete(letters_api, amina))
    close_digest(clock, housekeeping)
    drain()

    # THEN the ministry's digest carries Baraka alone, and the page told Amina the truth (nothing of hers sent)
    assert fired
    [body] = kenya_digests(letters_api)
    assert "Baraka Otieno" in body and "1 person wrote" in body
    assert "Amina" not in body and "Mombasa" not in body
    assert services.letters.get(amina).status == "expired"
    assert services.letters.get(baraka).status == "in_digest"

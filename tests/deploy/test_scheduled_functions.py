"""The scheduled jobs' work driven through their Lambda entry points (app.housekeeping, ...), as EventBridge runs
them, so that the IAM audit (tests/deploy/test_iam_policy.py) records every call they make for their function.

A flow tested only through `services.housekeeping.run()` makes its calls outside any handler: the audit never sees
them, and a policy missing them passes while AWS refuses them (the item "stays due" forever)."""

from __future__ import annotations

import datetime as dt

from support.letters_api import with_policies
from support.proof_of_work import solved_challenge
from support.sign_on_api import SignOnApi, organisation

LETTER = {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org"}
AGENDA = "sg-defenders-agenda"  # a sign-on letter to one fixed target: one letter, sent to the local placeholder


def test_the_housekeeping_function_dispatches_a_sign_on_send_at_its_time(
    housekeeping, letters_api, services, clock, drain
):
    # GIVEN an approved signatory and a send to the fixed target scheduled for tomorrow
    agenda = SignOnApi(letters_api, services, slug=AGENDA)
    agenda.decide(agenda.sign(organisation("Kenya Rights Watch")))
    campaign = services.campaigns.get(AGENDA)
    services.sign_on_sends.schedule(campaign, "fixed", clock() + dt.timedelta(days=1), "t")
    # WHEN the housekeeping function runs before and at its time
    assert "sign_on_dispatched" not in housekeeping()
    clock.advance(days=1, minutes=1)
    done = housekeeping()
    # THEN it dispatched the send, and the worker sent its one letter with the list
    assert done.get("sign_on_dispatched") == 1 and "failed" not in done
    assert drain() == 1
    [letter] = [m for m in letters_api.letters_sent() if m["to"].endswith("<fixed@sandbox.invalid>")]
    assert "1. Kenya Rights Watch (Kenya)" in letter["body"].replace("\r\n", "\n")
    [send] = services.sign_on_sends.all(AGENDA)
    assert send["status"] == "dispatched"


def test_the_housekeeping_function_scrubs_every_kind_of_item_past_its_expiry(
    housekeeping, letters_api, sign_on, services, clock, stored_items, monkeypatch
):
    # GIVEN the items the flows leave with a scrub due: a sent letter (its guard, stamps, follow-up question), a
    # letter posted with an Idempotency-Key, a letter waiting for its digest (and the digest), one with a solved proof of work, a signatory of a sign-on letter and
    # its send, an email to a supporter that never left (its queue message lost), a letter parked by a paused
    # campaign; and a suppressed recipient (a target's address, hashed: TTL alone removes it)
    letters_api.send("hrd-resolution", LETTER)
    letters_api.post("hrd-resolution", {**LETTER, "country": "FI"}, {"Idempotency-Key": "k1"})
    letters_api.send("defenders-digest", {**LETTER, "country": "GH"})
    sign_on.decide(sign_on.sign(organisation("Kenya Rights Watch")))
    services.sign_on_sends.schedule(services.campaigns.get(sign_on.slug), "un-mission-geneva", None, "t", 193)
    letters_api.client.http.mail_after_each_request = False
    letters_api.post("hrd-resolution", {**LETTER, "country": "TZ", "email": "baraka@example.org"})
    services.aws.sqs.purge_queue(QueueUrl=services.aws.mail_queue_url)  # its email stays queued in the table only
    with_policies(services, monkeypatch, "hrd-resolution", bots={"proof_of_work": True, "proof_of_work_cost": 1})
    solution = solved_challenge(letters_api.client, "hrd-resolution")
    letters_api.post("hrd-resolution", {**LETTER, "country": "UG", "altcha": solution})
    services.suppressions.suppress("hrd-resolution", "ministry@example.org", "complaint", clock())
    services.schedule.park("hrd-resolution", "some-letter", int(clock().timestamp()) + 86400)
    before = {i["pk"].split("#")[0] for i in stored_items() if "due_pk" in i}
    assert before >= {"LETTER", "GUARD", "IDEMPOTENCY", "ALTCHA", "SIGNON", "MAIL", "PARKED", "DIGESTS"}, before

    # WHEN the housekeeping function runs long after every retention, until nothing is due
    clock.advance(days=800)
    runs = [housekeeping() for _ in range(3)]

    # THEN no item failed (in AWS, a call its policy refuses fails it), and nothing past its expiry is left
    assert not any("failed" in done for done in runs), runs
    now = int(clock().timestamp())
    left = [(i["pk"], i["sk"]) for i in stored_items() if "due_pk" in i and int(i["expires_at"]) <= now]
    assert left == []
    # AND it never touched the suppression: only on_ses_feedback may write one (tests/deploy/test_iam_policy.py)
    assert services.suppressions.is_suppressed("hrd-resolution", "ministry@example.org")


def test_the_housekeeping_function_queues_again_a_confirmed_letter_whose_message_was_lost(
    housekeeping, letters_api, services, clock, drain
):
    # GIVEN a confirmed letter whose queue message never reached a worker (the confirming request was cut off)
    letter_id = letters_api.send("hrd-resolution", LETTER).json_body["letter_id"]
    services.aws.sqs.purge_queue(QueueUrl=services.aws.queue_url)
    # WHEN the housekeeping function runs once the letter is due for its check
    clock.advance(hours=1)
    done = housekeeping()
    # THEN it queued the letter again, and the worker sent it
    assert done.get("requeued") == 1, done
    assert drain() == 1
    assert services.letters.get(letter_id).status == "sent"

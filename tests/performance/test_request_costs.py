"""Counted costs that must not creep up unnoticed: AWS calls per request, as a budget per flow.

Counted, not timed: each figure is the number of DynamoDB / SQS / SES API calls one flow makes, seen through
botocore's event hooks on the services' own clients. A change that adds a call fails here and must either
remove it or raise the budget on purpose (and update bench/NOTES.md's cost model, which uses these numbers).
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager

LETTER = {"country": "FI", "name": "Aino Virtanen", "email": "aino@example.org", "message": "Please act."}

# Calls per flow: (DynamoDB, SQS, SES). See bench/NOTES.md for what each one is.
BUDGET = {
    "preview": (0, 0, 0),
    # the idempotency/health reads and the target's hourly counter (its shards, one BatchGetItem); letter + guard +
    # rate counters in one transaction; the confirmation email queued: its mail item, its queue message
    "submit": (4, 1, 0),
    # the mail sender, per email: read and claim the mail item, a send token, delete the item once sent; SES
    "send_mail": (4, 0, 1),
    # read the letter, pending -> queued (with its stats counters, one transaction), the guard and counters,
    # the target's hourly counter (only confirmed letters count toward it, issue 15), the "did they reply?"
    # follow-up planned (one put); the queue message; and the public counter on the page after confirming: the
    # campaign's stats rollup, one GetItem at most once a minute per warm Lambda (letters/public_count.py)
    "confirm": (8, 1, 0),
    # read the letter; the gates (pause, suppression, health, pacing read + place, send-rate token);
    # queued -> sending and sending -> sent, each one transaction with its stats counters and no re-read of the
    # letter it holds (issue 18: was 13); the reputation counter in the epoch the gates read; the letter itself.
    # SQS polling and deletes are Lambda's event source mapping's.
    "deliver": (10, 0, 1),
}


@contextmanager
def counting(services):
    calls: Counter = Counter()

    def count(event_name, **_):
        calls[event_name.split(".")[1]] += 1

    clients = [services.aws.table.meta.client, services.aws.sqs, services.aws.sesv2]
    for client in clients:
        client.meta.events.register("before-call", count)
    try:
        yield calls
    finally:
        for client in clients:
            client.meta.events.unregister("before-call", count)


def as_tuple(calls: Counter) -> tuple[int, int, int]:
    return calls["dynamodb"], calls["sqs"], calls["sesv2"]


def test_each_flow_stays_within_its_call_budget(client, services, letters_api):
    import app
    from localdev.drain import sqs_event

    services.aws.queue_url, services.aws.mail_queue_url  # resolved once per process (GetQueueUrl), not per request
    client.http.get("/campaigns/hrd-resolution/targets/FI")  # warm: the health snapshot is read once a minute
    client.http.mail_after_each_request = False  # the requests alone; the mail sender is counted on its own

    with counting(services) as preview:
        assert client.http.get("/campaigns/hrd-resolution/targets/FI?name=Aino").status_code == 200
    with counting(services) as submit:
        response = letters_api.post("hrd-resolution", LETTER)
        assert response.status_code == 202
    letter_id = response.json_body["letter_id"]
    mails = services.aws.sqs.receive_message(QueueUrl=services.aws.mail_queue_url)["Messages"]
    mail_arn = f"arn:aws:sqs:us-east-1:123456789012:{services.settings.mail_queue_name}"
    with counting(services) as send_mail:  # the handler only, as Lambda runs it
        assert app.on_supporter_mail(sqs_event(mails, mail_arn), None) == {"batchItemFailures": []}
    link = letters_api.link(letter_id)  # read from the outbox first: reading it drains the mail queue
    services.stats_rollup.refresh("hrd-resolution")  # as the every-minute roll_up_stats has in production
    with counting(services) as confirm:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        assert client.http.post(link, body=b"", headers=form).status_code == 200
    messages = services.aws.sqs.receive_message(QueueUrl=services.aws.queue_url, MaxNumberOfMessages=10)["Messages"]
    arn = f"arn:aws:sqs:us-east-1:123456789012:{services.settings.queue_name}"
    with counting(services) as deliver:  # the handler only, as Lambda runs it
        assert app.on_sqs_message(sqs_event(messages, arn), None) == {"batchItemFailures": []}

    measured = {
        "preview": as_tuple(preview),
        "submit": as_tuple(submit),
        "send_mail": as_tuple(send_mail),
        "confirm": as_tuple(confirm),
        "deliver": as_tuple(deliver),
    }
    over = {
        flow: (measured[flow], BUDGET[flow])
        for flow in BUDGET
        if any(m > b for m, b in zip(measured[flow], BUDGET[flow]))
    }
    assert not over, f"calls (DynamoDB, SQS, SES) over budget: {over}; all measured: {measured}"
    assert services.letters.get(letter_id).status == "sent"


# A signature passes the same screening as a letter (chalicelib/front_door/screening.py): signatory + guard + rate
# counters in one transaction; the confirmation email queued (its mail item and message; the mail sender sends it).
# Proof of work (one put) and an Idempotency-Key (a put and an update) cost what they cost a letter, and only on
# campaigns and requests that use them.
SIGN_BUDGET = (2, 1, 0)


def test_a_signature_stays_within_its_call_budget(sign_on, services):
    from support.sign_on_api import organisation

    # GIVEN a warm process
    assert sign_on.post(organisation("Warm Org")).status_code == 202
    # WHEN an organisation signs (the request alone: the mail sender's calls are its own)
    sign_on.client.http.mail_after_each_request = False
    with counting(services) as sign:
        assert sign_on.post(organisation("Kenya Rights Watch")).status_code == 202
    # THEN it makes no more AWS calls than its budget
    measured = as_tuple(sign)
    assert all(m <= b for m, b in zip(measured, SIGN_BUDGET)), f"sign: {measured} over {SIGN_BUDGET}"

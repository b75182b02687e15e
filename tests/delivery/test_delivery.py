"""The sender: one send per letter whatever SQS or a crash does; SES's refusals fail a letter, its throttling delays it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber
from support.letter_factory import queued_letter
from support.ses_events import ses_event, sns_event
from support.sqs_events import sqs_record

# These tests are about a letter after routing: Kenya's ministry letter keeps its local placeholder.
pytestmark = pytest.mark.usefixtures("hrd_without_chain")


class Crash(BaseException):
    """The Lambda dying mid-call (timeout, out of memory): nothing after it runs, no handler catches it."""


def record(message_id: str, letter_id: str) -> dict:
    return sqs_record(letter_id, message_id, "rh")


def deliver(*records: dict) -> dict:
    import app

    return app.on_sqs_message({"Records": list(records)}, None)


def waiting(services) -> list[dict]:
    from boto3.dynamodb.conditions import Key

    return services.aws.table.query(KeyConditionExpression=Key("pk").eq("SCHEDULE"))["Items"]


def fail_reads_of(services, letter_id: str) -> None:
    """Fault: DynamoDB refuses to read this one letter (any unexpected error in the worker behaves the same)."""
    from botocore.exceptions import ClientError

    def refuse(params, **_):
        if f"LETTER#{letter_id}" in str(params.get("body", "")):
            raise ClientError({"Error": {"Code": "InternalServerError", "Message": "injected"}}, "GetItem")

    services.aws.table.meta.client.meta.events.register("before-call.dynamodb.GetItem", refuse, unique_id="fault")


# --- idempotency -------------------------------------------------------------------------------------


def test_the_same_message_twice_sends_once(services, outbox):
    letter_id = queued_letter(services)

    assert deliver(record("m1", letter_id), record("m2", letter_id)) == {"batchItemFailures": []}
    assert deliver(record("m1", letter_id)) == {"batchItemFailures": []}

    assert len(outbox()) == 1
    assert services.letters.get(letter_id).status == "sent"


def test_a_batch_of_ten_with_one_failure_returns_only_that_record(services, outbox):
    countries = ["KE", "FI", "SN", "JP", "BR", "IN", "DE", "ZA", "MX", "NO"]
    letters = [queued_letter(services, c) for c in countries]
    fail_reads_of(services, letters[3])

    result = deliver(*(record(f"m{i}", letter_id) for i, letter_id in enumerate(letters)))

    assert result == {"batchItemFailures": [{"itemIdentifier": "m3"}]}
    assert len(outbox()) == 9
    services.aws.table.meta.client.meta.events.unregister("before-call.dynamodb.GetItem", unique_id="fault")
    assert services.letters.get(letters[3]).status == "queued"  # untouched: SQS brings its message back


def test_a_long_display_name_with_a_comma_stays_one_address(services, drain, outbox):
    # Belgium's ministry is long and has a comma; folded by Python < 3.11.12 it became two addresses.
    from email.utils import getaddresses

    queued_letter(services, "BE", name="Doe, Jane Émilie Marguerite de la Fontaine")
    drain()

    [mail] = outbox()
    assert getaddresses([mail["to"]]) == [
        (services.directory.target("foreign-ministry", "BE").name, "foreign-ministry.be@sandbox.invalid")
    ]
    assert (
        getaddresses([mail["from"]])[0][1] == "letters@demarche.example.org" and len(getaddresses([mail["from"]])) == 1
    )


def test_a_message_that_is_not_ours_is_dropped_not_retried(services):
    assert deliver({**record("m1", "x"), "body": "garbage"}) == {"batchItemFailures": []}


def test_records_left_when_lambda_time_runs_out_wait_in_the_schedule_untouched(services, outbox):
    first, second = queued_letter(services, "KE"), queued_letter(services, "FI")
    budget = iter([60_000, 1_000])

    failed = services.deliverer.deliver_batch(
        _records(("m1", first), ("m2", second)), time_left_ms=lambda: next(budget)
    )

    # THEN no record goes back to SQS (a return counts as a receive): the second waits, due now, in the schedule
    assert failed == []
    assert [services.letters.get(i).status for i in (first, second)] == ["sent", "queued"]
    assert [(w["letter_id"], w["reason"]) for w in waiting(services)] == [(second, "time_left")]


class _ShortOfTime:
    """A Lambda context with less time left than a send needs."""

    def get_remaining_time_in_millis(self) -> int:
        return 1_000


def test_hand_backs_for_lack_of_time_never_use_up_a_letters_attempts(services, clock, drain, outbox):
    import app
    from localdev.drain import drain_until_empty, scheduled_event

    # GIVEN a queued letter, and a worker that runs short of time on it more often than SQS's maxReceiveCount (5)
    letter_id = queued_letter(services)
    for _ in range(7):
        drain_until_empty(
            services.aws.sqs, services.aws.queue_url, lambda e, c: app.on_sqs_message(e, _ShortOfTime()), retry_after=0
        )
        clock.advance(seconds=1)
        app.release_waiting_letters(scheduled_event(), None)

    # THEN it never reached the dead-letter queue, and once a worker has time it is sent, once
    dlq_url = services.aws.sqs.get_queue_url(QueueName="demarche-letters-dlq")["QueueUrl"]
    assert drain_until_empty(services.aws.sqs, dlq_url, app.on_dead_letter) == 0
    assert services.letters.get(letter_id).status == "queued"
    drain()
    assert services.letters.get(letter_id).status == "sent"
    assert len(outbox()) == 1


def _records(*pairs):
    from chalicelib.queue_messages import QueueRecord

    return [QueueRecord(message_id=m, body=json.dumps({"letter_id": i})) for m, i in pairs]


# --- a crash between SendEmail and the status write -------------------------------------------------


def crashed_send(services, *, before_ses: bool = False) -> str:
    """A letter whose worker died right after SES answered (or, `before_ses`, just before it was called)."""
    letter_id = queued_letter(services)
    event = "before-call.sesv2.SendEmail" if before_ses else "after-call.sesv2.SendEmail"

    def crash(**_):
        raise Crash()

    services.aws.sesv2.meta.events.register(event, crash, unique_id="crash")
    with pytest.raises(Crash):
        deliver(record("m1", letter_id))
    services.aws.sesv2.meta.events.unregister(event, unique_id="crash")
    assert services.letters.get(letter_id).status == "sending"
    return letter_id


def test_a_crash_after_send_email_never_sends_twice_and_is_reconciled_as_interrupted(services, clock, outbox, settle):
    letter_id = crashed_send(services)
    assert len(outbox()) == 1

    # SQS redelivers the message (Lambda died, so it was never deleted): no second send.
    clock.advance(minutes=1)
    assert deliver(record("m1", letter_id)) == {"batchItemFailures": []}
    assert len(outbox()) == 1 and services.letters.get(letter_id).status == "sending"

    # No SES event came: when the lease ends the letter is failed as interrupted, not resent.
    settle()
    letter = services.letters.get(letter_id)
    assert len(outbox()) == 1
    assert letter.status == "failed" and letter.failure_reason.startswith("Interrupted")
    assert clock.now >= dt.datetime.fromisoformat(letter.updated_at.replace("Z", "+00:00"))


def test_ses_evidence_reconciles_a_crashed_send_to_sent(services, clock, outbox, settle):
    import app

    letter_id = crashed_send(services)
    ses_id, attempt = outbox()[0]["message_id"], services.letters.get(letter_id).attempt_id

    # SES's Send event (it carries our tags) arrives: the letter was sent after all.
    app.on_ses_feedback(sns_event(ses_event("Send", ses_id, [], tags={"letter": letter_id, "attempt": attempt})), None)
    deliver(record("m1", letter_id))
    settle()

    letter = services.letters.get(letter_id)
    assert (letter.status, letter.ses_message_id, len(outbox())) == ("sent", ses_id, 1)


def test_late_evidence_corrects_a_letter_failed_as_interrupted(services, clock, outbox, settle):
    import app

    letter_id = crashed_send(services)
    deliver(record("m1", letter_id))
    settle()
    assert services.letters.get(letter_id).status == "failed"

    ses_id, attempt = outbox()[0]["message_id"], services.letters.get(letter_id).attempt_id
    app.on_ses_feedback(
        sns_event(
            ses_event(
                "Delivery",
                ses_id,
                ["foreign-ministry.ke@sandbox.invalid"],
                tags={"letter": letter_id, "attempt": attempt},
            )
        ),
        None,
    )

    assert services.letters.get(letter_id).status == "delivered"
    assert len(outbox()) == 1


def test_a_crash_before_ses_saw_the_letter_is_failed_as_interrupted_not_guessed(services, outbox, settle):
    # The accepted trade-off: from outside, this cannot be told apart from a crash after SES took it.
    letter_id = crashed_send(services, before_ses=True)
    deliver(record("m1", letter_id))
    settle()

    assert outbox() == []
    assert services.letters.get(letter_id).status == "failed"


def test_no_answer_from_ses_leaves_the_letter_sending_until_reconciled(services, outbox, settle):
    letter_id = queued_letter(services)

    def no_answer(**_):
        raise ReadTimeoutError(endpoint_url="https://email.us-east-1.amazonaws.com")

    services.aws.sesv2.meta.events.register_first("before-call.sesv2.SendEmail", no_answer, unique_id="timeout")
    assert deliver(record("m1", letter_id)) == {"batchItemFailures": []}
    services.aws.sesv2.meta.events.unregister("before-call.sesv2.SendEmail", unique_id="timeout")

    assert services.letters.get(letter_id).status == "sending"
    assert [w["reason"] for w in waiting(services)] == ["reconcile"]
    settle()
    assert services.letters.get(letter_id).status == "failed" and outbox() == []


# --- SES errors -------------------------------------------------------------------------------------

PERMANENT = [
    ("MessageRejected", "Email address is not verified."),
    ("MailFromDomainNotVerifiedException", "MAIL FROM domain not verified"),
    ("SendingPausedException", "Sending is paused for this account."),
    ("AccountSuspendedException", "The account is suspended."),
    ("BadRequestException", "Illegal address"),  # SES v2's answer to an invalid recipient address
]


@pytest.mark.parametrize("code,message", PERMANENT)
def test_a_permanent_ses_error_fails_the_letter_with_its_reason_and_no_retry(services, code, message):
    letter_id = queued_letter(services)
    with Stubber(services.aws.sesv2) as stub:
        stub.add_client_error("send_email", service_error_code=code, service_message=message, http_status_code=400)
        assert deliver(record("m1", letter_id)) == {"batchItemFailures": []}
        stub.assert_no_pending_responses()

    letter = services.letters.get(letter_id)
    assert letter.status == "failed"
    assert letter.failure_reason == f"{code}: {message}"
    assert waiting(services) == []  # nothing will try it again
    assert deliver(record("m1", letter_id)) == {"batchItemFailures": []}  # a redelivery does not either


def test_the_supporter_sees_a_failure_and_its_reason_on_the_status_page(client, letters_api, services):
    body = letters_api.send(
        "hrd-resolution", {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org"}
    ).json_body
    with Stubber(services.aws.sesv2) as stub:
        stub.add_client_error("send_email", service_error_code="MessageRejected", service_message="Rejected")
        deliver(record("m1", body["letter_id"]))

    path = "/" + body["status_url"].split("://", 1)[1].split("/", 1)[1]
    status = client.http.get(path).json_body
    assert status["status"] == "failed"
    assert status["failure_reason"] == "MessageRejected: Rejected"
    assert status["explanation"] == "Your letter could not be sent."


THROTTLES = [
    ("TooManyRequestsException", "Too many requests", 429),
    ("Throttling", "Maximum sending rate exceeded.", 400),  # SES v1's wording, also seen through proxies
    ("TooManyRequestsException", "Maximum sending rate exceeded.", 429),
]


def test_three_throttles_then_success_send_exactly_once_with_growing_waits(services, clock, drain):
    letter_id = queued_letter(services)
    sends: list[dt.datetime] = []
    with Stubber(services.aws.sesv2) as stub:
        for code, message, status in THROTTLES:
            stub.add_client_error(
                "send_email", service_error_code=code, service_message=message, http_status_code=status
            )
        stub.add_response("send_email", {"MessageId": "ses-1"})
        services.aws.sesv2.meta.events.register(
            "before-parameter-build.sesv2.SendEmail", lambda **_: sends.append(clock())
        )
        assert drain() == 1  # throttled: the message is done with, the letter waits in the schedule
        for _ in THROTTLES:
            letter = services.letters.get(letter_id)
            assert letter.status == "queued" and letter.waiting_reason == "retry"
            [entry] = waiting(services)
            clock.now = dt.datetime.fromisoformat(letter.waiting_until)
            assert services.schedule.release_due(clock(), services.queue) == 1
            assert entry not in waiting(services)
            assert drain() == 1
        stub.assert_no_pending_responses()

    letter = services.letters.get(letter_id)
    assert (letter.status, letter.ses_message_id, letter.retries) == ("sent", "ses-1", 3)
    waits = [(b - a).total_seconds() for a, b in zip(sends, sends[1:])]
    assert len(sends) == 4 and waits[0] >= 30 and waits[0] < waits[1] < waits[2]


def test_a_used_up_daily_quota_waits_at_least_an_hour(services, clock):
    letter_id = queued_letter(services)
    with Stubber(services.aws.sesv2) as stub:
        stub.add_client_error(
            "send_email",
            service_error_code="LimitExceededException",
            service_message="Daily message quota exceeded.",
            http_status_code=400,
        )
        deliver(record("m1", letter_id))

    letter = services.letters.get(letter_id)
    assert letter.status == "queued"
    assert dt.datetime.fromisoformat(letter.waiting_until) - clock() >= dt.timedelta(hours=1)


def test_ses_out_of_reach_is_retried_later(services, clock, outbox, settle):
    letter_id = queued_letter(services)

    def unreachable(**_):
        raise EndpointConnectionError(endpoint_url="https://email.us-east-1.amazonaws.com")

    services.aws.sesv2.meta.events.register_first("before-call.sesv2.SendEmail", unreachable, unique_id="down")
    deliver(record("m1", letter_id))
    services.aws.sesv2.meta.events.unregister("before-call.sesv2.SendEmail", unique_id="down")
    assert services.letters.get(letter_id).status == "queued" and outbox() == []

    settle()
    assert services.letters.get(letter_id).status == "sent" and len(outbox()) == 1


# --- the dead-letter queue --------------------------------------------------------------------------


def test_a_letter_whose_message_fails_five_times_reaches_the_dlq_and_shows_failed(services, drain):
    import app
    from localdev.drain import drain_until_empty

    letter_id = queued_letter(services)
    fail_reads_of(services, letter_id)
    drain_until_empty(services.aws.sqs, services.aws.queue_url, app.on_sqs_message, retry_after=0)
    services.aws.table.meta.client.meta.events.unregister("before-call.dynamodb.GetItem", unique_id="fault")
    dlq_url = services.aws.sqs.get_queue_url(QueueName="demarche-letters-dlq")["QueueUrl"]

    assert drain_until_empty(services.aws.sqs, dlq_url, app.on_dead_letter) == 1

    letter = services.letters.get(letter_id)
    assert letter.status == "failed"
    assert letter.failure_reason.startswith("Not sent: the sender failed on this letter five times")


def test_the_dlq_handler_reconciles_a_letter_that_may_be_in_flight_instead_of_failing_it(services, outbox):
    import app

    letter_id = crashed_send(services)

    app.on_dead_letter({"Records": [record("d1", letter_id)]}, None)

    assert services.letters.get(letter_id).status == "sending"  # its lease is not over: SES may still tell
    assert [w["reason"] for w in waiting(services)] == ["reconcile"]


def test_a_letter_with_an_unsafe_header_value_is_failed_not_sent(services, outbox):
    # The API refuses such input; should one reach the log anyway, the worker must not send it.
    from chalicelib.letters.letter import Letter

    services.letters.create(
        Letter(
            letter_id="bad",
            campaign="hrd-resolution",
            country="KE",
            target_set="foreign-ministry",
            target_name="T",
            target_email="t@sandbox.invalid",
            language="en",
            subject="S",
            body="B",
            supporter_name="Eve\r\nBcc: x@y.z",
            supporter_email="eve@example.org",
            status="queued",
            created_at="2026-11-26T10:00:00.000Z",
            updated_at="2026-11-26T10:00:00.000Z",
            status_token_hash="h",
            expires_at=2_000_000_000,
        )
    )

    assert deliver(record("m1", "bad")) == {"batchItemFailures": []}

    letter = services.letters.get("bad")
    assert letter.status == "failed" and "line breaks" in letter.failure_reason
    assert outbox() == []

"""The sender: one send per letter whatever SQS does, permanent SES errors fail the letter, others come back."""
from __future__ import annotations

import json

import pytest
from botocore.stub import Stubber

GOOD = {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org"}


def submit(letters_api, email: str = GOOD["email"]) -> str:
    """A confirmed letter, queued for its target."""
    return letters_api.send("hrd-resolution", {**GOOD, "email": email}).json_body["letter_id"]


def record(message_id: str, letter_id: str) -> dict:
    return {"messageId": message_id, "receiptHandle": "rh", "body": json.dumps({"letter_id": letter_id}),
            "attributes": {}, "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:demarche-letters", "awsRegion": "us-east-1"}


def test_the_same_message_twice_sends_once(letters_api, services):
    import app

    letter_id = submit(letters_api)
    event = {"Records": [record("m1", letter_id), record("m2", letter_id)]}

    assert app.on_sqs_message(event, None) == {"batchItemFailures": []}
    assert app.on_sqs_message(event, None) == {"batchItemFailures": []}

    assert len(letters_api.letters_sent()) == 1
    assert services.letters.get(letter_id).status == "sent"


@pytest.mark.parametrize("code", ["MessageRejected", "AccountSuspendedException", "SendingPausedException"])
def test_a_permanent_ses_error_fails_the_letter_without_retry(letters_api, services, code):
    import app

    letter_id = submit(letters_api)
    with Stubber(services.aws.sesv2) as stub:
        stub.add_client_error("send_email", service_error_code=code, service_message="nope")
        result = app.on_sqs_message({"Records": [record("m1", letter_id)]}, None)

    assert result == {"batchItemFailures": []}
    letter = services.letters.get(letter_id)
    assert letter.status == "failed"
    assert letter.failure_reason.startswith(code)


def test_throttling_returns_only_that_record_and_requeues_the_letter(letters_api, services):
    import app

    first, second = submit(letters_api), submit(letters_api, "bo@example.org")
    with Stubber(services.aws.sesv2) as stub:
        stub.add_client_error("send_email", service_error_code="TooManyRequestsException", http_status_code=429)
        stub.add_response("send_email", {"MessageId": "ses-2"})
        result = app.on_sqs_message({"Records": [record("m1", first), record("m2", second)]}, None)

    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert services.letters.get(first).status == "queued"
    assert services.letters.get(second).status == "sent"
    # The retry (SQS redelivers m1) sends it for real, once.
    assert app.on_sqs_message({"Records": [record("m1", first)]}, None) == {"batchItemFailures": []}
    assert services.letters.get(first).status == "sent"
    assert len(letters_api.letters_sent()) == 1


def test_a_message_that_is_not_ours_is_dropped_not_retried(services):
    import app

    event = {"Records": [{**record("m1", "x"), "body": "garbage"}]}
    assert app.on_sqs_message(event, None) == {"batchItemFailures": []}

"""GIVEN a supporter's email (a confirmation) queued by the front door WHEN SES throttles, refuses or the sender is
cut off THEN the submission was answered 202 at once, the email is retried until it leaves, sent once, and a
confirmation that can never leave ends its letter `expired` with the reason (chalicelib/mail/mail_sender.py)."""

from __future__ import annotations

import pytest
from botocore.stub import Stubber

GOOD = {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org"}


def mail_items(stored_items) -> list[dict]:
    return [item for item in stored_items() if item["pk"].startswith("MAIL#")]


def held_mail(patch, services) -> list[str]:
    """Keep the mail queue's messages here, not on SQS: the ids of the mails queued, in order (patch: monkeypatch)."""
    held: list[str] = []
    patch.setattr(services.mail_queue, "enqueue", lambda mail_id, delay_seconds=0: held.append(mail_id))
    return held


def ses_refuses(services, code: str, status: int, times: int = 1) -> Stubber:
    stub = Stubber(services.aws.sesv2)
    for _ in range(times):
        stub.add_client_error("send_email", service_error_code=code, http_status_code=status)
    return stub


def test_a_throttled_confirmation_is_answered_202_and_sent_later(letters_api, services, stored_items):
    with ses_refuses(services, "TooManyRequestsException", 429):
        response = letters_api.post("hrd-resolution", GOOD)  # the client lets the mail sender try once, after it

    assert response.status_code == 202  # the request never waited for SES
    letter_id = response.json_body["letter_id"]
    assert services.letters.get(letter_id).status == "pending_confirmation"
    assert letters_api.notices() == []
    (mail,) = mail_items(stored_items)
    assert mail["mail_status"] == "queued" and mail["attempts"] == 1  # waiting for its retry, on the queue again

    assert services.mail_sender.deliver(mail["mail_id"]) == "sent"  # the delayed message comes back

    assert letters_api.confirm(letter_id).status_code == 200
    assert mail_items(stored_items) == []  # sent: the address it held is gone


def test_a_confirmation_ses_refuses_for_good_ends_its_letter_expired_with_the_reason(
    letters_api, services, stored_items
):
    with ses_refuses(services, "MessageRejected", 400):
        response = letters_api.post("hrd-resolution", GOOD)

    letter = services.letters.get(response.json_body["letter_id"])
    assert letter.status == "expired"
    assert letter.failure_reason.startswith("Not sent: we could not email the confirmation link.")
    assert "MessageRejected" in letter.failure_reason
    assert letter.supporter_email == "" and letter.body == ""  # nobody can confirm it: its personal data is gone
    (mail,) = mail_items(stored_items)
    assert mail["mail_status"] == "failed" and "to_email" not in mail
    assert letters_api.post("hrd-resolution", GOOD).status_code == 202  # the duplicate guard was freed


def test_a_mail_ses_will_not_take_for_a_day_is_given_up(letters_api, services, stored_items, clock):
    with ses_refuses(services, "TooManyRequestsException", 429):
        response = letters_api.post("hrd-resolution", GOOD)
    (mail,) = mail_items(stored_items)
    clock.advance(days=1, seconds=1)

    assert services.mail_sender.deliver(mail["mail_id"]) == "failed"

    letter = services.letters.get(response.json_body["letter_id"])
    assert letter.status == "expired" and "Not sent within a day: TooManyRequestsException" in letter.failure_reason


def test_a_duplicate_delivery_sends_the_email_once(letters_api, services, stored_items, monkeypatch):
    sent = held_mail(monkeypatch, services)
    letters_api.post("hrd-resolution", GOOD)
    (mail_id,) = sent

    assert services.mail_sender.deliver(mail_id) == "sent"
    assert services.mail_sender.deliver(mail_id) == "gone"  # the same message again
    assert len(letters_api.notices()) == 1


def test_a_send_cut_off_is_retried_only_after_its_lease(letters_api, services, stored_items, monkeypatch, clock):
    from chalicelib.mail.mail_sender import LEASE, RetryLater

    queued = held_mail(monkeypatch, services)
    letters_api.post("hrd-resolution", GOOD)
    (mail_id,) = queued
    with monkeypatch.context() as patch, pytest.raises(SystemExit):
        patch.setattr(services.mailer, "send_notice", lambda notice: (_ for _ in ()).throw(SystemExit("cut off")))
        services.mail_sender.deliver(mail_id)

    with pytest.raises(RetryLater):  # another delivery of its message while the lease runs: back to SQS
        services.mail_sender.deliver(mail_id)
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert services.mail_sender.deliver(mail_id) == "sent"
    assert len(letters_api.notices()) == 1


def test_the_dead_letter_handler_gives_up_with_a_stated_reason(letters_api, services, stored_items, monkeypatch):
    import app as app_module
    from localdev.drain import drain_until_empty

    with monkeypatch.context() as patch:
        queued = held_mail(patch, services)
        response = letters_api.post("hrd-resolution", GOOD)
    dlq = services.aws.sqs.get_queue_url(QueueName=services.settings.mail_queue_name + "-dlq")["QueueUrl"]
    services.aws.sqs.send_message(QueueUrl=dlq, MessageBody=f'{{"mail_id": "{queued[0]}"}}')

    assert drain_until_empty(services.aws.sqs, dlq, app_module.on_supporter_mail_dead_letter) == 1

    letter = services.letters.get(response.json_body["letter_id"])
    assert letter.status == "expired" and "failed on this email five times" in letter.failure_reason


def test_a_dead_letter_waits_while_a_worker_holds_the_mails_lease(letters_api, services, stored_items, clock):
    # The fifth receive of a mail's message can land in the dead-letter queue while a worker is sending it (SES may
    # be taking it this moment): giving up then would tell the supporter "expired" about a link they just got.
    import app as app_module
    from chalicelib.mail.mail_queue import mail_key
    from chalicelib.mail.mail_sender import LEASE
    from localdev.drain import drain_once

    with pytest.MonkeyPatch.context() as patch:
        queued = held_mail(patch, services)
        response = letters_api.post("hrd-resolution", GOOD)
    letter_id = response.json_body["letter_id"]
    services.aws.table.update_item(
        Key=mail_key(queued[0]),
        UpdateExpression="SET mail_status = :sending, attempt_id = :worker, lease_until = :lease",
        ExpressionAttributeValues={
            ":sending": "sending",
            ":worker": "another-worker",
            ":lease": int((clock() + LEASE).timestamp()),
        },
    )
    sqs, handler = services.aws.sqs, app_module.on_supporter_mail_dead_letter
    dlq = sqs.get_queue_url(QueueName=services.settings.mail_queue_name + "-dlq")["QueueUrl"]
    sqs.send_message(QueueUrl=dlq, MessageBody=f'{{"mail_id": "{queued[0]}"}}')

    assert drain_once(sqs, dlq, handler, retry_after=0) == 1  # handed back: it comes again
    assert services.letters.get(letter_id).status == "pending_confirmation" and mail_items(stored_items)

    clock.advance(seconds=LEASE.total_seconds() + 1)  # the lease ran out and the mail is still not sent
    assert drain_once(sqs, dlq, handler, retry_after=0) == 1
    letter = services.letters.get(letter_id)
    assert letter.status == "expired" and "failed on this email five times" in letter.failure_reason
    assert drain_once(sqs, dlq, handler) == 0


def test_a_sender_short_of_time_requeues_without_trying(services, letters_api, stored_items, monkeypatch):
    from chalicelib.queue_messages import QueueRecord

    queued = held_mail(monkeypatch, services)
    letters_api.post("hrd-resolution", GOOD)
    record = QueueRecord(message_id="m1", body=f'{{"mail_id": "{queued[0]}"}}')

    assert services.mail_sender.deliver_batch([record], time_left_ms=lambda: 1000) == []
    assert queued == [queued[0]] * 2 and letters_api.notices() == []  # on the queue again, not a receive


def test_with_no_configured_rate_the_sender_reads_the_accounts_send_rate(letters_api, services, monkeypatch):
    import app as app_module
    from localdev.drain import drain_until_empty

    with monkeypatch.context() as patch:
        patch.setattr(services.mail_queue, "enqueue", lambda mail_id, delay_seconds=0: None)
        letters_api.post("hrd-resolution", GOOD)
    (mail,) = [i for i in services.aws.table.scan()["Items"] if i["pk"].startswith("MAIL#")]
    services.mail_queue.enqueue(mail["mail_id"])
    monkeypatch.setattr(services.send_rate, "_configured", None)  # a deployed stage: SES says how fast

    with Stubber(services.aws.sesv2) as stub:
        quota = {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 0.0}
        stub.add_response("get_account", {"SendQuota": quota})
        stub.add_response("send_email", {"MessageId": "ses-1"})
        assert drain_until_empty(services.aws.sqs, services.aws.mail_queue_url, app_module.on_supporter_mail) == 1
        stub.assert_no_pending_responses()


def test_a_queued_mail_holds_its_body_packed_and_sends_it_as_written_as_one_queued_before_packing_does(
    letters_api, services, stored_items, monkeypatch
):
    # GIVEN a confirmation queued (held here, not on SQS)
    held = held_mail(monkeypatch, services)
    letter_id = letters_api.post("hrd-resolution", GOOD).json_body["letter_id"]
    (mail,) = [i for i in services.aws.table.scan()["Items"] if i["pk"].startswith("MAIL#")]  # as stored

    # THEN its item holds the body compressed (a few hundred bytes), not as text
    assert not isinstance(mail["body"], str) and letter_id.encode() not in bytes(mail["body"])
    assert len(bytes(mail["body"])) < 500

    # WHEN it is sent, and a mail queued before packing (its body as text) is sent too
    text = "Hello,\n\nA mail queued before its body was packed.\n"
    old = services.mail_queue.send_notice(notice_like(services, mail, text))
    services.aws.table.update_item(
        Key={"pk": f"MAIL#{old}", "sk": "MAIL"},
        UpdateExpression="SET body = :t",
        ExpressionAttributeValues={":t": text},
    )
    assert [services.mail_sender.deliver(mail_id) for mail_id in held] == ["sent", "sent"]

    # THEN each email carries its text as written
    first, second = letters_api.notices()
    assert f"/letters/{letter_id}/confirm/" in first["body"] and second["body"].replace("\r\n", "\n") == text


def notice_like(services, item, body):
    from chalicelib.mail.mail_queue import NOTICE_FIELDS
    from chalicelib.mail.mailer import Notice

    return Notice(**{**{name: str(item[name]) for name in NOTICE_FIELDS if name != "body"}, "body": body})

"""Email to supporters goes through a queue, never inside the request that asked for it.

A confirmation, a reminder, a "did they reply?" question, a sign-on confirmation, the note to an address's
owner that it already wrote: each is written as one mail item (pk "MAIL#<id>") and its id put on the mail
queue (SQS, no personal data in the message). The request answers at once; the mail sender
(chalicelib/mail/mail_sender.py) sends it at the account's SES rate, with retries, so a flash crowd or an SES
throttle delays a confirmation but never loses it. The item holds the rendered email (the address in it is
personal data): it is deleted once sent, and carries `expires_at` and a due-index entry, so the housekeeping
scrub removes it by MAIL_KEPT even if nothing else does.

The body is stored zlib-compressed (binary): a write costs a unit per KB of the whole item, and the item is
written three times (queued, claimed, deleted), so a rendered email of 1.1-1.6 KB costs half as much at under 1 KB.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any, Callable

from chalicelib.clock import iso
from chalicelib.mail.mailer import Notice
from chalicelib.queue_messages import message_for
from chalicelib.storage.due_index import due_keys
from chalicelib.storage.packed_text import packed, unpacked

MAIL_SK = "MAIL"
MAIL_KEPT = dt.timedelta(days=2)  # the rendered email (with its address) is deleted by then, sent or not
NOTICE_FIELDS = tuple(f.name for f in dataclasses.fields(Notice))
PERSONAL_MAIL_FIELDS = ("to_name", "to_email", "subject", "body")


def mail_key(mail_id: str) -> dict[str, str]:
    return {"pk": f"MAIL#{mail_id}", "sk": MAIL_SK}


def mail_message(mail_id: str) -> str:
    return message_for("mail", mail_id)


def notice_of(item: dict[str, Any]) -> Notice:
    """The email a mail item holds (its body unpacked; items queued before packing hold it as text)."""
    values = {name: item[name] for name in NOTICE_FIELDS}
    values["body"] = unpacked(values["body"])
    return Notice(**{name: str(value) for name, value in values.items()})


def _stored(notice: Notice) -> dict[str, Any]:
    fields = dataclasses.asdict(notice)
    return {**fields, "body": packed(fields["body"])}


class MailQueue:
    """What the rest of the code calls to email a supporter: `send_notice` returns once the email is queued."""

    def __init__(self, table: Any, sqs: Any, queue_url: Callable[[], str], clock: Callable[[], dt.datetime]) -> None:
        self._table, self._sqs, self._queue_url, self._clock = table, sqs, queue_url, clock

    def send_notice(self, notice: Notice, *, confirms: str = "") -> str:
        """Queue `notice`; returns its mail id. `confirms`: the letter whose confirmation link this email carries
        (if it can never be sent, that letter ends `expired` with the reason, see Confirmations.undeliverable).
        Raises if the item or the message could not be written: then nothing was queued."""
        now = self._clock()
        mail_id = uuid.uuid4().hex
        expires_at = int((now + MAIL_KEPT).timestamp())
        item = {
            **mail_key(mail_id),
            **_stored(notice),
            "mail_id": mail_id,
            "mail_status": "queued",
            "confirms": confirms,
            "created_at": iso(now),
            "attempts": 0,
            "expires_at": expires_at,
            **due_keys(f"MAIL#{mail_id}", expires_at),
        }
        self._table.put_item(Item=item)
        try:
            self.enqueue(mail_id)
        except Exception:
            self._table.delete_item(Key=mail_key(mail_id))  # not queued: keep nothing
            raise
        return mail_id

    def enqueue(self, mail_id: str, delay_seconds: int = 0) -> None:
        self._sqs.send_message(
            QueueUrl=self._queue_url(), MessageBody=mail_message(mail_id), DelaySeconds=max(0, min(900, delay_seconds))
        )

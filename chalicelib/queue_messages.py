"""Our SQS messages and the handling of a batch of them, the same for the letters' queue and the mail queue.

A message carries one id and nothing else (no personal data in SQS): `{"letter_id": …}`, `{"mail_id": …}`.
`handle_batch` is what a queue's Lambda does with its batch: each record's id read (a message not ours is
dropped), then handled, or set aside untried when the Lambda's time runs low (a record handed back to SQS would
count as a receive, and five receives send a message to the dead-letter queue unsent). Only the records that
failed come back, as SQS's partial batch response (`batchItemFailures`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Callable, Iterable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueRecord:
    message_id: str
    body: str


def message_for(kind: str, item_id: str) -> str:
    """The body of the message about one `kind` ("letter", "mail") of item."""
    return json.dumps({f"{kind}_id": item_id})


def id_in(message_body: str, kind: str) -> str:
    """The `kind` id in a queue message; ValueError if the body is not one of ours."""
    try:
        item_id = json.loads(message_body)[f"{kind}_id"]
    except (ValueError, KeyError, TypeError):
        raise ValueError(f"not a Démarche {kind} message") from None
    if not isinstance(item_id, str) or not item_id:
        raise ValueError(f"not a Démarche {kind} message")
    return item_id


def handle_batch(
    records: Iterable[QueueRecord],
    kind: str,
    handle: Callable[[str], object],
    set_aside: Callable[[str], bool],
    time_left_ms: Callable[[], int] | None,
    time_needed_ms: int,
) -> list[str]:
    """`handle` each record's id; return the message ids that must come back to the queue.

    Below `time_needed_ms` of Lambda time the rest are not tried: `set_aside` keeps each for later (True), or says
    only the queue can (False: it comes back, at the cost of one receive). Any exception returns only its record.
    """
    failures = []
    for record in records:
        try:
            item_id = id_in(record.body, kind)
        except ValueError:
            log.error("dropping %s queue message %s: not a %s message", kind, record.message_id, kind)
            continue
        try:
            if time_left_ms is not None and time_left_ms() < time_needed_ms:
                kept = set_aside(item_id)
            else:
                handle(item_id)
                kept = True
        except Exception:  # noqa: BLE001 - any failure returns only this record to the queue
            log.exception("%s %s: will retry", kind, item_id)
            kept = False
        if not kept:
            failures.append(record.message_id)
    return failures

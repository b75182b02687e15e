"""Replaying SES events that on_ses_feedback could not apply (a DynamoDB error, say).

Lambda retries an SNS invocation twice, then keeps the event, unchanged, in the function's dead-letter queue
(infra/template.yaml FeedbackDeadLetterQueue). Here each kept event goes through the same `Feedback.handle_sns`
as a live one, and its message is deleted only once applied: an event that fails again stays for a later replay.
Applying an event twice is harmless: every move it makes is a conditional state change.
"""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger(__name__)


def replay_dead_letters(sqs: Any, queue_name: str, feedback: Any, max_batches: int = 1000) -> tuple[int, int]:
    """(events applied, events still failing) after one pass over the queue."""
    url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    replayed = failed = 0
    for _ in range(max_batches):
        # A failing message stays invisible for the rest of the pass, so the pass ends when nothing else is left.
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=300).get("Messages", [])
        if not messages:
            break
        for message in messages:
            try:
                feedback.handle_sns(json.loads(message["Body"]))
            except Exception:  # noqa: BLE001 - one bad event must not stop the others; it stays queued
                log.exception("feedback event %s could not be applied; kept for a later replay", message["MessageId"])
                failed += 1
                continue
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            replayed += 1
    return replayed, failed

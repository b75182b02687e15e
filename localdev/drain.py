"""Drains the local queue into the real worker handler, as Lambda's SQS event source would."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

log = logging.getLogger(__name__)


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The Lambda event for a batch of received SQS messages."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": queue_arn.split(":")[3],
            }
            for m in messages
        ]
    }


def scheduled_event(now_iso: str = "1970-01-01T00:00:00Z") -> dict[str, Any]:
    """The Lambda event EventBridge sends a scheduled function (the fields Chalice reads)."""
    return {
        "version": "0",
        "id": "local",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": now_iso,
        "region": "us-east-1",
        "resources": [],
        "detail": {},
    }


def drain_once(
    sqs: Any,
    queue_url: str,
    handler: Callable[[dict, Any], Any],
    *,
    wait_seconds: int = 0,
    retry_after: int | None = None,
) -> int:
    """Receive one batch, hand it to `handler`, delete what succeeded. Returns the number of messages seen.

    Failed messages come back after the queue's visibility timeout, as in Lambda; `retry_after` shortens that
    (tests use 0 to replay redeliveries without waiting).
    """
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    messages = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds, AttributeNames=["All"]
    ).get("Messages", [])
    if not messages:
        return 0
    try:
        result = handler(sqs_event(messages, arn), None) or {}
    except Exception:  # noqa: BLE001 - as in Lambda, a crash returns the whole batch to the queue
        log.exception("worker crashed; the batch goes back to the queue")
        result = {"batchItemFailures": [{"itemIdentifier": m["MessageId"]} for m in messages]}
    failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
    done = [m for m in messages if m["MessageId"] not in failed]
    if done:
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
        )
    if retry_after is not None:
        for m in messages:
            if m["MessageId"] in failed:
                sqs.change_message_visibility(
                    QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=retry_after
                )
    return len(messages)


def drain_until_empty(
    sqs: Any,
    queue_url: str,
    handler: Callable[[dict, Any], Any],
    max_batches: int = 100,
    retry_after: int | None = None,
) -> int:
    total = 0
    for _ in range(max_batches):
        seen = drain_once(sqs, queue_url, handler, retry_after=retry_after)
        if not seen:
            break
        total += seen
    return total


def start_drainer(
    sqs: Any,
    queues: list[tuple[str, Callable[[dict, Any], Any]]],
    every_minute: Callable[[], Any],
    stop: threading.Event,
    tick_seconds: float = 60,
) -> threading.Thread:
    """Poll each (queue URL, handler) in one daemon thread, and run `every_minute` (the scheduled functions) every
    `tick_seconds` in another, as Lambda runs them side by side, until `stop` is set."""

    def drain() -> None:
        while not stop.is_set():
            try:
                for queue_url, handler in queues:
                    drain_once(sqs, queue_url, handler, wait_seconds=1 if queue_url == queues[0][0] else 0)
            except Exception:  # noqa: BLE001 - keep the local stack alive and say what happened
                log.exception("queue drainer error")
                stop.wait(1)

    def tick() -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                every_minute()
            except Exception:  # noqa: BLE001 - as above: the next tick tries again
                log.exception("scheduled job error")
            stop.wait(max(0.0, tick_seconds - (time.monotonic() - started)))

    threading.Thread(target=tick, name="minute-job", daemon=True).start()
    thread = threading.Thread(target=drain, name="queue-drainer", daemon=True)
    thread.start()
    return thread

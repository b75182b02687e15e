"""The queue between the API and the sender. Messages carry only a letter id: no personal data in SQS."""

from __future__ import annotations

from typing import Any

from chalicelib.queue_messages import message_for

BATCH = 10  # SQS's limit per SendMessageBatch


class LetterQueue:
    def __init__(self, sqs: Any, queue_url: str) -> None:
        self._sqs, self._url = sqs, queue_url

    def enqueue(self, letter_id: str) -> None:
        self._sqs.send_message(QueueUrl=self._url, MessageBody=letter_message(letter_id))

    def enqueue_many(self, letter_ids: list[str]) -> list[bool]:
        """Queue each id; returns, per id, whether SQS took it (a failed one can be tried again)."""
        ok = [False] * len(letter_ids)
        for start in range(0, len(letter_ids), BATCH):
            chunk = letter_ids[start : start + BATCH]
            response = self._sqs.send_message_batch(
                QueueUrl=self._url,
                Entries=[
                    {"Id": str(start + i), "MessageBody": letter_message(letter_id)}
                    for i, letter_id in enumerate(chunk)
                ],
            )
            for success in response.get("Successful", []):
                ok[int(success["Id"])] = True
        return ok


def letter_message(letter_id: str) -> str:
    return message_for("letter", letter_id)

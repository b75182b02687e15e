"""SQS records as Lambda hands them to the letter worker: one per letter id."""

from __future__ import annotations

import json


def sqs_record(letter_id: str, message_id: str = "m1", receipt_handle: str = "r") -> dict:
    return {
        "messageId": message_id,
        "receiptHandle": receipt_handle,
        "body": json.dumps({"letter_id": letter_id}),
        "attributes": {},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:demarche-letters",
        "awsRegion": "us-east-1",
    }

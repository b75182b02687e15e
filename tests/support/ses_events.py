"""SES events as AWS documents them, in both shapes, wrapped in the SNS Lambda event that carries them.

- "notification": identity notifications (`notificationType`), https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html
- "event": configuration-set event publishing (`eventType`, with `mail.tags`),
  https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
Each carries a few fields we do not read, as the real ones do.
"""

from __future__ import annotations

import json
from typing import Any

SHAPES = ("notification", "event")


def _mail(ses_id: str, recipients: list[str], shape: str, tags: dict[str, str] | None) -> dict[str, Any]:
    mail = {
        "timestamp": "2026-11-26T10:00:00.000Z",
        "source": "letters@demarche.example.org",
        "sourceArn": "arn:aws:ses:us-east-1:123456789012:identity/demarche.example.org",
        "sendingAccountId": "123456789012",
        "messageId": ses_id,
        "destination": recipients,
        "headersTruncated": False,
        "futureField": {"ignored": True},
    }
    if shape == "event":
        mail["tags"] = {
            "ses:configuration-set": ["demarche"],
            "campaign": ["hrd-resolution"],
            **{name: [value] for name, value in (tags or {}).items()},
        }
    return mail


def ses_event(
    kind: str,
    ses_id: str,
    recipients: list[str],
    *,
    shape: str = "event",
    tags: dict[str, str] | None = None,
    bounce_type: str = "Permanent",
) -> dict[str, Any]:
    """One SES event of `kind` (Send, Delivery, Bounce, Complaint, DeliveryDelay, Reject) about `recipients`."""
    body: dict[str, Any] = {
        "Send": {},
        "Delivery": {
            "timestamp": "2026-11-26T10:00:05.000Z",
            "processingTimeMillis": 512,
            "recipients": recipients,
            "smtpResponse": "250 2.0.0 OK",
            "reportingMTA": "a8-1.smtp-out.amazonses.com",
        },
        "Bounce": {
            "bounceType": bounce_type,
            "bounceSubType": "General" if bounce_type == "Permanent" else "MailboxFull",
            "bouncedRecipients": [
                {
                    "emailAddress": r,
                    "action": "failed",
                    "status": "5.1.1",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                }
                for r in recipients
            ],
            "timestamp": "2026-11-26T10:00:06.000Z",
            "feedbackId": "fb-1",
            "reportingMTA": "dsn; x",
        },
        "Complaint": {
            "complainedRecipients": [{"emailAddress": r} for r in recipients],
            "timestamp": "2026-11-26T10:30:00.000Z",
            "feedbackId": "fb-2",
            "userAgent": "Mail",
            "complaintFeedbackType": "abuse",
            "arrivalDate": "2026-11-26T10:29:00.000Z",
        },
        "DeliveryDelay": {
            "timestamp": "2026-11-26T10:10:00.000Z",
            "delayType": "TransientCommunicationFailure",
            "expirationTime": "2026-11-27T10:00:00.000Z",
            "delayedRecipients": [
                {"emailAddress": r, "status": "4.4.1", "diagnosticCode": "smtp; 421 try later"} for r in recipients
            ],
        },
        "Reject": {"reason": "Bad content"},
    }[kind]
    key = {"DeliveryDelay": "deliveryDelay"}.get(kind, kind.lower())
    type_field = "eventType" if shape == "event" else "notificationType"
    return {type_field: kind, "mail": _mail(ses_id, recipients, shape, tags), key: body, "unknownTopLevel": 1}


def sns_event(*messages: dict[str, Any]) -> dict[str, Any]:
    """The Lambda event SNS delivers (one record per message)."""
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": "arn:aws:sns:us-east-1:123456789012:demarche-ses-feedback:sub",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": f"sns-{i}",
                    "Subject": None,
                    "Message": json.dumps(m),
                    "TopicArn": "arn:aws:sns:us-east-1:123456789012:demarche-ses-feedback",
                    "Timestamp": "2026-11-26T10:00:07.000Z",
                    "SignatureVersion": "1",
                    "Signature": "x",
                    "SigningCertUrl": "https://sns.example/cert.pem",
                    "UnsubscribeUrl": "https://sns.example/u",
                    "MessageAttributes": {},
                },
            }
            for i, m in enumerate(messages)
        ]
    }

"""The local stage's outbox: every message the embedded SES stand-in (moto) accepted, newest last.

Only the `local` stage calls this; moto is a development dependency and is imported here lazily.
"""

from __future__ import annotations

import os
from email import message_from_string
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime
from typing import Any, Callable


def addressed_to(messages: list[dict[str, Any]], address: str) -> list[dict[str, Any]]:
    """The messages whose To or Reply-To holds `address` (any case); all of them for an empty address. Looking a
    letter up is a Query per message, so a long-running `make run` is read faster one supporter at a time."""
    wanted = address.strip().lower()
    if not wanted:
        return messages
    return [m for m in messages if wanted in m["to"].lower() or wanted in (m.get("reply_to") or "").lower()]


def with_address_origins(messages: list[dict[str, Any]], find: Callable[[str], Any]) -> list[dict[str, Any]]:
    """Each message with `address_origin`: how the letter's address was known (sourced, verified, override,
    placeholder), found through the letter SES knows by the message's id; None for mail that is not a letter."""
    out = []
    for message in messages:
        letter = find(message["message_id"]) if message.get("message_id") else None
        out.append({**message, "address_origin": (letter.address_origin or None) if letter else None})
    return out


def sent_messages() -> list[dict[str, Any]]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    backend = ses_backends[DEFAULT_ACCOUNT_ID][region]
    return [_describe(getattr(m, "raw_data", None), m) for m in backend.sent_messages]


def _describe(raw: str | None, message: Any) -> dict[str, Any]:
    if raw is None:  # a Simple (non-raw) message: moto keeps only these fields
        return {
            "to": ", ".join(sum(message.destinations.values(), [])),
            "from": message.source,
            "reply_to": None,
            "subject": message.subject,
            "body": message.body,
            "sent_at": None,
            "message_id": message.id,
        }
    parsed = message_from_string(raw, policy=default_policy)
    date = parsed["Date"]
    return {
        "to": str(parsed["To"]),
        "from": str(parsed["From"]),
        "reply_to": str(parsed["Reply-To"]) if parsed["Reply-To"] else None,
        "subject": str(parsed["Subject"]),
        "body": parsed.get_body(("plain",)).get_content(),
        "sent_at": parsedate_to_datetime(date).isoformat() if date else None,
        "message_id": message.id,
    }

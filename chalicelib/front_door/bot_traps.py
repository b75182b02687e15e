"""Bot traps: a honeypot field and a signed render stamp. A bot caught by either is told "thank you" and
nothing is stored or sent, so it learns nothing; a person is never dropped that way: a form sent too soon after
it was shown (autofill, a password manager, a fast typist) is asked to wait a moment and send again (TooQuick),
and one whose form grew old to reload it. All a bot learns is what a person is told: wait a few seconds.

The stamp is "<epoch seconds>.<HMAC(campaign, seconds)>": issued with the form (or by
GET /campaigns/{slug}/form-token), valid from `min_fill` after issue until `max_age`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any, Mapping

from chalicelib.campaigns.policies import BotPolicy
from chalicelib.errors import InvalidField, TooQuick
from chalicelib.signing import Signer

HONEYPOT = "homepage"  # hidden from people (and screen readers); bots fill every field they find
STAMP = "form_token"
PROOF = "altcha"  # the ALTCHA widget's field (chalicelib/front_door/proof_of_work.py)
BOT_FIELDS = (HONEYPOT, STAMP, PROOF)
MAX_BOT_FIELD = 6000


class Verdict(Enum):
    PERSON = "person"
    BOT = "bot"


@dataclass(frozen=True)
class BotFields:
    honeypot: str
    stamp: str
    proof: str


def split_bot_fields(payload: Any) -> tuple[Any, BotFields]:
    """The submission without the trap fields, and the trap fields (checked for type and size only)."""
    if not isinstance(payload, Mapping):
        raise InvalidField("body", "Send a JSON object with the fields country, name, email and form_token.")
    values = {}
    for name in BOT_FIELDS:
        value = payload.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise InvalidField(name, f"The {name} must be text.")
        if len(value) > MAX_BOT_FIELD:
            raise InvalidField(name, f"The {name} is too long.")
        values[name] = value
    rest = {k: v for k, v in payload.items() if k not in BOT_FIELDS}
    return rest, BotFields(values[HONEYPOT], values[STAMP], values[PROOF])


def issue_stamp(signer: Signer, campaign: str, now: dt.datetime) -> str:
    seconds = str(int(now.timestamp()))
    return f"{seconds}.{signer.token('form-stamp', f'{campaign}:{seconds}')}"


def judge(fields: BotFields, signer: Signer, campaign: str, policy: BotPolicy, now: dt.datetime) -> Verdict:
    """PERSON or BOT; InvalidField when the stamp is missing (an API client's mistake), too young (TooQuick: wait
    and send again) or too old (a person's tab left open: they should reload and send again)."""
    if fields.honeypot.strip():
        return Verdict.BOT
    if not fields.stamp:
        raise InvalidField(
            STAMP,
            f"The form_token is missing: load the form again, or get one from GET /campaigns/{campaign}/form-token.",
        )
    seconds, _, signature = fields.stamp.partition(".")
    if not (seconds.isdigit() and len(seconds) <= 12) or not signer.verify(
        "form-stamp", f"{campaign}:{seconds}", signature
    ):
        return Verdict.BOT
    age = now - dt.datetime.fromtimestamp(int(seconds), dt.timezone.utc)
    if age < policy.min_fill:  # a real stamp, sent fast: a person's autofill as likely as a bot, so say so
        raise TooQuick(
            STAMP, "That was very quick: please wait a moment, then send your letter again.", stamp=fields.stamp
        )
    if age > policy.max_age:
        raise InvalidField(STAMP, "This form is too old to send. Please reload the page and send your letter again.")
    return Verdict.PERSON

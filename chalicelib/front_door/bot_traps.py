"""Bot traps: a honeypot field and a signed render stamp. A bot caught by either is told "thank you" and
nothing is stored or sent, so it learns nothing; a person is never dropped that way: a form sent too soon after
it was shown (autofill, a password manager, a fast typist) is asked to wait a moment and send again (TooQuick),
and one whose form grew old to reload it. All a bot learns is what a person is told: wait a few seconds.

The stamp is "<epoch seconds>.<nonce>.<HMAC(campaign, seconds, nonce)>": issued with the form (or by
GET /campaigns/{slug}/form-token), valid from `min_fill` after issue until `max_age`, and spent by the one
submission it is admitted with (`FormUse`, written in admission's transaction): replaying one page's token for
another letter is refused, while an `Idempotency-Key` retry of the same submission is answered before screening.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import Enum
from typing import Any, Mapping

from chalicelib.campaigns.policies import BotPolicy
from chalicelib.errors import FormAlreadySent, InvalidField, TooQuick
from chalicelib.signing import Signer

HONEYPOT = "homepage"  # hidden from people (and screen readers); bots fill every field they find
STAMP = "form_token"
PROOF = "altcha"  # the ALTCHA widget's field (chalicelib/front_door/proof_of_work.py)
BOT_FIELDS = (HONEYPOT, STAMP, PROOF)
MAX_BOT_FIELD = 6000
USED_SK = "FORM"
KEEP_SPENT = dt.timedelta(hours=1)  # a spent stamp is remembered this long after it could no longer be used


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
    """A new stamp for one form: two forms stamped in the same second differ by their nonce."""
    seconds, nonce = str(int(now.timestamp())), secrets.token_urlsafe(12)
    return f"{seconds}.{nonce}.{signer.token('form-stamp', f'{campaign}:{seconds}:{nonce}')}"


def stamp_of(payload: Mapping[str, Any]) -> str:
    """The form stamp of a submission that passed `split_bot_fields`."""
    return str(payload.get(STAMP) or "")


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
    parts = fields.stamp.split(".")
    seconds = parts[0]
    if not (seconds.isdigit() and len(seconds) <= 12):
        return Verdict.BOT
    if len(parts) == 2 and signer.verify("form-stamp", f"{campaign}:{seconds}", parts[1]):
        raise _too_old()  # a form loaded before stamps had a nonce: genuine, but it could be replayed
    if len(parts) != 3 or not signer.verify("form-stamp", f"{campaign}:{seconds}:{parts[1]}", parts[2]):
        return Verdict.BOT
    age = now - _issued(fields.stamp)
    if age < policy.min_fill:  # a real stamp, sent fast: a person's autofill as likely as a bot, so say so
        raise TooQuick(
            STAMP, "That was very quick: please wait a moment, then send your letter again.", stamp=fields.stamp
        )
    if age > policy.max_age:
        raise _too_old()
    return Verdict.PERSON


def _too_old() -> InvalidField:
    return InvalidField(STAMP, "This form is too old to send. Please reload the page and send your letter again.")


def _issued(stamp: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(stamp.split(".", 1)[0]), dt.timezone.utc)


@dataclass(frozen=True)
class FormUse:
    """A judged stamp, spent by the submission admitted with it. Admission treats it like a rate counter whose
    limit is one: reserved in the same transaction as the letter (so a duplicate spends it too), given back
    with the letter when its email could not leave, and refused with `FormAlreadySent` once spent."""

    campaign: str
    stamp: str
    max_age: dt.timedelta
    scope: str = "form"

    sharded = False  # one item: its condition in the transaction is the whole check (see rate_limits.Counter)

    def key(self, now: dt.datetime) -> dict[str, str]:
        return {"pk": f"FORM#{self.campaign}#{self.stamp.split('.')[1][:32]}", "sk": USED_SK}

    def reserve(self, table_name: str, now: dt.datetime, item_id: str = "") -> dict[str, Any]:
        expires = int((_issued(self.stamp) + self.max_age + KEEP_SPENT).timestamp())
        # TTL alone (no `by-due` entry): a random nonce, nothing personal, and a stamp past `max_age` is refused
        # before this item is looked at, so it may outlive `expires_at` harmlessly
        return {
            "Put": {
                "TableName": table_name,
                "Item": {**self.key(now), "expires_at": expires},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def give_back(self, table: Any, now: dt.datetime, item_id: str = "") -> None:
        table.delete_item(Key=self.key(now))

    def refusal(self, now: dt.datetime) -> FormAlreadySent:
        return FormAlreadySent()

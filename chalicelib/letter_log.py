"""The send log: one DynamoDB item per letter, moved between states only by conditional writes."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any, Callable, Iterable

from .due_index import due_keys
from .letter_states import Status, TransitionRefused, check_move

LETTER_SK = "LETTER"
# What identifies or quotes the supporter: removed when a letter expires unconfirmed or on request.
PERSONAL_FIELDS = ("supporter_name", "supporter_email", "body", "guard")
NUMBERS = ("expires_at", "confirm_by", "due_at", "retries")
SES_MESSAGE_INDEX = "by-ses-message"  # KEYS_ONLY: SES MessageId -> letter key, for SES feedback


def letter_key(letter_id: str) -> dict[str, str]:
    return {"pk": f"LETTER#{letter_id}", "sk": LETTER_SK}


def campaign_index_keys(campaign: str, created_at: str, letter_id: str) -> dict[str, str]:
    """Keys of the `by-campaign` index (newest-first log per campaign); the index holds no personal data."""
    return {"gsi1pk": f"CAMPAIGN#{campaign}", "gsi1sk": f"{created_at}#{letter_id}"}


@dataclass
class Letter:
    letter_id: str
    campaign: str
    country: str
    target_set: str
    target_name: str
    target_email: str
    language: str
    subject: str
    body: str
    supporter_name: str
    supporter_email: str
    status: str
    created_at: str
    updated_at: str
    status_token_hash: str
    expires_at: int  # epoch seconds: DynamoDB TTL deletes the item (and its personal data) then
    partner: str = ""
    ses_message_id: str = ""
    failure_reason: str = ""
    # The confirmation step (chalicelib/confirmation.py): link tokens are kept only as hashes.
    confirm_token_hash: str = ""
    delete_token_hash: str = ""
    confirm_by: int = 0  # epoch seconds: an unconfirmed letter expires then
    confirmed_at: str = ""
    reminded_at: str = ""
    guard: str = ""  # pk of the duplicate guard this letter holds (chalicelib/duplicates.py)
    links_base: str = ""  # where the supporter reached us, for the links in a later reminder
    due_at: int = 0  # epoch seconds of the next housekeeping action (chalicelib/due_index.py)
    # Delivery (chalicelib/delivery.py):
    attempt_id: str = ""  # the send attempt in flight or last made; SES events carry it as a tag
    retries: int = 0  # sends SES did not accept (throttled, unreachable): sets the next backoff
    waiting_until: str = ""  # a queued letter held back (pacing, backoff, paused campaign) until about then
    waiting_reason: str = ""

    def to_item(self) -> dict[str, Any]:
        item = {name: value for name in _FIELD_NAMES if (value := getattr(self, name)) != ""}
        key = letter_key(self.letter_id)
        due = due_keys(key["pk"], self.due_at) if self.due_at else {}
        return {**key, **campaign_index_keys(self.campaign, self.created_at, self.letter_id), **due, **item}

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Letter":
        values = {k: v for k, v in item.items() if k in _FIELD_NAMES}
        for name in NUMBERS:
            if name in values:
                values[name] = int(values[name])
        for name in PERSONAL_FIELDS:  # absent once scrubbed
            values.setdefault(name, "")
        return cls(**values)


_FIELD_NAMES = tuple(f.name for f in fields(Letter))


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class LetterLog:
    """Reads and writes letters in one table (a boto3 DynamoDB Table resource, real or moto)."""

    def __init__(self, table: Any, clock: Callable[[], dt.datetime] | None = None) -> None:
        self._table = table
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))

    def create(self, letter: Letter) -> None:
        self._table.put_item(Item=letter.to_item(), ConditionExpression="attribute_not_exists(pk)")

    def get(self, letter_id: str) -> Letter | None:
        """The letter, or None if there is none or its retention date has passed (TTL may lag by days)."""
        item = self._table.get_item(Key=letter_key(letter_id), ConsistentRead=True).get("Item")
        if not item or int(item["expires_at"]) <= int(self._clock().timestamp()):
            return None
        return Letter.from_item(item)

    def move(self, letter_id: str, source: Status, target: Status, now: dt.datetime, *,
             remove: Iterable[str] = (), expect: dict[str, str] | None = None, **changes: Any) -> None:
        """Move a letter from `source` to `target` iff it is in `source` now (and its fields match `expect`);
        else TransitionRefused. `changes` are set and the attributes named in `remove` deleted, in the same
        conditional write."""
        check_move(letter_id, source, target)
        self._write(letter_id, source, target, now, remove, changes, expect or {})

    def amend(self, letter_id: str, status: Status, now: dt.datetime, *, remove: Iterable[str] = (),
              **changes: Any) -> None:
        """Change fields of a letter iff it is in `status` now (no state change); else TransitionRefused."""
        self._write(letter_id, status, status, now, remove, changes, {})

    def _write(self, letter_id: str, source: Status, target: Status, now: dt.datetime, remove: Iterable[str],
               changes: dict[str, Any], expect: dict[str, str]) -> None:
        names = {"#status": "status", "#updated": "updated_at"}
        values: dict[str, Any] = {":from": source.value, ":to": target.value, ":now": iso(now)}
        sets = ["#status = :to", "#updated = :now"]
        conditions = ["attribute_exists(pk)", "#status = :from"]
        for i, (name, value) in enumerate(changes.items()):
            names[f"#f{i}"], values[f":v{i}"] = name, value
            sets.append(f"#f{i} = :v{i}")
        for i, (name, value) in enumerate(expect.items()):
            names[f"#e{i}"], values[f":e{i}"] = name, value
            conditions.append(f"#e{i} = :e{i}")
        removes = []
        for i, name in enumerate(remove):
            names[f"#r{i}"] = name
            removes.append(f"#r{i}")
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        from botocore.exceptions import ClientError

        try:
            self._table.update_item(
                Key=letter_key(letter_id),
                UpdateExpression=expression,
                ConditionExpression=" AND ".join(conditions),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            current = exc.response.get("Item", {}).get("status", {}).get("S")
            raise TransitionRefused(letter_id, target, current) from None

    def find_by_ses_message_id(self, ses_message_id: str) -> Letter | None:
        """The letter SES knows by this MessageId (a KEYS_ONLY index: no personal data leaves the item)."""
        from boto3.dynamodb.conditions import Key

        items = self._table.query(IndexName=SES_MESSAGE_INDEX, Limit=1,
                                  KeyConditionExpression=Key("ses_message_id").eq(ses_message_id))["Items"]
        return self.get(items[0]["pk"].removeprefix("LETTER#")) if items else None

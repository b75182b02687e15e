"""The send log: one DynamoDB item per letter, moved between states only by conditional writes."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from .letter_states import Status, TransitionRefused, check_move

LETTER_SK = "LETTER"


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

    def to_item(self) -> dict[str, Any]:
        item = {name: value for name in _FIELD_NAMES if (value := getattr(self, name)) != ""}
        return {**letter_key(self.letter_id), **campaign_index_keys(self.campaign, self.created_at, self.letter_id),
                **item}

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Letter":
        values = {k: v for k, v in item.items() if k in _FIELD_NAMES}
        values["expires_at"] = int(values["expires_at"])
        return cls(**values)


_FIELD_NAMES = tuple(f.name for f in fields(Letter))


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class LetterLog:
    """Reads and writes letters in one table (a boto3 DynamoDB Table resource, real or moto)."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def create(self, letter: Letter) -> None:
        self._table.put_item(Item=letter.to_item(), ConditionExpression="attribute_not_exists(pk)")

    def get(self, letter_id: str) -> Letter | None:
        item = self._table.get_item(Key=letter_key(letter_id), ConsistentRead=True).get("Item")
        return Letter.from_item(item) if item else None

    def move(self, letter_id: str, source: Status, target: Status, now: dt.datetime, **changes: str) -> None:
        """Move a letter from `source` to `target` iff it is in `source` now; else TransitionRefused."""
        check_move(letter_id, source, target)
        names = {"#status": "status", "#updated": "updated_at"}
        values: dict[str, Any] = {":from": source.value, ":to": target.value, ":now": iso(now)}
        sets = ["#status = :to", "#updated = :now"]
        for i, (name, value) in enumerate(changes.items()):
            names[f"#f{i}"], values[f":v{i}"] = name, value
            sets.append(f"#f{i} = :v{i}")
        from botocore.exceptions import ClientError

        try:
            self._table.update_item(
                Key=letter_key(letter_id),
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression="attribute_exists(pk) AND #status = :from",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            current = exc.response.get("Item", {}).get("status", {}).get("S")
            raise TransitionRefused(letter_id, target, current) from None

    def forget_unsent(self, letter_id: str) -> None:
        """Remove a letter that was never handed to the queue (undo of create); a no-op for any other state."""
        from botocore.exceptions import ClientError

        try:
            self._table.delete_item(Key=letter_key(letter_id), ConditionExpression="#status = :queued",
                                    ExpressionAttributeNames={"#status": "status"},
                                    ExpressionAttributeValues={":queued": Status.QUEUED.value})
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

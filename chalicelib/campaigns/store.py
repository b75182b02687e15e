"""Campaigns built in the console, versioned in DynamoDB: one draft, numbered published versions, the live pointer,
and a history of who changed what and when.

    pk "CAMPAIGN_DEF#<slug>"  sk "DRAFT"              the draft being edited: document, revision, updated_at/by
                              sk "VERSION#000001"     a published version (never changed): document, at, by, action
                              sk "HISTORY#<at>#<n>"   one line of history: action, who, at, version, changed fields
    pk "CAMPAIGN_LIVE"        sk "<slug>"             the live version: its number and a copy of its document

Every live campaign is one item of one small partition, so the public routes read them all with one Query
(campaigns/live.py caches it). Publishing is one transaction: the new version, the live pointer (on condition that
it still names the version the organiser published over) and the history line all change, or none does.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from chalicelib.errors import StateConflict
from chalicelib.storage.conditional import transacted
from chalicelib.storage.paged_query import query_all

LIVE_PK = "CAMPAIGN_LIVE"
DRAFT_SK = "DRAFT"
VERSION = "VERSION#"
HISTORY = "HISTORY#"


def definition_pk(slug: str) -> str:
    return f"CAMPAIGN_DEF#{slug}"


def version_sk(number: int) -> str:
    return f"{VERSION}{number:06d}"


@dataclass(frozen=True)
class Change:
    """One line of the history: who did what, when, to which fields."""

    action: str  # "import" (the campaign file, as version 1), "save" (the draft), "publish", "close"
    actor: str
    at: str
    version: int | None = None
    changed: tuple[str, ...] = ()

    def item(self, slug: str) -> dict[str, Any]:
        item: dict[str, Any] = {
            "pk": definition_pk(slug),
            "sk": f"{HISTORY}{self.at}#{secrets.token_hex(3)}",
            "action": self.action,
            "actor": self.actor,
            "at": self.at,
            "changed": list(self.changed),
        }
        if self.version is not None:
            item["version"] = self.version
        return item

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> "Change":
        version = item.get("version")
        return cls(item["action"], item["actor"], item["at"], int(version) if version is not None else None,
                   tuple(item.get("changed", ())))  # fmt: skip


@dataclass(frozen=True)
class Record:
    """Everything stored about one campaign: draft, versions (oldest first) and history (newest first)."""

    draft: dict[str, Any] | None
    versions: list[dict[str, Any]]
    history: list[Change]

    @property
    def live_version(self) -> int:
        return int(self.versions[-1]["version"]) if self.versions else 0


class CampaignStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    def live_items(self) -> list[dict[str, Any]]:
        """Every live campaign: {slug, version, document}; one Query."""
        from boto3.dynamodb.conditions import Key

        items = query_all(self._table, KeyConditionExpression=Key("pk").eq(LIVE_PK))
        return [{"slug": i["sk"], "version": int(i["version"]), "document": json.loads(i["document"])} for i in items]

    def record(self, slug: str) -> Record:
        from boto3.dynamodb.conditions import Key

        items = query_all(self._table, KeyConditionExpression=Key("pk").eq(definition_pk(slug)), ConsistentRead=True)
        draft = next((i for i in items if i["sk"] == DRAFT_SK), None)
        versions = [_version(i) for i in items if i["sk"].startswith(VERSION)]
        history = [Change.from_item(i) for i in items if i["sk"].startswith(HISTORY)]
        return Record(
            draft=_draft(draft) if draft else None,
            versions=sorted(versions, key=lambda v: v["version"]),
            history=sorted(history, key=lambda c: c.at, reverse=True),
        )

    def save_draft(self, slug: str, document: Mapping[str, Any], revision: int, change: Change) -> int:
        """Store the draft over `revision` (0: there is none yet); the new revision, or StateConflict if someone
        saved in between (their work is not overwritten)."""
        condition = (
            {"ConditionExpression": "attribute_not_exists(pk)"}
            if revision == 0
            else {"ConditionExpression": "revision = :revision", "ExpressionAttributeValues": {":revision": revision}}
        )
        draft = {
            "pk": definition_pk(slug),
            "sk": DRAFT_SK,
            "document": json.dumps(document, ensure_ascii=False, sort_keys=True),
            "revision": revision + 1,
            "updated_at": change.at,
            "updated_by": change.actor,
        }
        self._transact([{"Put": {"Item": draft, **condition}}, {"Put": {"Item": change.item(slug)}}], "saved")
        return revision + 1

    def publish(
        self,
        slug: str,
        document: Mapping[str, Any],
        over: int,
        change: Change,
        first: tuple[dict, Change] | None = None,
    ) -> int:
        """Make `document` the live version over version `over` (0: none yet), in one transaction; its number.
        `first`: the campaign file's document and its "import" line, stored as version 1 in the same transaction."""
        writes: list[dict[str, Any]] = []
        number = over + 1
        if first is not None:  # only ever over nothing: version 1 is the file, the organiser's work is version 2
            writes += self._version_writes(slug, first[0], number, first[1])
            number += 1
        writes += self._version_writes(slug, document, number, change)
        live = {
            "pk": LIVE_PK,
            "sk": slug,
            "version": number,
            "document": json.dumps(document, ensure_ascii=False, sort_keys=True),
            "published_at": change.at,
            "published_by": change.actor,
        }
        condition = (
            {"ConditionExpression": "attribute_not_exists(pk)"}
            if over == 0
            else {"ConditionExpression": "version = :over", "ExpressionAttributeValues": {":over": over}}
        )
        writes.append({"Put": {"Item": live, **condition}})
        self._transact(writes, "published")
        return number

    def _version_writes(self, slug: str, document: Mapping[str, Any], number: int, change: Change) -> list[dict]:
        change = Change(change.action, change.actor, change.at, number, change.changed)
        version = {
            "pk": definition_pk(slug),
            "sk": version_sk(number),
            "version": number,
            "document": json.dumps(document, ensure_ascii=False, sort_keys=True),
            "action": change.action,
            "at": change.at,
            "by": change.actor,
        }
        return [
            {"Put": {"Item": version, "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"Item": change.item(slug)}},
        ]

    def _transact(self, writes: Sequence[dict[str, Any]], what: str) -> None:
        for write in writes:
            write["Put"]["TableName"] = self._table.name
        if not transacted(self._table, writes):
            raise StateConflict(
                f"Someone else {what} this campaign a moment ago: reload it to see their change, then try again."
            )


def now_iso(now: dt.datetime) -> str:
    return now.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _draft(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "document": json.loads(item["document"]),
        "revision": int(item["revision"]),
        "updated_at": item["updated_at"],
        "updated_by": item["updated_by"],
    }


def _version(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "version": int(item["version"]),
        "document": json.loads(item["document"]),
        "action": item["action"],
        "at": item["at"],
        "by": item["by"],
    }

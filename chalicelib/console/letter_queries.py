"""The organiser's log of a campaign: filtered, newest first, in pages; always a Query on a log index, never a Scan.

Which index serves which filter (keys in letter_log.py, both sorted on "<created_at>#<letter_id>"):
- `country` given: `by-campaign-country`, so only that country's letters are read;
- otherwise `by-campaign`.
The date range is a key condition on the sort key, so it narrows the read too. Status and partner are
FilterExpressions: DynamoDB reads the index entries in the range and returns the matching ones.

Trade-off: a rare status or partner over a long range reads many index entries (each ~150 bytes, ~27 per
read unit) for few letters. Each request therefore reads at most READ_BUDGET entries per shard and then
answers with what it found and a cursor: a page may be short, even empty, while `next_cursor` is not null.
Indexes keyed on status or partner would make these reads exact but cost more index writes on every move of
every letter; the stats counters already answer "how many".

Both indexes are sharded (write_shards.py): a page merges the shards' newest-first streams, reading each a
few entries at a time. The cursor is the sort key of the last letter seen and the next page continues
strictly below it on every shard, so each letter comes exactly once, in order, even while letters arrive.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import heapq
import re
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Iterator, Mapping

from chalicelib.directory import Directory
from chalicelib.errors import InvalidField, NotFound
from chalicelib.front_door.fields import PARTNER_RE
from chalicelib.letters.letter import (
    CAMPAIGN_INDEX,
    CAMPAIGN_PK,
    COUNTRY_INDEX,
    COUNTRY_PK,
    LOG_SK,
    campaign_partition,
    country_partition,
    letter_key,
)
from chalicelib.letters.states import Status
from chalicelib.storage.batch_reads import batch_get
from chalicelib.storage.write_shards import LOG_SHARDS

ROW_FIELDS = (
    "letter_id",
    "campaign",
    "created_at",
    "updated_at",
    "status",
    "country",
    "partner",
    "target_set",
    "target_name",
    "address_origin",
    "language",
    "supporter_name",
    "supporter_email",
    "failure_reason",
)
# What the per-letter view adds: the timeline its moves recorded (letters/log.py), and what SES said.
DETAIL_FIELDS = (
    "history",
    "reminded_at",
    "confirmed_at",
    "ses_message_id",
    "delivered_at",
    "waiting_reason",
    "waiting_until",
)
MAX_PAGE = 100
READ_BUDGET = 1_000  # index entries per shard per request when status or partner filters
FILTERED_CHUNK = 250
PAGE_CHUNK = 25  # ~27 index entries fit in the 4 KB a Query's smallest charge covers: reading 25 costs as much as 1
EXPORT_CHUNK = 1_000
LOWEST, HIGHEST = "0", "~"  # below and above every "<created_at>#<letter_id>"
SORT_KEY_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z#[0-9a-f-]{36}$")
DATE_RE = re.compile(r"^\d{4}-\d\d-\d\d$")


@dataclass(frozen=True)
class LetterFilter:
    country: str | None = None  # ISO alpha-2
    status: str | None = None
    partner: str | None = None
    since: str | None = None  # first UTC day, YYYY-MM-DD, inclusive
    until: str | None = None  # last UTC day, inclusive

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


@dataclass(frozen=True)
class LogPage:
    entries: list[dict[str, Any]]  # index entries (letter_log.LOG_INDEX_FIELDS), newest first
    next_cursor: str | None


def parse_filter(params: Mapping[str, str], directory: Directory) -> LetterFilter:
    """The filters of a request's query string (`country`, `status`, `partner`, `from`, `to`); InvalidField if bad."""
    country = params.get("country") or None
    if country:
        try:
            country = directory.country(country).alpha2
        except NotFound as exc:
            raise InvalidField("country", exc.message) from None
    status = params.get("status") or None
    if status and status not in {s.value for s in Status}:
        raise InvalidField("status", f"Unknown status {status!r}: use one of {', '.join(s.value for s in Status)}.")
    partner = params.get("partner") or None
    if partner and (len(partner) > 40 or not PARTNER_RE.match(partner)):
        raise InvalidField("partner", "A partner code uses only letters, digits, '-' and '_' (at most 40).")
    since, until = (_day(params, name) for name in ("from", "to"))
    if since and until and since > until:
        raise InvalidField("from", "`from` is after `to`.")
    return LetterFilter(country=country, status=status, partner=partner, since=since, until=until)


def _day(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name) or None
    if value is None:
        return None
    try:
        if not DATE_RE.match(value):
            raise ValueError
        dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidField(name, f"`{name}` must be a date such as 2026-11-26 (a UTC day).") from None
    return value


def parse_limit(value: str | None, default: int = 50) -> int:
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise InvalidField("limit", f"`limit` must be a whole number from 1 to {MAX_PAGE}.")
    return int(value)


def encode_cursor(sort_key: str) -> str:
    return base64.urlsafe_b64encode(sort_key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        sort_key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        sort_key = ""
    if not SORT_KEY_RE.match(sort_key):
        raise InvalidField("cursor", "This cursor is not one we handed out; start again without it.")
    return sort_key


@dataclass(frozen=True)
class _Stop:
    """A shard's read ran out of budget here: every entry above this sort key was read."""

    sort_key: str


def _sort_key(entry: dict[str, Any] | _Stop) -> str:
    return entry.sort_key if isinstance(entry, _Stop) else entry[LOG_SK]


class LetterQueries:
    def __init__(self, table: Any) -> None:
        self._table = table

    def page(self, campaign: str, filters: LetterFilter, *, limit: int, cursor: str | None = None) -> LogPage:
        """Up to `limit` letters strictly older than `cursor` (a sort key); next_cursor is None at the end."""
        filtered = bool(filters.status or filters.partner)
        chunk = FILTERED_CHUNK if filtered else max(PAGE_CHUNK, limit // LOG_SHARDS + 2)
        entries: list[dict[str, Any]] = []
        for entry in self._merged(campaign, filters, cursor, chunk, max(1, READ_BUDGET // chunk)):
            if isinstance(entry, _Stop):
                return LogPage(entries, encode_cursor(entry.sort_key))
            if len(entries) == limit:
                return LogPage(entries, encode_cursor(entries[-1][LOG_SK]))
            entries.append(entry)
        return LogPage(entries, None)

    def bounded_entries(
        self, campaign: str, filters: LetterFilter, calls_per_shard: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Matching index entries, newest first, reading each shard at most `calls_per_shard` times (in large
        chunks); and None if that was all of them, else the sort key from which on (newer) the list is complete."""
        entries: list[dict[str, Any]] = []
        complete_from = None
        for entry in self._merged(campaign, filters, None, EXPORT_CHUNK, calls_per_shard):
            if isinstance(entry, _Stop):
                complete_from = entry.sort_key  # every shard is complete above the first stop met, newest first
                break
            entries.append(entry)
        return entries, complete_from

    def all_entries(self, campaign: str, filters: LetterFilter) -> Iterator[dict[str, Any]]:
        """Every matching letter, newest first, read in large chunks (exports)."""
        return self._merged(campaign, filters, None, EXPORT_CHUNK, None)  # type: ignore[return-value]

    def _merged(
        self, campaign: str, filters: LetterFilter, before: str | None, chunk: int, max_calls: int | None
    ) -> Iterator[dict[str, Any] | _Stop]:
        low = filters.since or LOWEST
        high = f"{filters.until}~" if filters.until else HIGHEST
        if before is not None:
            high = min(high, before)
        if low > high:
            return iter(())
        if filters.country:
            index, pk_name = COUNTRY_INDEX, COUNTRY_PK
            partitions = [country_partition(campaign, filters.country, s) for s in range(LOG_SHARDS)]
        else:
            index, pk_name = CAMPAIGN_INDEX, CAMPAIGN_PK
            partitions = [campaign_partition(campaign, s) for s in range(LOG_SHARDS)]
        query = {
            "IndexName": index,
            "ScanIndexForward": False,
            "Limit": chunk,
            "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :low AND :high",
            "ExpressionAttributeNames": {"#pk": pk_name, "#sk": LOG_SK},
            "ExpressionAttributeValues": {":low": low, ":high": high},
        }
        conditions = []
        for name, value in (("status", filters.status), ("partner", filters.partner)):
            if value:
                conditions.append(f"#{name} = :{name}")
                query["ExpressionAttributeNames"][f"#{name}"] = name
                query["ExpressionAttributeValues"][f":{name}"] = value
        if conditions:
            query["FilterExpression"] = " AND ".join(conditions)
        streams = [self._shard(query, pk, before, max_calls) for pk in partitions]
        return heapq.merge(*streams, key=_sort_key, reverse=True)

    def _shard(
        self, query: dict[str, Any], pk: str, before: str | None, max_calls: int | None
    ) -> Iterator[dict[str, Any] | _Stop]:
        kwargs = {**query, "ExpressionAttributeValues": {**query["ExpressionAttributeValues"], ":pk": pk}}
        calls = 0
        while True:
            page = self._table.query(**kwargs)
            calls += 1
            yield from (item for item in page["Items"] if item[LOG_SK] != before)  # BETWEEN is inclusive
            last = page.get("LastEvaluatedKey")
            if not last:
                return
            if max_calls is not None and calls >= max_calls:
                yield _Stop(last[LOG_SK])
                return
            kwargs["ExclusiveStartKey"] = last

    def letter(self, letter_id: str) -> dict[str, Any] | None:
        """One letter's row fields, timeline and SES fields (the per-letter view); None if there is none."""
        names = {f"#f{n}": name for n, name in enumerate((*ROW_FIELDS, *DETAIL_FIELDS))}
        return self._table.get_item(
            Key=letter_key(letter_id), ProjectionExpression=", ".join(names), ExpressionAttributeNames=names
        ).get("Item")

    def letters(self, letter_ids: Iterable[str]) -> list[dict[str, Any]]:
        """The letters' row fields from the table (the indexes hold no personal data), in the order asked;
        letters deleted meanwhile (TTL) are left out."""
        ids = list(letter_ids)
        found = {item["letter_id"]: item for item in batch_get(self._table, [letter_key(i) for i in ids], ROW_FIELDS)}
        return [found[i] for i in ids if i in found]

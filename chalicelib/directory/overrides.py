"""Target overrides: a campaign's own files, and organisers' corrections stored in DynamoDB (below).

Per-campaign: templates/campaigns/<slug>/targets/<set>.csv, same columns as the shared files. A row names a country (alpha2) and fills in only what differs for this campaign (for example a particular
diplomat as addressee, with the page that lists their address as source). Empty cells keep the shared value.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from chalicelib.clock import iso
from chalicelib.directory.index import Directory, Overrides
from chalicelib.directory.records import DIRECTORY_SETS, TARGET_COLUMNS, read_table
from chalicelib.directory.validation import (
    Problem,
    check_targets,
    email_problem,
    known_countries,
    unsafe_text,
    url_problem,
)
from chalicelib.errors import InvalidField, StateConflict
from chalicelib.storage.conditional import transacted
from chalicelib.storage.snapshots import Snapshot


def override_files(campaign_folder: Path) -> list[Path]:
    folder = campaign_folder / "targets"
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def load_overrides(campaign_folder: Path, data_dir: Path, today: dt.date) -> tuple[Overrides, list[Problem]]:
    """The campaign's overrides by set and country, and every problem in its override files."""
    overrides: dict[str, dict[str, dict[str, str]]] = {}
    problems: list[Problem] = []
    files = override_files(campaign_folder)
    countries = known_countries(data_dir) if files else {}
    for path in files:
        target_set = path.stem
        if target_set not in DIRECTORY_SETS:
            problems.append(
                Problem(
                    path,
                    None,
                    "-",
                    f"unknown target set {target_set!r}: name the file after one of {', '.join(DIRECTORY_SETS)}",
                )
            )
            continue
        table = read_table(path)
        found = check_targets(table, countries, complete=False, partial=True, today=today)
        problems += found
        if not found:
            overrides[target_set] = {
                row.cells["alpha2"]: {k: v for k, v in row.cells.items() if k in TARGET_COLUMNS} for row in table.rows
            }
    return overrides, problems


# --- organisers' stored corrections ------------------------------------------------------------------------
#
# An organiser corrects or adds a target's address between two deploys: the correction is kept in DynamoDB
# (pk "DIRECTORY_OVERRIDE", sk "<set>#<alpha2>"), applied over the shared row by every Directory that
# Services builds, and audited (pk "DIRECTORY_AUDIT"): who, when, the address before and after. Each container
# reads all corrections at most every CACHE_SECONDS (one Query); `directory export --overrides` writes them
# into the set's CSV for a pull request, after which they can be cleared.

STORED_PK = "DIRECTORY_OVERRIDE"
AUDIT_PK = "DIRECTORY_AUDIT"
CACHE_SECONDS = 60.0
# Domains that can never reach anyone (RFC 2606, RFC 6761): a placeholder is not a correction.
RESERVED_TLDS = ("invalid", "test", "example", "localhost", "local")
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
# The evidence an exported correction carries, so that `validate` derives the kind the organiser gave.
_KIND_FLAGS = {
    "general": "",
    "free-mail": "",
    "registry": "; FLAG: registry inbox",
    "desk": "; FLAG: desk address",
    "role-unknown": "; FLAG: purpose of the address not stated",
}


@dataclass(frozen=True)
class Correction:
    target_set: str
    country: str
    email: str
    address_kind: str
    source: str
    set_by: str
    set_at: str
    note: str = ""
    version: int = 1

    def cells(self) -> dict[str, str]:
        """What it changes in the target, as an override row's cells (never verified: nobody checked it yet)."""
        return {"email": self.email, "address_kind": self.address_kind, "source": self.source, "verified": "false"}

    def evidence(self) -> str:
        return f"organiser correction by {self.set_by} on {self.set_at[:10]}{_KIND_FLAGS[self.address_kind]}"

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> "Correction":
        return cls(**{f: item[f] for f in _CORRECTION_FIELDS if f in item} | {"version": int(item.get("version", 1))})


_CORRECTION_FIELDS = ("target_set", "country", "email", "address_kind", "source", "set_by", "set_at", "note")


def stored_key(target_set: str, alpha2: str) -> dict[str, str]:
    return {"pk": STORED_PK, "sk": f"{target_set}#{alpha2}"}


def _field(name: str, value: Any, *, required: bool = True, limit: int = 500) -> str:
    """One organiser-given field: text, on one line (checked before trimming), not empty if required."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidField(name, f"{name} must be text.")
    reason = unsafe_text(value)
    if reason:
        raise InvalidField(name, f"{name} {reason}.")
    value = value.strip()
    if required and not value:
        raise InvalidField(name, f"{name} is required.")
    if len(value) > limit:
        raise InvalidField(name, f"{name} is longer than {limit} characters.")
    return value


def reserved_domain(email: str) -> bool:
    domain = email.rpartition("@")[2].lower().rstrip(".")
    return domain.rsplit(".", 1)[-1] in RESERVED_TLDS or any(
        domain == d or domain.endswith("." + d) for d in RESERVED_DOMAINS
    )


def which_target(directory: Directory, target_set: Any, country: Any) -> tuple[str, str]:
    """(set, alpha2) of a known set and country, or InvalidField naming the unknown one."""
    target_set = _field("target_set", target_set)
    if target_set not in DIRECTORY_SETS:
        raise InvalidField("target_set", f"Unknown target set {target_set!r}: use one of {', '.join(DIRECTORY_SETS)}.")
    found = directory.find_country(_field("country", country, limit=100))
    if found is None:
        raise InvalidField("country", f"Unknown country {country!r}: use an ISO code such as 'KE' or a name.")
    return target_set, found.alpha2


def check_correction(
    directory: Directory, target_set: Any, country: Any, email: Any, address_kind: Any, source: Any, note: Any = ""
) -> tuple[str, str, dict[str, str]]:
    """(set, alpha2, the checked fields), or InvalidField naming the first bad field."""
    from chalicelib.directory.address_kinds import ADDRESS_KINDS
    from chalicelib.directory.address_kinds import address_kind as kind_of

    target_set, alpha2 = which_target(directory, target_set, country)
    email = _field("email", email, limit=254)
    reason = email_problem(email)
    if reason:
        raise InvalidField("email", f"The email is {reason}.")
    if reserved_domain(email):
        raise InvalidField("email", f"{email} is on a reserved or placeholder domain: it can never reach anyone.")
    kind = _field("address_kind", address_kind, limit=20)
    if kind not in ADDRESS_KINDS:
        raise InvalidField("address_kind", f"Unknown address kind {kind!r}: use one of {', '.join(ADDRESS_KINDS)}.")
    derived = kind_of(email, "organiser correction" + _KIND_FLAGS[kind])
    if derived != kind:
        raise InvalidField(
            "address_kind", f"{email} is a {derived} address (chalicelib/directory/address_kinds.py), not {kind}."
        )
    source = _field("source", source, limit=1000)
    if url_problem(source) or not source.lower().startswith("https://"):
        raise InvalidField("source", f"The source must be the https:// page that publishes {email}, not {source!r}.")
    fields = {"email": email, "address_kind": kind, "source": source, "note": _field("note", note, required=False)}
    return target_set, alpha2, fields


class StoredOverrides:
    """Organisers' corrections in DynamoDB: read from a per-container snapshot, written with their audit record."""

    def __init__(
        self,
        table: Any,
        clock: Callable[[], dt.datetime],
        shared: Directory,
        *,
        cache_seconds: float = CACHE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._table, self._clock, self._shared = table, clock, shared
        self._snapshot = Snapshot(
            lambda: {(c.target_set, c.country): c.cells() for c in self.all()},
            empty={},
            seconds=cache_seconds,
            monotonic=monotonic,
            what="the organisers' directory corrections",
        )

    def cells(self, target_set: str, alpha2: str) -> Mapping[str, str] | None:
        """The correction in effect for this target, from the snapshot (at most `cache_seconds` old)."""
        return self._snapshot.get().get((target_set, alpha2))

    def all(self) -> list[Correction]:
        items = _partition(self._table, STORED_PK)
        return sorted((Correction.from_item(i) for i in items), key=lambda c: (c.target_set, c.country))

    def get(self, target_set: str, alpha2: str) -> Correction | None:
        item = self._table.get_item(Key=stored_key(target_set, alpha2), ConsistentRead=True).get("Item")
        return Correction.from_item(item) if item else None

    def set(
        self,
        who: str,
        target_set: Any,
        country: Any,
        *,
        email: Any,
        address_kind: Any,
        source: Any,
        note: Any = "",
    ) -> dict[str, Any]:
        """Correct one target's address; returns the audit record. Nothing is written if any field is bad."""
        target_set, alpha2, fields = check_correction(
            self._shared, target_set, country, email, address_kind, source, note
        )
        old = self.get(target_set, alpha2)
        now = iso(self._clock())
        new = Correction(target_set, alpha2, set_by=who, set_at=now, version=(old.version + 1 if old else 1), **fields)
        item = {**stored_key(target_set, alpha2), **new.__dict__}
        write = {"Put": {"TableName": self._table.name, "Item": item, **self._unchanged_since(old)}}
        return self._write(write, "set", who, now, old, new, fields["note"])

    def clear(self, who: str, target_set: Any, country: Any, *, note: Any = "") -> dict[str, Any] | None:
        """Remove a correction (the shared row applies again); None if there was none."""
        target_set, alpha2 = which_target(self._shared, target_set, country)
        old = self.get(target_set, alpha2)
        if old is None:
            return None
        write = {"Delete": {"TableName": self._table.name, "Key": stored_key(target_set, alpha2)}}
        write["Delete"].update(self._unchanged_since(old))
        return self._write(write, "clear", who, iso(self._clock()), old, None, _field("note", note, required=False))

    def history(self, target_set: str | None = None, country: str | None = None, limit: int = 100) -> list[dict]:
        """The audit records, newest first, for one set and/or country if given."""
        items = _partition(self._table, AUDIT_PK, newest_first=True)
        chosen = [
            {k: v for k, v in i.items() if k not in ("pk", "sk")}
            for i in items
            if (target_set is None or i["target_set"] == target_set) and (country is None or i["country"] == country)
        ]
        return chosen[:limit]

    def _unchanged_since(self, old: Correction | None) -> dict[str, Any]:
        if old is None:
            return {"ConditionExpression": "attribute_not_exists(pk)"}
        return {"ConditionExpression": "version = :v", "ExpressionAttributeValues": {":v": old.version}}

    def _address(self, correction: Correction | None, target_set: str, alpha2: str) -> dict[str, str]:
        target = self._shared.shared_target(target_set, alpha2)
        if correction is not None:
            return {"email": correction.email, "address_kind": correction.address_kind, "source": correction.source}
        return {"email": target.email or "", "address_kind": target.address_kind, "source": target.source}

    def _write(
        self,
        write: dict[str, Any],
        action: str,
        who: str,
        now: str,
        old: Correction | None,
        new: Correction | None,
        note: str,
    ) -> dict[str, Any]:
        """The change and its audit record in one transaction: both or neither."""
        changed = new or old
        assert changed is not None
        target_set, alpha2 = changed.target_set, changed.country
        record = {
            "action": action,
            "who": who,
            "at": now,
            "target_set": target_set,
            "country": alpha2,
            "old": self._address(old, target_set, alpha2),
            "new": self._address(new, target_set, alpha2),
            "note": note,
        }
        audit = {"pk": AUDIT_PK, "sk": f"{now}#{target_set}#{alpha2}#{uuid.uuid4().hex[:8]}", **record}
        if not transacted(self._table, [write, {"Put": {"TableName": self._table.name, "Item": audit}}]):
            raise StateConflict(
                f"The {target_set} address for {alpha2} was changed by someone else meanwhile; reload and try again."
            )
        self._snapshot.invalidate()
        return record


def _partition(table: Any, pk: str, *, newest_first: bool = False) -> list[dict[str, Any]]:
    from boto3.dynamodb.conditions import Key

    from chalicelib.storage.paged_query import query_all

    # Key(...), not a string expression: the in-memory twin the benchmarks and the soak run on reads only that
    return query_all(table, KeyConditionExpression=Key("pk").eq(pk), ScanIndexForward=not newest_first)

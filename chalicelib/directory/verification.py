"""Keeping the directory checked: marking a row verified (who, when, how) and listing the rows due a re-check.

Verifying means someone confirmed the row's facts on its own `source` page (or by an answer from the address):
the row keeps its source; to cite another page, import the row with it instead (its facts are then unverified
until checked). Only the shared CSV files are verified; organisers' stored corrections are unverified until
they are exported into the files (overrides.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable

from chalicelib.directory.records import DIRECTORY_SETS, read_table, target_columns, target_set_path, write_csv
from chalicelib.directory.validation import unsafe_text
from chalicelib.errors import InvalidField


def _text(name: str, value: str) -> str:
    reason = unsafe_text(value)
    if reason:
        raise InvalidField(name, f"{name} {reason}.")
    value = value.strip()
    if not value:
        raise InvalidField(name, f"{name} is required: say {'who you are' if name == 'by' else 'how you checked'}.")
    return value


def verify_row(
    data_dir: Path, target_set: str, alpha2: str, *, by: str, how: str, today: dt.date, source: str = ""
) -> dict[str, str]:
    """Mark one row of the set verified today, by `by`, `how`; the file is rewritten in one step. `source`, if
    given, must be the row's own (the page the facts were checked on)."""
    if target_set not in DIRECTORY_SETS:
        raise InvalidField("target_set", f"Unknown target set {target_set!r}: use one of {', '.join(DIRECTORY_SETS)}.")
    by, how = _text("by", by), _text("how", how)
    path = target_set_path(data_dir, target_set)
    rows = [dict(row.cells) for row in read_table(path).rows]
    row = next((r for r in rows if r.get("alpha2") == alpha2), None)
    if row is None:
        raise InvalidField("country", f"{target_set} has no row for {alpha2}.")
    if not any(row.get(f) for f in ("email", "contact_form_url", "website")):
        raise InvalidField("country", f"The {target_set} row for {alpha2} has no address to verify.")
    if not row.get("source"):
        raise InvalidField(
            "source", f"The {target_set} row for {alpha2} cites no source page: import one with its facts first."
        )
    if source and source.strip() != row["source"]:
        raise InvalidField(
            "source",
            f"The row's source is {row['source']}: verify the facts on that page. To cite another page, import "
            "the row with it (its facts are then unverified until checked).",
        )
    row.update(verified="true", verified_on=today.isoformat(), verified_by=by, verified_how=how)
    write_csv(path, target_columns(rows), rows)
    return row


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it has fewer days)."""
    import calendar

    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def stale_rows(
    data_dir: Path, *, checked_since: dt.date, today: dt.date, sets: Iterable[str] = DIRECTORY_SETS
) -> list[dict[str, Any]]:
    """Rows with an email not verified on or after `checked_since` (never verified, or earlier), oldest first."""
    due = []
    for target_set in sets:
        for row in read_table(target_set_path(data_dir, target_set)).rows:
            c = row.cells
            if not c.get("email"):
                continue
            on = c.get("verified_on", "") if c.get("verified") == "true" else ""
            if on and dt.date.fromisoformat(on) >= checked_since:
                continue
            due.append(
                {
                    "target_set": target_set,
                    "country": c["alpha2"],
                    "email": c["email"],
                    "address_kind": c.get("address_kind", "") or None,
                    "source": c.get("source", "") or None,
                    "verified_on": on or None,
                    "days_since": (today - dt.date.fromisoformat(on)).days if on else None,
                }
            )
    return sorted(due, key=lambda r: (r["verified_on"] or "", r["target_set"], r["country"]))

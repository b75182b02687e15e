"""Importing an organiser's CSV into a target set: good rows are merged, bad rows are refused with their reasons.

The file may hold any of the target columns; the key is `alpha2`, or `country` (any code or name);
`contact_form` may stand for `contact_form_url`, and a `target_set` column picks the rows for the set. An empty
cell keeps the current value. A row that conflicts with the current one (leads.py) is not merged but kept as a
lead for review, unless the organiser asks to `replace`. A row that changes a fact without saying it was
verified becomes unverified. An email's `address_kind` is derived from its evidence (address_kinds.py).
The set file is rewritten in one step, and only if something changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from chalicelib.directory.address_kinds import address_kind
from chalicelib.directory.index import country_names, lookup_key
from chalicelib.directory.leads import conflicts, filled_facts
from chalicelib.directory.records import (
    TARGET_COLUMNS,
    TARGET_FACTS,
    Row,
    Table,
    countries_path,
    leads_path,
    read_table,
    target_columns,
    target_set_path,
    write_csv,
)
from chalicelib.directory.validation import Problem, check_header, check_target_row

Progress = Callable[[int, int], None]
# Other names for target columns, as files from elsewhere spell them.
COLUMN_ALIASES = {"contact_form": "contact_form_url"}
PROVENANCE = ("source", "license", "evidence")


class ImportRefused(Exception):
    """The file as a whole cannot be read as a target list (its header): nothing was imported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)  # one or more per refused row
    leads: list[Problem] = field(default_factory=list)  # rows kept for review: one per conflicting column
    written: bool = False

    def summary(self) -> str:
        refused_rows = len({p.row for p in self.rejected})
        text = (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.unchanged)} unchanged, "
            f"{refused_rows} rejected"
        )
        lead_rows = len({p.row for p in self.leads})
        return text + (f", {lead_rows} kept as leads (conflicts)" if lead_rows else "")


def _for_set(table: Table, target_set: str) -> Table:
    """The table with aliased columns renamed and, if it has a `target_set` column, only that set's rows."""
    header = tuple(COLUMN_ALIASES.get(name, name) for name in table.header)
    rows = []
    for row in table.rows:
        if "target_set" in table.header and row.cells.get("target_set") != target_set:
            continue
        cells = {COLUMN_ALIASES.get(k, k): v for k, v in row.cells.items() if k != "target_set"}
        rows.append(Row(row.number, cells, row.extra, row.missing))
    return Table(table.path, tuple(h for h in header if h != "target_set"), tuple(rows))


def _keyed(table: Table, data_dir: Path) -> tuple[Table, list[Problem]]:
    """The table with `alpha2` filled from a `country` column (code or name) when the file uses one."""
    if "country" not in table.header:
        return table, []
    if "alpha2" in table.header:
        return table, [Problem(table.path, 1, "country", "use either an alpha2 or a country column, not both")]
    names = {}
    for row in read_table(countries_path(data_dir)).rows:
        for name in country_names(row.cells):
            names.setdefault(lookup_key(name), row.cells["alpha2"])
    rows, problems = [], []
    for row in table.rows:
        given = row.cells["country"]
        alpha2 = names.get(lookup_key(given), "")
        if given and not alpha2:
            problems.append(Problem(table.path, row.number, "country", f"unknown country {given!r}"))
            continue
        cells = {k: v for k, v in row.cells.items() if k != "country"}
        rows.append(Row(row.number, {"alpha2": alpha2, **cells}, row.extra, row.missing))
    header = ("alpha2", *(h for h in table.header if h != "country"))
    return Table(table.path, header, tuple(rows)), problems


def merge_row(current: dict[str, str] | None, update: dict[str, str], *, replace: bool = True) -> dict[str, str]:
    """The set's row after `update`, changed facts without a verification unverify it.

    `replace`: non-empty cells replace. Otherwise (a lead that does not conflict) facts only fill empty cells,
    and the lead's source and evidence are taken when it fills one or the row cites no source yet.
    """
    blank = {name: "" for name in TARGET_COLUMNS}
    merged = {**blank, **(current or {})}
    given = {k: v for k, v in update.items() if v}
    if replace or current is None:
        merged.update(given)
    else:
        if filled_facts(merged, given) or merged["source"] in ("", given.get("source")):
            merged.update({k: v for k, v in given.items() if k in PROVENANCE})
        merged.update({k: v for k, v in given.items() if k in TARGET_FACTS and not merged[k]})
    if not merged["email"]:
        merged["address_kind"] = ""
    elif "address_kind" in given:
        merged["address_kind"] = given["address_kind"]
    elif given.get("email") or given.get("evidence"):
        merged["address_kind"] = address_kind(merged["email"], merged["evidence"])
    facts_changed = any(merged[f] != (current or {}).get(f, "") for f in TARGET_FACTS)
    if facts_changed and not update.get("verified"):
        merged.update(verified="false", verified_on="", verified_by="", verified_how="")
    if not merged["verified"]:
        merged["verified"] = "false"
    return merged


def import_file(
    path: Path,
    target_set: str,
    data_dir: Path,
    today: dt.date,
    *,
    dry_run: bool = False,
    replace: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Merge `path` into `target_set`; raises ImportRefused if its header is unusable, else reports every row.

    A row in conflict with the set (or with an earlier row of the file) is kept as a lead, unless `replace`
    (the organiser's decision) lets it overwrite the set's current values.
    """
    table, key_problems = _keyed(_for_set(read_table(path), target_set), data_dir)
    header_problems = check_header(table, TARGET_COLUMNS, partial=True) + [p for p in key_problems if p.row == 1]
    if header_problems:
        raise ImportRefused(header_problems)

    set_path = target_set_path(data_dir, target_set)
    existing = {row.cells["alpha2"]: dict(row.cells) for row in read_table(set_path).rows}
    countries = {row.cells["alpha2"]: row.number for row in read_table(countries_path(data_dir)).rows}
    report = ImportReport(rejected=key_problems)
    result = {alpha2: dict(cells) for alpha2, cells in existing.items()}
    first_row: dict[str, int] = {}
    leads: list[dict[str, str]] = []
    for done, row in enumerate(table.rows, start=1):
        if progress:
            progress(done, len(table.rows))
        problems = check_target_row(path, row, countries, partial=True, today=today)
        alpha2 = row.cells.get("alpha2", "")
        update = {k: v for k, v in row.cells.items() if k in TARGET_COLUMNS}
        if problems:
            report.rejected += problems
            continue
        again = alpha2 in first_row  # an earlier row of this file set it: never replaced by a later one
        current = result.get(alpha2) if again or not replace else None
        clash = conflicts(current, update) if current else []
        if clash:
            why = f"row {first_row[alpha2]} of this file" if again else "the current row"
            report.leads += [Problem(path, row.number, c, f"conflicts with {why}: kept as a lead") for c in clash]
            leads.append({**update, "verified": "false", "verified_on": ""})
            if "source" in clash:
                continue  # merging any of it would make the row cite two pages
            if not filled_facts(result.get(alpha2) or {}, update):
                continue  # nothing to fill: citing its page would cite it for a value it states otherwise
            update = {k: v for k, v in update.items() if k not in clash}  # the rest fills empty cells
        merged = merge_row(result.get(alpha2) if again else existing.get(alpha2), update, replace=replace and not again)
        problems = check_target_row(path, Row(row.number, merged), countries, partial=False, today=today)
        if problems:
            report.rejected += problems
        else:
            first_row[alpha2] = row.number
            result[alpha2] = merged
    blank = {c: "" for c in TARGET_COLUMNS}
    for alpha2 in first_row:  # each country once, however many rows named it
        bucket = (
            report.added
            if alpha2 not in existing
            else report.unchanged
            if result[alpha2] == {**blank, **existing[alpha2]}
            else report.changed
        )
        bucket.append(alpha2)
    if (report.added or report.changed) and not dry_run:
        write_csv(set_path, target_columns(result.values()), result.values())
        report.written = True
    if leads and not dry_run:
        _keep_leads(leads_path(data_dir, target_set), leads)
    return report


def _keep_leads(path: Path, leads: list[dict[str, str]]) -> None:
    """Add leads to the set's leads file (the same lead twice is kept once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = [dict(row.cells) for row in read_table(path).rows] if path.is_file() else []
    for lead in leads:
        if not any(all(old.get(c, "") == lead.get(c, "") for c in TARGET_COLUMNS) for old in kept):
            kept.append(lead)
    write_csv(path, target_columns(kept), kept)

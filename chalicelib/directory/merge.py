"""Importing an organiser's CSV into a target set: good rows are merged, bad rows are refused with their reasons.

The file may hold any of the target columns; the key is `alpha2`, or `country` (any code or name). An empty
cell keeps the current value. A row that changes a fact without saying it was verified becomes unverified.
The set file is rewritten in one step, and only if something changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from chalicelib.directory.index import country_names, lookup_key
from chalicelib.directory.records import (
    TARGET_COLUMNS,
    TARGET_FACTS,
    Row,
    Table,
    countries_path,
    read_table,
    target_set_path,
    write_csv,
)
from chalicelib.directory.validation import Problem, check_header, check_target_row

Progress = Callable[[int, int], None]


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
    written: bool = False

    def summary(self) -> str:
        refused_rows = len({p.row for p in self.rejected})
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.unchanged)} unchanged, "
            f"{refused_rows} rejected"
        )


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


def merge_row(current: dict[str, str] | None, update: dict[str, str]) -> dict[str, str]:
    """The set's row after `update`: non-empty cells replace, changed facts without a verification unverify."""
    merged = dict(current or {name: "" for name in TARGET_COLUMNS})
    merged.update({k: v for k, v in update.items() if v})
    facts_changed = any(merged[f] != (current or {}).get(f, "") for f in TARGET_FACTS)
    if facts_changed and not update.get("verified"):
        merged["verified"], merged["verified_on"] = "false", ""
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
    progress: Progress | None = None,
) -> ImportReport:
    """Merge `path` into `target_set`; raises ImportRefused if its header is unusable, else reports every row."""
    table, key_problems = _keyed(read_table(path), data_dir)
    header_problems = check_header(table, TARGET_COLUMNS, partial=True) + [p for p in key_problems if p.row == 1]
    if header_problems:
        raise ImportRefused(header_problems)

    set_path = target_set_path(data_dir, target_set)
    existing = {row.cells["alpha2"]: dict(row.cells) for row in read_table(set_path).rows}
    countries = {row.cells["alpha2"]: row.number for row in read_table(countries_path(data_dir)).rows}
    report = ImportReport(rejected=key_problems)
    result = {alpha2: dict(cells) for alpha2, cells in existing.items()}
    first_row: dict[str, int] = {}
    for done, row in enumerate(table.rows, start=1):
        problems = check_target_row(path, row, countries, partial=True, today=today)
        alpha2 = row.cells.get("alpha2", "")
        if not problems and alpha2 in first_row:
            problems = [
                Problem(path, row.number, "alpha2", f"duplicate row for {alpha2} (first on row {first_row[alpha2]})")
            ]
        if not problems:
            merged = merge_row(existing.get(alpha2), {k: v for k, v in row.cells.items() if k in TARGET_COLUMNS})
            problems = check_target_row(path, Row(row.number, merged), countries, partial=False, today=today)
        if problems:
            report.rejected += problems
        else:
            first_row[alpha2] = row.number
            bucket = (
                report.added
                if alpha2 not in existing
                else report.unchanged
                if merged == existing[alpha2]
                else report.changed
            )
            bucket.append(alpha2)
            result[alpha2] = merged
        if progress:
            progress(done, len(table.rows))
    if (report.added or report.changed) and not dry_run:
        write_csv(set_path, TARGET_COLUMNS, result.values())
        report.written = True
    return report

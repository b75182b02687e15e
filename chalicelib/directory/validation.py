"""Checking directory files: every problem is named as `file:row:column: message`, one message per kind of mistake.

Runs offline: email syntax through email-validator without DNS, URLs by their syntax, time zones through
zoneinfo. pycountry (a development dependency) is imported only to check countries.csv's ISO codes.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping
from urllib.parse import urlsplit

from chalicelib.directory.index import country_names, lookup_key
from chalicelib.directory.records import (
    COUNTRY_COLUMNS,
    DIRECTORY_SETS,
    OPTIONAL_COLUMNS,
    TARGET_COLUMNS,
    UN_LANGUAGES,
    Row,
    Table,
    countries_path,
    leads_path,
    read_table,
    target_set_path,
)

URL_COLUMNS = ("website", "contact_form_url", "source")
EXPECTED_STATES = {"member": 193, "observer": 2}


@dataclass(frozen=True)
class Problem:
    path: Path
    row: int | None  # spreadsheet row (header = 1); None for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.row if self.row is not None else '-'}:{self.column}: {self.message}"


def display_path(path: Path) -> str:
    """Relative to the working directory when inside it (as editors and CI logs link them), else absolute."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if relative.startswith("..") else relative


# --- cells --------------------------------------------------------------------------------------------


def unsafe_text(value: str) -> str | None:
    if any(ch in value for ch in "\r\n\u2028\u2029"):
        return "contains a line break; every cell must be a single line"
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        return "contains an invisible control character"
    if "=?" in value:
        return "contains the sequence '=?', which is not allowed in mail headers"
    return None


def url_problem(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in value):
        return f"not a web address ({value!r}): it must start with https:// or http:// and contain no spaces"
    return None


def email_problem(value: str) -> str | None:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"not a valid email address ({value!r}): {exc}"
    return None


def _date_problem(value: str, today: dt.date) -> str | None:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return f"not a date ({value!r}): write it as YYYY-MM-DD"
    if len(value) != 10:
        return f"not a date ({value!r}): write it as YYYY-MM-DD"
    if day > today:
        return f"{value} is in the future"
    return None


# --- headers and row shape ----------------------------------------------------------------------------


def check_header(
    table: Table, expected: tuple[str, ...], *, partial: bool, optional: tuple[str, ...] = ()
) -> list[Problem]:
    """Unknown, repeated or (unless `partial`) missing columns. Only alpha2 is needed in a partial file;
    `optional` columns (added later) may be absent from any file."""
    problems, seen = [], set()
    for name in table.header:
        if name in seen:
            problems.append(Problem(table.path, 1, name, "this column appears twice"))
        elif name not in expected:
            problems.append(
                Problem(table.path, 1, name or "(empty)", f"unknown column; the columns are: {', '.join(expected)}")
            )
        seen.add(name)
    required = ("alpha2",) if partial else tuple(name for name in expected if name not in optional)
    for name in required:
        if name not in seen:
            problems.append(Problem(table.path, 1, name, "missing column"))
    return problems


def _shape(path: Path, row: Row) -> list[Problem]:
    if row.extra:
        return [
            Problem(
                path, row.number, "-", f"{len(row.extra)} more cell(s) than the header has columns (an unquoted comma?)"
            )
        ]
    if row.missing:
        return [Problem(path, row.number, row.missing[0], "the row ends before this column")]
    return []


# --- targets --------------------------------------------------------------------------------------------


def check_target_row(
    path: Path, row: Row, countries: Mapping[str, object], *, partial: bool, today: dt.date
) -> list[Problem]:
    """Problems in one target row. `partial`: empty cells mean "keep the shared value" (overrides, imports)."""
    c, number = row.cells, row.number
    problems = _shape(path, row)
    if problems:
        return problems  # cells are out of line with the header: any further message would mislead

    def bad(column: str, message: str) -> None:
        problems.append(Problem(path, number, column, message))

    for column, value in c.items():
        reason = unsafe_text(value)
        if reason:
            bad(column, reason)
    alpha2 = c.get("alpha2", "")
    if not alpha2:
        bad("alpha2", "missing country code")
    elif len(alpha2) != 2 or not alpha2.isalpha() or not alpha2.isupper():
        bad("alpha2", f"not an ISO 3166-1 alpha-2 code ({alpha2!r}): use two capital letters such as KE")
    elif alpha2 not in countries:
        bad("alpha2", f"unknown country {alpha2!r}: not one of the 195 UN member and observer states")
    if not partial:
        for column in ("name_en", "addressee", "verified"):
            if column in c and not c[column]:
                bad(column, "must not be empty")
    elif alpha2 and not any(value for column, value in c.items() if column != "alpha2"):
        bad("alpha2", f"the row for {alpha2} sets nothing: fill in at least one cell besides the country")
    for column in URL_COLUMNS:
        if c.get(column):
            reason = url_problem(c[column])
            if reason:
                bad(column, reason)
    email = c.get("email", "")
    if email:
        reason = email_problem(email)
        if reason:
            bad("email", reason)
        if not c.get("source"):
            bad("source", "an email needs a source: the URL of the page that publishes it (never guess an address)")
    problems += [Problem(path, number, "address_kind", m) for m in _address_kind_problems(c, partial=partial)]
    verified = c.get("verified", "")
    if verified and verified not in ("true", "false"):
        bad("verified", f"must be true or false, not {verified!r}")
    verified_on = c.get("verified_on", "")
    if verified_on:
        reason = _date_problem(verified_on, today)
        if reason:
            bad("verified_on", reason)
        elif verified == "false":
            bad("verified_on", "has a date but verified is false: set verified to true or clear the date")
    for column in ("verified_by", "verified_how"):
        if c.get(column) and verified != "true":
            bad(column, "says who or how a row was verified, but verified is not true: clear it")
    if verified == "true":
        if not verified_on:
            bad("verified_on", "a verified row needs the date it was checked (YYYY-MM-DD)")
        if not c.get("source"):
            bad("source", "a verified row needs the URL it was checked against")
    return problems


def _address_kind_problems(c: Mapping[str, str], *, partial: bool) -> list[str]:
    """The kind must be a known one, and (in a whole row) the one its email and evidence make it."""
    from chalicelib.directory.address_kinds import ADDRESS_KINDS, address_kind

    kind = c.get("address_kind", "")
    if not kind:
        return []
    if kind not in ADDRESS_KINDS:
        return [f"unknown address kind {kind!r}: use one of {', '.join(ADDRESS_KINDS)}"]
    if partial and not c.get("email"):
        return []  # an override or import may leave the email to the shared row
    if not c.get("email"):
        return ["a row without an email has no address kind: clear it"]
    derived = address_kind(c["email"], c.get("evidence", ""))
    if kind != derived:
        return [
            f"{kind!r} does not follow from this row's email and evidence, which make it {derived or 'unknown'!r} "
            "(the rules are in chalicelib/directory/address_kinds.py): change the evidence, not the kind"
        ]
    return []


def check_targets(
    table: Table,
    countries: Mapping[str, object],
    *,
    complete: bool,
    partial: bool,
    today: dt.date,
    unique: bool = True,
) -> list[Problem]:
    """A whole target file. `complete`: every state must have a row (the shared set files); `unique`: one row
    per state (all but the leads files, which may hold several leads for one state)."""
    problems = check_header(table, TARGET_COLUMNS, partial=partial, optional=OPTIONAL_COLUMNS)
    if any(p.column == "alpha2" for p in problems):
        return problems  # rows cannot be told apart without their country
    first_row: dict[str, int] = {}
    for row in table.rows:
        problems += check_target_row(table.path, row, countries, partial=partial, today=today)
        alpha2 = row.cells.get("alpha2", "")
        if unique and alpha2 in first_row:
            problems.append(
                Problem(
                    table.path, row.number, "alpha2", f"duplicate row for {alpha2} (first on row {first_row[alpha2]})"
                )
            )
        first_row.setdefault(alpha2, row.number)
    if complete:
        absent = sorted(set(countries) - set(first_row))
        if absent:
            problems.append(
                Problem(table.path, None, "alpha2", f"no row for {len(absent)} state(s): {', '.join(absent)}")
            )
    return problems


# --- countries ------------------------------------------------------------------------------------------


def _iso_problems(path: Path, row: Row) -> list[Problem]:
    try:
        import pycountry
    except ImportError:
        return [
            Problem(
                path,
                row.number,
                "alpha2",
                "cannot check ISO codes: pycountry is not installed (pip install -r requirements-dev.txt)",
            )
        ]
    alpha2, alpha3 = row.cells.get("alpha2", ""), row.cells.get("alpha3", "")
    entry = pycountry.countries.get(alpha_2=alpha2) if len(alpha2) == 2 else None
    if entry is None:
        return [Problem(path, row.number, "alpha2", f"{alpha2!r} is not an ISO 3166-1 alpha-2 code")]
    if alpha3 != entry.alpha_3:
        return [
            Problem(
                path,
                row.number,
                "alpha3",
                f"{alpha3!r} is not the alpha-3 code of {alpha2} (ISO 3166-1 says {entry.alpha_3})",
            )
        ]
    return []


def _ambiguous_names(table: Table) -> list[Problem]:
    """An alias that already names another state (by code, UN name or earlier alias) would make lookups guess."""
    owners: dict[str, tuple[str, int]] = {}
    for row in table.rows:
        for name in country_names({k: v for k, v in row.cells.items() if k != "aliases"}):
            owners.setdefault(lookup_key(name), (row.cells["alpha2"], row.number))
    problems = []
    for row in table.rows:
        for alias in filter(None, (a.strip() for a in row.cells["aliases"].split(";"))):
            owner = owners.setdefault(lookup_key(alias), (row.cells["alpha2"], row.number))
            if owner[0] != row.cells["alpha2"]:
                problems.append(
                    Problem(
                        table.path,
                        row.number,
                        "aliases",
                        f"{alias!r} already names {owner[0]} (row {owner[1]}): a name must lead to one state",
                    )
                )
    return problems


def check_countries(table: Table) -> list[Problem]:
    import zoneinfo

    path = table.path
    problems = check_header(table, COUNTRY_COLUMNS, partial=False)
    if problems:
        return problems
    counts = {status: 0 for status in EXPECTED_STATES}
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        c = row.cells
        shape = _shape(path, row)
        if shape:
            problems += shape
            continue
        for column, value in c.items():
            reason = unsafe_text(value)
            if reason:
                problems.append(Problem(path, row.number, column, reason))
        problems += _iso_problems(path, row)
        for column in ("alpha2", "alpha3"):
            key = (column, c[column])
            if key in seen:
                problems.append(
                    Problem(path, row.number, column, f"duplicate code {c[column]} (first on row {seen[key]})")
                )
            seen.setdefault(key, row.number)
        if not c["un_name"]:
            problems.append(Problem(path, row.number, "un_name", "must not be empty"))
        if c["status"] in counts:
            counts[c["status"]] += 1
        else:
            problems.append(Problem(path, row.number, "status", f"must be member or observer, not {c['status']!r}"))
        if c["language"] not in UN_LANGUAGES:
            problems.append(
                Problem(
                    path,
                    row.number,
                    "language",
                    f"unknown letter language {c['language']!r}: use one of {', '.join(UN_LANGUAGES)}",
                )
            )
        try:
            zoneinfo.ZoneInfo(c["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.append(Problem(path, row.number, "timezone", f"unknown IANA time zone {c['timezone']!r}"))
    problems += _ambiguous_names(table)
    if counts != EXPECTED_STATES:
        problems.append(
            Problem(
                path,
                None,
                "status",
                f"expected 193 members and 2 observers, found {counts['member']} and {counts['observer']}",
            )
        )
    return problems


# --- files ----------------------------------------------------------------------------------------------


def known_countries(data_dir: Path) -> dict[str, int]:
    """alpha2 -> row in countries.csv (read directly, so that a broken file still lets targets be checked)."""
    return {row.cells.get("alpha2", ""): row.number for row in read_table(countries_path(data_dir)).rows}


def shared_files(data_dir: Path) -> list[Path]:
    return [countries_path(data_dir), *(target_set_path(data_dir, s) for s in DIRECTORY_SETS)]


def check_file(path: Path, data_dir: Path, today: dt.date) -> list[Problem]:
    """One file: countries.csv, a shared target set (must cover every state) or a partial file (override, import)."""
    if not path.is_file():
        return [Problem(path, None, "-", "no such file")]
    try:
        table = read_table(path)
    except UnicodeDecodeError as exc:
        return [Problem(path, None, "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    resolved = path.resolve()
    if resolved == countries_path(data_dir).resolve():
        return check_countries(table)
    shared = resolved in {target_set_path(data_dir, s).resolve() for s in DIRECTORY_SETS}
    lead = resolved in {leads_path(data_dir, s).resolve() for s in DIRECTORY_SETS}
    return check_targets(
        table, known_countries(data_dir), complete=shared, partial=not shared, today=today, unique=not lead
    )


def check_files(paths: Iterable[Path], data_dir: Path, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    for path in paths:
        problems += check_file(path, data_dir, today)
    return problems

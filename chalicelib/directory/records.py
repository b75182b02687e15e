"""The directory's files: their columns, the records read from them, and the one CSV format they are written in.

Every file is UTF-8 RFC 4180 CSV (CRLF line ends, quoting only where needed), one row per state, sorted by
alpha2, so a pull request shows exactly the facts that changed.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DIRECTORY_SETS = ("foreign-ministry", "un-mission-geneva", "un-mission-new-york")
UN_LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")

COUNTRY_COLUMNS = ("alpha2", "alpha3", "un_name", "status", "language", "timezone", "aliases")
TARGET_COLUMNS = (
    "alpha2",
    "name_en",
    "name_local",
    "addressee",
    "website",
    "email",
    "contact_form_url",
    "source",
    "license",
    "evidence",
    "address_kind",
    "verified",
    "verified_on",
    "verified_by",
    "verified_how",
)
# Where a row's facts come from (columns older files may lack): the source's terms, the record and field read
# with any review flags, and the kind of address those flags make it (address_kinds.py).
PROVENANCE_COLUMNS = ("license", "evidence", "address_kind")
# Who confirmed a verified row on its source, and how (verification.py); older files may lack them.
VERIFICATION_COLUMNS = ("verified_by", "verified_how")
OPTIONAL_COLUMNS = PROVENANCE_COLUMNS + VERIFICATION_COLUMNS
# Facts about a target; changing one without re-checking it makes the row unverified again.
TARGET_FACTS = ("name_en", "name_local", "addressee", "website", "email", "contact_form_url")


def target_columns(rows: Iterable[Mapping[str, str]]) -> tuple[str, ...]:
    """The columns a target file is written with: the verification columns only once a row uses them, so that
    files nobody verified yet keep their shape."""
    used = {c for row in rows for c in VERIFICATION_COLUMNS if row.get(c)}
    return tuple(c for c in TARGET_COLUMNS if c not in VERIFICATION_COLUMNS or used)


def countries_path(data_dir: Path) -> Path:
    return data_dir / "countries.csv"


def target_set_path(data_dir: Path, target_set: str) -> Path:
    return data_dir / "targets" / f"{target_set}.csv"


def leads_path(data_dir: Path, target_set: str) -> Path:
    """Imported rows that conflict with the set's current row, kept for a maintainer to decide (never applied)."""
    return data_dir / "leads" / f"{target_set}.csv"


@dataclass(frozen=True)
class Country:
    alpha2: str
    alpha3: str
    name: str
    status: str  # member | observer
    language: str
    timezone: str


@dataclass(frozen=True)
class Target:
    target_set: str
    name: str
    addressee: str
    email: str | None
    website: str
    contact_form_url: str
    language: str
    verified: bool
    source: str
    country: str | None = None  # alpha-2, None for a fixed target
    name_local: str = ""
    verified_on: str = ""
    address_kind: str = ""  # general | registry | free-mail | desk | role-unknown; "" when unknown
    stored_override: bool = False  # the email is an organiser's stored correction (overrides.StoredOverrides)

    @property
    def email_available(self) -> bool:
        return bool(self.email)

    @property
    def address_origin(self) -> str:
        """How the email is known: `override` (an organiser's correction, not yet in the files), `verified`
        (checked on its source page), `sourced` (read from its source page, not yet checked); "" without one."""
        if not self.email:
            return ""
        if self.stored_override:
            return "override"
        return "verified" if self.verified else "sourced"


@dataclass(frozen=True)
class Row:
    """One record of a CSV file: its spreadsheet row number (the header is row 1) and its cells."""

    number: int
    cells: Mapping[str, str]
    extra: tuple[str, ...] = ()  # cells beyond the header: a stray comma or quote
    missing: tuple[str, ...] = ()  # columns the record is too short to reach


@dataclass(frozen=True)
class Table:
    path: Path
    header: tuple[str, ...]
    rows: tuple[Row, ...]


def read_table(path: Path) -> Table:
    """Read a CSV file; ragged records are kept (with `extra`/`missing`) so that checks can name them."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return parse_table(path, handle.read())


def parse_table(path: Path, text: str) -> Table:
    records = csv.reader(io.StringIO(text, newline=""))
    header = tuple(name.strip() for name in next(records, []))
    rows = []
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines (often at the end of a hand-edited file) are not rows
        cells = {name: record[i].strip() if i < len(record) else "" for i, name in enumerate(header)}
        rows.append(Row(number, cells, extra=tuple(record[len(header) :]), missing=header[len(record) :]))
    return Table(path, header, tuple(rows))


def render_csv(columns: Iterable[str], rows: Iterable[Mapping[str, str]]) -> str:
    """The canonical text of a directory file: header, then rows sorted by alpha2."""
    columns = tuple(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in sorted(rows, key=lambda r: r.get("alpha2", "")):
        writer.writerow([row.get(name, "") for name in columns])
    return buffer.getvalue()


def write_csv(path: Path, columns: Iterable[str], rows: Iterable[Mapping[str, str]]) -> None:
    """Replace `path` in one step (write a temporary file, then rename): never a half-written file."""
    import tempfile  # organiser tools only: the Lambda never writes these files

    text = render_csv(columns, rows)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

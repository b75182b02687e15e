"""Helpers for tests that work on a temporary copy of the directory's data."""

from __future__ import annotations

import shutil
from pathlib import Path

from chalicelib.directory.records import COUNTRY_COLUMNS, DATA_DIR, read_table, target_columns, write_csv


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def rows_of(path: Path) -> list[dict[str, str]]:
    return [dict(row.cells) for row in read_table(path).rows]


def row_number(path: Path, alpha2: str) -> int:
    return next(row.number for row in read_table(path).rows if row.cells["alpha2"] == alpha2)


def edit_row(path: Path, which: str, **cells: str) -> int:
    """Change cells of the row of country `which` in place; returns its spreadsheet number once re-sorted."""
    rows = rows_of(path)
    edited = next(row for row in rows if row["alpha2"] == which)
    edited.update(cells)
    columns = COUNTRY_COLUMNS if path.name == "countries.csv" else target_columns(rows)
    write_csv(path, columns, rows)
    in_file_order = sorted(rows, key=lambda r: r["alpha2"])  # the same stable order write_csv uses
    return next(i for i, row in enumerate(in_file_order, start=2) if row is edited)


def write_targets(path: Path, header: str, *lines: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\r\n".join([header, *lines]) + "\r\n", encoding="utf-8")
    return path

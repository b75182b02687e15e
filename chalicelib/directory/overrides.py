"""Per-campaign target overrides: templates/campaigns/<slug>/targets/<set>.csv, same columns as the shared files.

A row names a country (alpha2) and fills in only what differs for this campaign (for example a particular
diplomat as addressee, with the page that lists their address as source). Empty cells keep the shared value.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chalicelib.directory.index import Overrides
from chalicelib.directory.records import DIRECTORY_SETS, TARGET_COLUMNS, read_table
from chalicelib.directory.validation import Problem, check_targets, known_countries


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

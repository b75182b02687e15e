"""Leads: imported facts that conflict with a row already in the directory, kept side by side for a maintainer.

A lead conflicts when it gives a different value for a fact the row already has, or when it would add facts
from another page than the one the row cites (a row cites one source). Conflicting values are never merged:
the lead is written to chalicelib/data/leads/<set>.csv, and `validate` shows it next to the current row until
someone decides (edits the set file, then deletes the lead). A lead whose only conflicts are differing facts
still fills the row's empty cells (say, a mission's email where the row has another website); one that would
mix two sources in a row is kept whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from chalicelib.directory.records import DIRECTORY_SETS, TARGET_FACTS, leads_path, read_table, target_set_path
from chalicelib.directory.validation import display_path

URL_FACTS = ("website", "contact_form_url")


def same_fact(column: str, a: str, b: str) -> bool:
    """Equal as facts: emails ignoring case, web addresses ignoring case and a final slash."""
    a, b = a.strip(), b.strip()
    if column == "email":
        return a.casefold() == b.casefold()
    if column in URL_FACTS:
        return a.rstrip("/").casefold() == b.rstrip("/").casefold()
    return a == b


def filled_facts(current: Mapping[str, str], lead: Mapping[str, str]) -> list[str]:
    return [f for f in TARGET_FACTS if lead.get(f) and not current.get(f)]


def conflicts(current: Mapping[str, str], lead: Mapping[str, str]) -> list[str]:
    """The columns on which `lead` conflicts with `current`: facts with another value, and "source" when the
    lead would add facts from another page than the one the row cites ([] if it merges without loss)."""
    differing = [f for f in TARGET_FACTS if lead.get(f) and current.get(f) and not same_fact(f, lead[f], current[f])]
    other_page = current.get("source") and lead.get("source") and current["source"] != lead["source"]
    return differing + (["source"] if other_page and filled_facts(current, lead) else [])


def describe(column: str, current: Mapping[str, str], lead: Mapping[str, str]) -> str:
    """Both sides of one conflict, as a maintainer reads it."""
    theirs = f"source {current.get('source') or 'none'}"
    ours = f"source {lead.get('source') or 'none'}"
    if column == "source":
        added = ", ".join(f"{f}={lead[f]!r}" for f in filled_facts(current, lead))
        return f"lead adds {added} ({ours}) but the row cites another page ({theirs}): a row cites one source"
    return f"current {current.get(column, '')!r} ({theirs}); lead {lead[column]!r} ({ours})"


def lead_conflicts(data_dir: Path) -> list[str]:
    """Every lead still in conflict, one line each: `leads file:row:column: both sides`, with the set's row."""
    lines = []
    for target_set in DIRECTORY_SETS:
        path = leads_path(data_dir, target_set)
        if not path.is_file():
            continue
        set_path = target_set_path(data_dir, target_set)
        current = {row.cells.get("alpha2", ""): row for row in read_table(set_path).rows}
        for lead in read_table(path).rows:
            row = current.get(lead.cells.get("alpha2", ""))
            if row is None:
                continue  # validate names the unknown country
            for column in conflicts(row.cells, lead.cells):
                lines.append(
                    f"{display_path(path)}:{lead.number}:{column}: conflicts with {display_path(set_path)}:"
                    f"{row.number}: {describe(column, row.cells, lead.cells)}"
                )
    return lines

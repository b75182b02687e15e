"""A state's name in one of the six UN languages, for letters and documents written in that language.

The names are in chalicelib/data/country_names.csv, generated from Babel's CLDR data by
chalicelib/data/generate_country_names.py (Babel is a development dependency; the Lambda carries only the file).
English is the UN short name of countries.csv; an unknown language falls back to it. country_order.csv, from the
same script, gives each state's place in each language's CLDR collation (computed with ICU at build time).
"""

from __future__ import annotations

import csv
from functools import lru_cache

from chalicelib.directory.records import DATA_DIR


@lru_cache(maxsize=1)
def _names() -> dict[str, dict[str, str]]:
    with (DATA_DIR / "country_names.csv").open(encoding="utf-8", newline="") as f:
        return {row["alpha2"]: row for row in csv.DictReader(f)}


def country_name(iso2: str, language: str) -> str:
    """`iso2`'s name in `language` (ar, en, es, fr, ru, zh; else English); KeyError for an unknown state."""
    row = _names()[iso2.upper()]
    return row.get(language) or row["en"]


@lru_cache(maxsize=1)
def _order() -> dict[str, dict[str, str]]:
    with (DATA_DIR / "country_order.csv").open(encoding="utf-8", newline="") as f:
        return {row["alpha2"]: row for row in csv.DictReader(f)}


def collation_place(iso2: str, language: str) -> int | None:
    """`iso2`'s place (1 first) when the states' names in `language` are sorted by its collation; None for a
    language without one (ar, en, es, fr, ru and zh have one)."""
    place = _order()[iso2.upper()].get(language)
    return int(place) if place else None

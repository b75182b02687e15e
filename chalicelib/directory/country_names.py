"""A state's name in one of the six UN languages, for letters and documents written in that language.

The names are in chalicelib/data/country_names.csv, generated from Babel's CLDR data by
chalicelib/data/generate_country_names.py (Babel is a development dependency; the Lambda carries only the file).
English is the UN short name of countries.csv; an unknown language falls back to it.
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

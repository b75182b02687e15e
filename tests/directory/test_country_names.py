"""The committed country-name files (chalicelib/data/country_names.csv and country_order.csv) are what their
generator makes: names from Babel's CLDR data, and each language's collation a ranking of every state once."""

from __future__ import annotations

import csv

import pytest
from babel import Locale

from chalicelib.directory.records import DATA_DIR

LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")


def rows(name: str) -> dict[str, dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return {row["alpha2"]: row for row in csv.DictReader(f)}


def test_every_language_ranks_every_named_state_once():
    names, order = rows("country_names.csv"), rows("country_order.csv")
    assert set(order) == set(names) and len(names) == 195
    for language in LANGUAGES:
        assert sorted(int(order[alpha2][language]) for alpha2 in order) == list(range(1, len(order) + 1)), language


def test_the_names_are_cldrs_but_for_the_uns_own_names():
    names = rows("country_names.csv")
    for language in ("ar", "es", "fr", "ru", "zh"):
        territories = Locale.parse(language).territories
        differ = {alpha2 for alpha2, row in names.items() if row[language] != territories[alpha2]}
        assert differ == {"PS", "VA"}, language  # the UN's State of Palestine and Holy See, not CLDR's names


def test_the_committed_order_is_icus_collation_of_the_committed_names():
    """Only where PyICU is installed (it is no dependency: see the generator's docstring)."""
    icu = pytest.importorskip("icu")
    names, order = rows("country_names.csv"), rows("country_order.csv")
    for language in LANGUAGES:
        collator = icu.Collator.createInstance(icu.Locale(language))
        by_icu = sorted(names, key=lambda alpha2: collator.getSortKey(names[alpha2][language]))
        assert by_icu == sorted(order, key=lambda alpha2: int(order[alpha2][language])), language

"""Countries and their targets in memory: every lookup is a dictionary read, with no AWS call per request.

The shared data is read once per process from chalicelib/data/ (see its README). A campaign may override a
target's facts for itself alone; the override's non-empty cells win over the shared row.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping

from chalicelib.directory.records import (
    DATA_DIR,
    DIRECTORY_SETS,
    Country,
    Target,
    countries_path,
    read_table,
    target_set_path,
)
from chalicelib.errors import NotFound

# One campaign's overrides: target set -> alpha2 -> the cells its file fills in.
Overrides = Mapping[str, Mapping[str, Mapping[str, str]]]

# An organiser's stored correction for (set, alpha2), if any: the cells it sets (overrides.StoredOverrides).
StoredLookup = Callable[[str, str], "Mapping[str, str] | None"]

# Target attribute for each fact column a row or an override may set.
_FIELDS = {
    "name_en": "name",
    "name_local": "name_local",
    "addressee": "addressee",
    "website": "website",
    "email": "email",
    "contact_form_url": "contact_form_url",
    "source": "source",
}


def lookup_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a country name or code ("Côte d’Ivoire" = "cote divoire")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in "'’ʼ`")
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def country_names(cells: Mapping[str, str]) -> list[str]:
    """Every name a countries.csv row answers to: codes, UN name and aliases."""
    names = [
        cells.get("alpha2", ""),
        cells.get("alpha3", ""),
        cells.get("un_name", ""),
        *cells.get("aliases", "").split(";"),
    ]
    return [name.strip() for name in names if name.strip()]


def target_from_cells(target_set: str, cells: Mapping[str, str], country: Country) -> Target:
    return Target(
        target_set=target_set,
        name=cells.get("name_en", ""),
        addressee=cells.get("addressee", ""),
        email=cells.get("email", "").strip() or None,
        website=cells.get("website", ""),
        contact_form_url=cells.get("contact_form_url", ""),
        language=country.language,
        verified=cells.get("verified", "").strip().lower() == "true",
        source=cells.get("source", ""),
        country=country.alpha2,
        name_local=cells.get("name_local", ""),
        verified_on=cells.get("verified_on", ""),
        address_kind=cells.get("address_kind", "") if cells.get("email", "").strip() else "",
    )


def apply_override(target: Target, cells: Mapping[str, str], *, stored: bool = False) -> Target:
    """The target with an override's non-empty cells; verified only if the override itself says so. `stored`:
    the cells are an organiser's correction kept in DynamoDB, not a reviewed file."""
    changes: dict = {attribute: cells[column].strip() for column, attribute in _FIELDS.items() if cells.get(column)}
    if "email" in changes:  # the shared row's kind described the shared row's address, not this one
        changes["address_kind"] = cells.get("address_kind", "").strip()
        changes["stored_override"] = stored
    return replace(
        target,
        **changes,
        verified=cells.get("verified", "").strip().lower() == "true",
        verified_on=cells.get("verified_on", "").strip(),
    )


class Directory:
    """Countries and their targets, indexed for constant-time lookup.

    Built for a cold start: the countries table is read at once, a target set's table when a request first asks
    for that set, and the index of country names when a name (not an ISO code) is first looked up."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.data_dir = data_dir
        self._stored: StoredLookup | None = None
        self._countries: dict[str, Country] = {}
        self._names: list[tuple[str, str]] = []  # (a name the country answers to, its alpha-2), in file order
        for row in read_table(countries_path(data_dir)).rows:
            c = row.cells
            country = Country(c["alpha2"], c["alpha3"], c["un_name"], c["status"], c["language"], c["timezone"])
            self._countries[country.alpha2] = country
            self._names += [(name, country.alpha2) for name in country_names(c)]
        # Filled on first use and shared with every `with_stored` view (the dicts are the same objects).
        self._keys: dict[str, str] = {}
        self._sets: dict[str, dict[str, Target]] = {}

    def countries(self) -> list[Country]:
        return sorted(self._countries.values(), key=lambda c: lookup_key(c.name))

    def find_country(self, code_or_name: str) -> Country | None:
        if code_or_name in self._countries:  # an alpha-2 code as our forms and items carry it
            return self._countries[code_or_name]
        if not self._keys:  # built whole, then added in one step: a thread reading meanwhile never sees half
            keys: dict[str, str] = {}
            for name, alpha2 in self._names:
                keys.setdefault(lookup_key(name), alpha2)
            self._keys.update(keys)
        alpha2 = self._keys.get(lookup_key(code_or_name))
        return None if alpha2 is None else self._countries[alpha2]

    def country(self, code_or_name: str) -> Country:
        """Resolve an alpha-2, alpha-3 or a common name; NotFound names what was asked for."""
        country = self.find_country(code_or_name)
        if country is None:
            raise NotFound(f"Unknown country {code_or_name!r}: use an ISO code such as 'KE' or a name.")
        return country

    def with_stored(self, stored: StoredLookup) -> "Directory":
        """This directory (sharing its tables), with organisers' stored corrections applied to the shared rows."""
        view = copy.copy(self)
        view._stored = stored
        return view

    def shared_target(self, target_set: str, alpha2: str) -> Target:
        """The row of the shared files alone, before any correction or campaign override."""
        try:
            return self._target_set(target_set)[alpha2]
        except KeyError:
            raise NotFound(f"No {target_set} target is known for {alpha2}.") from None

    def _target_set(self, target_set: str) -> dict[str, Target]:
        """One set's targets by alpha-2, read from its table the first time (no table: no targets)."""
        if target_set not in self._sets:
            targets = {}
            if target_set in DIRECTORY_SETS:
                for row in read_table(target_set_path(self.data_dir, target_set)).rows:
                    country = self._countries[row.cells["alpha2"]]
                    targets[country.alpha2] = target_from_cells(target_set, row.cells, country)
            self._sets[target_set] = targets
        return self._sets[target_set]

    def target(self, target_set: str, alpha2: str, overrides: Overrides | None = None) -> Target:
        """The target for one state: the shared row, corrected by an organiser's stored override (if any), then
        the campaign's own override file (if any), which wins: it is the campaign's deliberate choice."""
        target = self.shared_target(target_set, alpha2)
        stored = self._stored(target_set, alpha2) if self._stored else None
        if stored:
            target = apply_override(target, stored, stored=True)
        cells = (overrides or {}).get(target_set, {}).get(alpha2)
        return apply_override(target, cells) if cells else target

    def targets(self, target_set: str) -> list[Target]:
        return [self.target(target_set, alpha2) for alpha2 in sorted(self._target_set(target_set))]


@lru_cache(maxsize=1)
def default_directory() -> Directory:
    return Directory()

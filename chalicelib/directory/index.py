"""The target directory: who a supporter from a given country writes to, for each target set.

Data lives in reviewable CSV files under chalicelib/data/ (see its README). Everything is read once
per process into dictionaries, so a lookup is O(1) and costs no AWS call.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import NotFound

DATA_DIR = Path(__file__).resolve().parent / "data"
DIRECTORY_SETS = ("foreign-ministry", "un-mission-geneva", "un-mission-new-york")


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

    @property
    def email_available(self) -> bool:
        return bool(self.email)


def lookup_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a country name or code."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class Directory:
    """Countries and their targets, indexed for constant-time lookup."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self._countries: dict[str, Country] = {}
        self._keys: dict[str, str] = {}
        for row in _read_csv(data_dir / "countries.csv"):
            country = Country(row["alpha2"], row["alpha3"], row["un_name"], row["status"], row["language"],
                              row["timezone"])
            self._countries[country.alpha2] = country
            names = [row["alpha2"], row["alpha3"], row["un_name"], *row.get("aliases", "").split(";")]
            for name in filter(None, (n.strip() for n in names)):
                self._keys.setdefault(lookup_key(name), country.alpha2)
        self._targets: dict[tuple[str, str], Target] = {}
        for target_set in DIRECTORY_SETS:
            for row in _read_csv(data_dir / "targets" / f"{target_set}.csv"):
                country = self._countries[row["alpha2"]]
                self._targets[(target_set, country.alpha2)] = Target(
                    target_set=target_set,
                    name=row["name_en"],
                    addressee=row["addressee"],
                    email=row["email"].strip() or None,
                    website=row["website"],
                    contact_form_url=row["contact_form_url"],
                    language=country.language,
                    verified=row["verified"].strip().lower() == "true",
                    source=row["source"],
                    country=country.alpha2,
                )

    def countries(self) -> list[Country]:
        return sorted(self._countries.values(), key=lambda c: lookup_key(c.name))

    def country(self, code_or_name: str) -> Country:
        """Resolve an alpha-2, alpha-3 or a common name; NotFound names what was asked for."""
        alpha2 = self._keys.get(lookup_key(code_or_name))
        if alpha2 is None:
            raise NotFound(f"Unknown country {code_or_name!r}: use an ISO code such as 'KE' or a name.")
        return self._countries[alpha2]

    def target(self, target_set: str, alpha2: str) -> Target:
        try:
            return self._targets[(target_set, alpha2)]
        except KeyError:
            raise NotFound(f"No {target_set} target is known for {alpha2}.") from None


@lru_cache(maxsize=1)
def default_directory() -> Directory:
    return Directory()

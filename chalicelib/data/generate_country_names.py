"""Rebuild country_names.csv: every state's name in the six UN languages, from Babel's CLDR territory names; and
country_order.csv: each state's place when the names are sorted by that language's CLDR collation (ICU, through
PyICU: French "Égypte" among the E's, Spanish "Ñ" after "N", Chinese by pinyin, Arabic and Russian in their
alphabets). The Lambda, the tests and `make run` read only the two committed files: neither Babel's nor ICU's
collation is needed to use them, only to regenerate them.

Usage (from the repository root):

    .venv/bin/python chalicelib/data/generate_country_names.py

Babel is in requirements-dev.txt. PyICU is not (it compiles against the system's ICU, which a fresh machine
lacks; no pure-Python package applies CLDR's tailored collations, Chinese pinyin order among them). Install it
only to regenerate, e.g. on Debian or Ubuntu:

    sudo apt-get install libicu-dev pkg-config
    .venv/bin/pip install pyicu

English keeps the UN short name of countries.csv (the name letters already use). The other languages take
CLDR's name (Babel, a development dependency: the Lambda package carries only this small file). The one
overrides are the State of Palestine, which CLDR calls "Palestinian Territories", and the Holy See, which CLDR
names as Vatican City: the UN's own names are kept.
"""

import csv
import io
import os

from babel import Locale

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "country_names.csv")
ORDER = os.path.join(HERE, "country_order.csv")
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
UN_NAMES = {
    "VA": {  # CLDR names Vatican City State; the UN observer (and the directory's targets) is the Holy See
        "ar": "الكرسي الرسولي",
        "es": "Santa Sede",
        "fr": "Saint-Siège",
        "ru": "Святейший Престол",
        "zh": "教廷",
    },
    "PS": {
        "ar": "دولة فلسطين",
        "es": "Estado de Palestina",
        "fr": "État de Palestine",
        "ru": "Государство Палестина",
        "zh": "巴勒斯坦国",
    },
}


def main() -> None:
    with open(os.path.join(HERE, "countries.csv"), encoding="utf-8", newline="") as f:
        countries = list(csv.DictReader(f))
    territories = {language: Locale.parse(language).territories for language in LANGUAGES}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("alpha2", *LANGUAGES))
    rows = []
    for country in countries:
        alpha2 = country["alpha2"]
        names = []
        for language in LANGUAGES:
            if language == "en":
                names.append(country["un_name"])
                continue
            name = UN_NAMES.get(alpha2, {}).get(language) or territories[language].get(alpha2)
            if not name:
                raise SystemExit(f"Babel has no {language} name for {alpha2}")
            names.append(name)
        writer.writerow((alpha2, *names))
        rows.append((alpha2, names))
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())
    print(f"wrote {len(countries)} rows to {OUT}")
    write_order(rows)


def write_order(rows: list[tuple[str, list[str]]]) -> None:
    """Each state's position (1 first) in each language's collation of the names above."""
    try:
        from icu import Collator
        from icu import Locale as IcuLocale
    except ImportError:
        raise SystemExit(
            "country_order.csv needs PyICU: apt-get install libicu-dev pkg-config, then .venv/bin/pip install pyicu"
        ) from None

    place: dict[str, list[int]] = {alpha2: [] for alpha2, _ in rows}
    for i, language in enumerate(LANGUAGES):
        collator = Collator.createInstance(IcuLocale(language))
        ordered = sorted(rows, key=lambda row: collator.getSortKey(row[1][i]))
        for n, (alpha2, _) in enumerate(ordered, 1):
            place[alpha2].append(n)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("alpha2", *LANGUAGES))
    for alpha2, _ in rows:
        writer.writerow((alpha2, *place[alpha2]))
    with open(ORDER, "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())
    print(f"wrote {len(rows)} rows to {ORDER}")


if __name__ == "__main__":
    main()

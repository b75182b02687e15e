"""A campaign's letters as CSV that is safe to open in a spreadsheet, streamed row by row whatever its size."""

from __future__ import annotations

import csv
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Protocol

from chalicelib.console.letter_queries import MAX_PAGE, LetterFilter, LetterQueries
from chalicelib.console.letter_rows import COLUMNS, letter_row

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets (tab and CR
# too, and their full-width forms in some locales): a supporter's name such as =HYPERLINK(...) must stay text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PROGRESS_EVERY = 1_000


class TextSink(Protocol):
    def write(self, text: str) -> Any: ...


def spreadsheet_safe(value: str) -> str:
    """Prefix a would-be formula with an apostrophe, which spreadsheets show as text (OWASP's advice)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def export_rows(
    queries: LetterQueries, campaign: str, filters: LetterFilter, country_name: Callable[[str], str], *, reveal: bool
) -> Iterator[dict[str, str]]:
    """Every matching letter as a row, newest first, fetched a hundred at a time."""
    entries = queries.all_entries(campaign, filters)
    while batch := list(islice(entries, MAX_PAGE)):
        for item in queries.letters(entry["letter_id"] for entry in batch):
            yield letter_row(item, country_name, reveal=reveal)


def write_csv(rows: Iterable[dict[str, str]], out: TextSink, progress: Callable[[int], None] | None = None) -> int:
    """Write a header and the rows (UTF-8 with a BOM, so Excel reads accents right); returns the row count."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for count, row in enumerate(rows, start=1):
        writer.writerow([spreadsheet_safe(row[column]) for column in COLUMNS])
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    if progress:
        progress(count)
    return count

"""What an organiser sees of one letter: a flat row, with the supporter's name and email masked unless revealed."""

from __future__ import annotations

from typing import Any, Callable

from chalicelib.directory import Directory
from chalicelib.errors import NotFound

COLUMNS = (
    "letter_id",
    "created_at",
    "updated_at",
    "status",
    "country",
    "country_name",
    "target_set",
    "target_name",
    "address_origin",
    "language",
    "partner",
    "supporter_name",
    "supporter_email",
    "failure_reason",
)


def mask_email(email: str) -> str:
    """j***@example.org: enough to recognise a supporter you know, not enough to write to them."""
    if not email:  # deleted at the supporter's request, or at expiry
        return ""
    local, at, domain = email.partition("@")
    return f"{local[:1]}***{at}{domain}" if at else "***"


def mask_name(name: str) -> str:
    """The first name and the initials of the rest: "Amina Wanjiru" -> "Amina W."."""
    first, *rest = name.split() or [""]
    return " ".join([first, *(f"{word[0]}." for word in rest)])


def letter_row(item: dict[str, Any], country_name: Callable[[str], str], *, reveal: bool) -> dict[str, str]:
    """One row of the log or the export, from the letter's stored fields."""
    name, email = item.get("supporter_name", ""), item.get("supporter_email", "")
    row = {column: str(item.get(column, "")) for column in COLUMNS}
    row["country_name"] = country_name(row["country"])
    row["supporter_name"] = name if reveal else mask_name(name)
    row["supporter_email"] = email if reveal else mask_email(email)
    return row


def country_names(directory: Directory) -> Callable[[str], str]:
    """Code -> the country's name (the code itself if the directory does not know it)."""

    def name(code: str) -> str:
        try:
            return directory.country(code).name
        except NotFound:
            return code

    return name

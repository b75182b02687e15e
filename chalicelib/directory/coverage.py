"""How much of the world each target set can reach: sourced emails, websites or forms only, nothing, failing."""

from __future__ import annotations

from typing import Iterable

from chalicelib.directory.index import Directory
from chalicelib.directory.records import DIRECTORY_SETS

COLUMNS = ("countries", "email", "email_verified", "email_override", "website_only", "none", "failing")


def coverage(directory: Directory, failing: Iterable[tuple[str, str]] = ()) -> dict[str, dict[str, int]]:
    """{set: {countries, email, email_verified, email_override, website_only, none, failing}}; `failing` holds
    (set, alpha2); `email_override` counts organisers' stored corrections, if the directory applies them."""
    failing_by_set: dict[str, set[str]] = {}
    for target_set, alpha2 in failing:
        failing_by_set.setdefault(target_set, set()).add(alpha2)
    known = {c.alpha2 for c in directory.countries()}
    report = {}
    for target_set in DIRECTORY_SETS:
        targets = [t for t in directory.targets(target_set) if t.country in known]
        with_email = [t for t in targets if t.email]
        report[target_set] = {
            "countries": len(targets),
            "email": len(with_email),
            "email_verified": sum(1 for t in with_email if t.verified),
            "email_override": sum(1 for t in with_email if t.stored_override),
            "website_only": sum(1 for t in targets if not t.email and (t.website or t.contact_form_url)),
            "none": sum(1 for t in targets if not (t.email or t.website or t.contact_form_url)),
            "failing": len(failing_by_set.get(target_set, set()) & {t.country for t in targets}),
        }
    return report


def coverage_table(report: dict[str, dict[str, int]], *, health_checked: bool) -> str:
    """The report as a plain-text table for a terminal."""
    headings = ("target set", "countries", "email", "verified", "override", "website/form only", "nothing", "failing")
    rows = [
        (s, *(str(counts[c]) if c != "failing" or health_checked else "-" for c in COLUMNS))
        for s, counts in report.items()
    ]
    widths = [max(len(r[i]) for r in [headings, *rows]) for i in range(len(headings))]
    lines = [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths)))
        for r in [headings, *rows]
    ]
    if not health_checked:
        lines.append("failing: not checked (add --health to read target health from DynamoDB)")
    return "\n".join(lines)

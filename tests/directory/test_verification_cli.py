"""`directory verify` (who, when, how; the row keeps its source) and `directory stale` (rows due a re-check, as of
the injected clock or --now), on a temporary copy of the data."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from support.directory_files import copy_data, rows_of

from chalicelib.cli.directory import main
from chalicelib.directory.merge import merge_row
from chalicelib.directory.records import target_set_path
from chalicelib.directory.verification import months_before

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc)
NY = "un-mission-new-york"


@pytest.fixture
def data(tmp_path):
    return copy_data(tmp_path)


def run(data, *argv: str, clock=lambda: NOW) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--data", str(data), *argv], out=out, err=err, clock=clock)
    return code, out.getvalue(), err.getvalue()


def row(data, target_set, alpha2):
    return next(r for r in rows_of(target_set_path(data, target_set)) if r["alpha2"] == alpha2)


def test_verify_records_who_when_and_how_and_keeps_the_source(data):
    before = row(data, NY, "KE")
    assert before["verified"] == "false"
    code, out, err = run(
        data, "verify", "Kenya", NY, "--by", "Ana", "--how", "on the source page", "--source", before["source"]
    )
    assert code == 0, err
    after = row(data, NY, "KE")
    assert (after["verified"], after["verified_on"], after["verified_by"], after["verified_how"]) == (
        "true",
        "2026-11-26",
        "Ana",
        "on the source page",
    )
    assert {k: v for k, v in after.items() if not k.startswith("verified")} == {
        k: v for k, v in before.items() if not k.startswith("verified")
    }
    assert "verified on 2026-11-26 by Ana" in out
    # the file stays valid, and other files keep their shape
    assert run(data, "validate", str(target_set_path(data, NY)))[0] == 0
    assert "verified_by" not in target_set_path(data, "foreign-ministry").read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--by", "Ana", "--how", "page", "--source", "https://elsewhere.example.org/"), "source"),
        (("--by", "Ana\r\nX", "--how", "page"), "by"),
        (("--by", "Ana", "--how", "  "), "how"),
    ],
)
def test_verify_refuses_naming_the_field_and_changes_nothing(data, args, field):
    before = target_set_path(data, NY).read_bytes()
    code, _, err = run(data, "verify", "KE", NY, *args)
    assert code == 1 and err.startswith(f"{field}: ") and "Nothing was changed." in err
    assert target_set_path(data, NY).read_bytes() == before


def test_verify_an_unknown_country_or_a_row_without_an_address(data):
    assert run(data, "verify", "Atlantis", NY, "--by", "A", "--how", "h")[2].startswith("country: Unknown country")
    bare = next(
        r["alpha2"]
        for r in rows_of(target_set_path(data, "un-mission-geneva"))
        if not r["email"] and not r["website"] and not r["contact_form_url"]
    )
    code, _, err = run(data, "verify", bare, "un-mission-geneva", "--by", "A", "--how", "h")
    assert code == 1 and "has no address to verify" in err


def test_stale_lists_rows_not_verified_within_the_period_as_of_the_clock(data):
    emails = sum(
        1
        for s in ("foreign-ministry", "un-mission-geneva", NY)
        for r in rows_of(target_set_path(data, s))
        if r["email"]
    )
    run(data, "verify", "KE", NY, "--by", "Ana", "--how", "page")  # on 2026-11-26
    # WHEN asked on 2026-12-04 for rows not checked within 30 days, THEN every email row but Kenya's is listed
    code, out, err = run(data, "--now", "2026-12-04", "stale", "--days", "30", "--json")
    report = json.loads(out)
    assert report["as_of"] == "2026-12-04" and report["checked_since"] == "2026-11-04"
    assert len(report["rows"]) == emails - 1 and ("KE", NY) not in {
        (r["country"], r["target_set"]) for r in report["rows"]
    }
    # ... and 45 days later Kenya is due again, after the rows never verified, with its age
    later = json.loads(run(data, "stale", "--days", "30", "--json", clock=lambda: NOW + dt.timedelta(days=45))[1])
    kenya = later["rows"][-1]
    assert (kenya["country"], kenya["target_set"]) == ("KE", NY) and len(later["rows"]) == emails
    assert kenya["days_since"] == 45 and kenya["verified_on"] == "2026-11-26"
    # --months and --set narrow it; the text form ends with a count
    code, out, err = run(data, "--now", "2027-12-01", "stale", "--months", "12", "--set", NY)
    assert code == 0 and out.count("\n") == sum(1 for r in rows_of(target_set_path(data, NY)) if r["email"])
    assert err.startswith(f"{out.count(chr(10))} row(s) with an email not verified since 2026-12-01")


def test_changing_a_verified_rows_address_clears_who_verified_it():
    current = {
        "alpha2": "KE",
        "email": "a@kenya.org",
        "source": "https://x.org/",
        "verified": "true",
        "verified_on": "2026-11-26",
        "verified_by": "Ana",
        "verified_how": "page",
    }
    merged = merge_row(current, {"email": "b@kenya.org"})
    assert (merged["verified"], merged["verified_on"], merged["verified_by"], merged["verified_how"]) == (
        "false",
        "",
        "",
        "",
    )


def test_months_before_keeps_the_day_or_the_months_last():
    assert months_before(dt.date(2026, 12, 4), 12) == dt.date(2025, 12, 4)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 15)

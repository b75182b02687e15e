"""Importing sourced leads: the file's own columns, the address kind from its evidence, conflicts kept for review."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from support.directory_files import copy_data, edit_row, rows_of, write_targets

from chalicelib.cli.directory import main
from chalicelib.directory.records import leads_path, target_set_path

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc)
HEADER = "country,target_set,email,website,contact_form,source,license,evidence"
BLUE_BOOK = "https://bluebook.e-delegate.un.org/"
WIKIDATA = "https://www.wikidata.org/wiki/Q1"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err, clock=lambda: NOW, health=lambda: pytest.fail("no AWS here"))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def data(tmp_path):
    return copy_data(tmp_path)


def by_country(path):
    return {r["alpha2"]: r for r in rows_of(path)}


def unsourced(data, target_set, *countries):
    """Make rows of the shipped data carry no address and cite nothing, as before the first import."""
    for alpha2 in countries:
        edit_row(
            target_set_path(data, target_set), alpha2, email="", source="", license="", evidence="", address_kind=""
        )


def test_a_leads_file_is_imported_into_each_set_it_names_with_its_source_evidence_and_kind(data, tmp_path):
    # GIVEN a file in the shape of directory-sources/contacts-found.csv, naming two sets
    unsourced(data, "un-mission-new-york", "UG", "TZ")
    unsourced(data, "foreign-ministry", "TZ")
    leads = write_targets(
        tmp_path / "found.csv",
        HEADER,
        f'UG,un-mission-new-york,pm@gmail.com,,,{BLUE_BOOK},UN terms,"UN e-Blue Book record 1 (Uganda): MC_eMail=x"',
        f'TZ,un-mission-new-york,mission@tz.example.org,,,{BLUE_BOOK},UN terms,"UN e-Blue Book record 2: MC_eMail=y"',
        f"TZ,foreign-ministry,press@mfa.example.tz,,https://example.tz/contact,{WIKIDATA},CC0,"
        '"Wikidata Q1: P968 email=press@mfa.example.tz; FLAG: address is press@ (a press desk)"',
    )

    # WHEN the import command reads it without --set
    code, out, _ = run("--data", str(data), "import", str(leads))

    # THEN each set gets its rows, with the publishing page, the evidence and the kind it makes the address
    assert code == 0, out
    assert "foreign-ministry: 0 added, 1 changed" in out and "un-mission-new-york: 0 added, 2 changed" in out
    missions = by_country(target_set_path(data, "un-mission-new-york"))
    assert (missions["UG"]["email"], missions["UG"]["address_kind"]) == ("pm@gmail.com", "free-mail")
    assert (missions["TZ"]["address_kind"], missions["TZ"]["source"]) == ("registry", BLUE_BOOK)
    assert missions["TZ"]["evidence"].startswith("UN e-Blue Book record 2") and missions["TZ"]["license"] == "UN terms"
    assert missions["TZ"]["verified"] == "false"  # unverified until someone confirms it on the source page
    ministry = by_country(target_set_path(data, "foreign-ministry"))["TZ"]
    assert (ministry["address_kind"], ministry["contact_form_url"]) == ("desk", "https://example.tz/contact")
    assert run("--data", str(data), "validate")[0] == 0


def test_a_conflicting_email_is_kept_as_a_lead_and_validate_shows_both(data, tmp_path):
    # GIVEN a row with a sourced email
    path = target_set_path(data, "un-mission-new-york")
    edit_row(path, "UG", email="old@ug.example.org", source="https://ug.example.org/contact")
    before = path.read_bytes()
    leads = write_targets(
        tmp_path / "found.csv", HEADER, f'UG,un-mission-new-york,new@ug.example.org,,,{BLUE_BOOK},,"UN e-Blue Book"'
    )

    # WHEN a lead gives another address
    code, out, _ = run("--data", str(data), "import", str(leads))

    # THEN nothing is overwritten: the lead is kept, and validate shows both sides (and still passes)
    assert code == 0
    assert "1 kept as leads (conflicts)" in out and f"lead {leads}:2:email: conflicts with the current row" in out
    assert path.read_bytes() == before
    assert by_country(leads_path(data, "un-mission-new-york"))["UG"]["email"] == "new@ug.example.org"
    code, out, err = run("--data", str(data), "validate")
    assert code == 0
    [line] = [line for line in out.splitlines() if line.startswith("conflict ") and ":email: " in line]
    assert "current 'old@ug.example.org' (source https://ug.example.org/contact)" in line
    assert f"lead 'new@ug.example.org' (source {BLUE_BOOK})" in line
    assert "lead conflict(s) to decide" in err


def test_a_lead_fills_an_empty_email_but_keeps_its_differing_website_for_review(data, tmp_path):
    # GIVEN an unsourced website and no email
    path = target_set_path(data, "foreign-ministry")
    edit_row(path, "UG", website="https://mofa.example.ug", email="", source="")
    leads = write_targets(
        tmp_path / "found.csv",
        HEADER,
        f'UG,foreign-ministry,info@mofa.example.ug,http://www.mofa.example.ug/,,{WIKIDATA},CC0,"Wikidata Q1: P968"',
    )

    # WHEN the lead is imported
    code, out, _ = run("--data", str(data), "import", str(leads))

    # THEN the email is merged with its source, the website stays, and the other website waits as a lead
    row = by_country(path)["UG"]
    assert code == 0
    assert (row["email"], row["website"], row["source"]) == (
        "info@mofa.example.ug",
        "https://mofa.example.ug",
        WIKIDATA,
    )
    assert f"lead {leads}:2:website: conflicts with the current row" in out
    assert by_country(leads_path(data, "foreign-ministry"))["UG"]["website"] == "http://www.mofa.example.ug/"


def test_a_lead_from_another_page_never_adds_to_a_row_that_cites_one(data, tmp_path):
    # GIVEN two rows for one mission in the same file, from two pages
    unsourced(data, "un-mission-new-york", "UG")
    leads = write_targets(
        tmp_path / "found.csv",
        HEADER,
        f'UG,un-mission-new-york,pm@ug.example.org,,,{BLUE_BOOK},,"UN e-Blue Book record 1"',
        f'UG,un-mission-new-york,,,https://ug.example.org/contact,{WIKIDATA},CC0,"Wikidata Q1: P11266"',
    )

    # WHEN imported THEN the second is kept whole as a lead: the row would otherwise cite the wrong page
    code, out, _ = run("--data", str(data), "import", str(leads))
    row = by_country(target_set_path(data, "un-mission-new-york"))["UG"]
    assert code == 0 and f"lead {leads}:3:source: conflicts with row 2 of this file" in out
    assert (row["email"], row["contact_form_url"], row["source"]) == ("pm@ug.example.org", "", BLUE_BOOK)


def test_validate_refuses_an_address_kind_its_evidence_does_not_give(data):
    # GIVEN a free-mail address someone marked "general"
    path = target_set_path(data, "un-mission-new-york")
    number = edit_row(
        path, "UG", email="pm@gmail.com", source=BLUE_BOOK, evidence="UN e-Blue Book", address_kind="general"
    )

    # WHEN validated THEN the kind is refused, naming what the rules make it
    code, out, _ = run("--data", str(data), "validate", str(path))
    assert code == 1
    assert out.startswith(f"{path}:{number}:address_kind: 'general' does not follow from this row's email and evidence")
    assert "which make it 'free-mail'" in out


def test_files_without_the_provenance_columns_stay_valid(data, tmp_path):
    # GIVEN an override file written before address_kind, license and evidence existed
    old = write_targets(
        tmp_path / "old.csv",
        "alpha2,name_en,name_local,addressee,website,email,contact_form_url,source,verified,verified_on",
        "UG,Ministry,,Minister,,m@ug.example.org,,https://ug.example.org,false,",
    )
    # WHEN validated THEN it passes
    assert run("--data", str(data), "validate", str(old))[0] == 0

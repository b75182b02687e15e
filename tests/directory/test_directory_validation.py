"""`validate`: each kind of bad row in the directory's files gives its own message, as file:row:column: message."""

from __future__ import annotations

import datetime as dt

import pytest
from support.directory_files import copy_data, edit_row, row_number, rows_of, write_targets

from chalicelib.directory.records import TARGET_COLUMNS, countries_path, target_set_path
from chalicelib.directory.validation import check_file

TODAY = dt.date(2026, 11, 26)
SOURCE = "https://example.org/contact"


@pytest.fixture
def data(tmp_path):
    return copy_data(tmp_path)


def test_the_shipped_data_is_valid(data):
    for path in [countries_path(data), *(data / "targets").glob("*.csv")]:
        assert check_file(path, data, TODAY) == []


@pytest.mark.parametrize(
    "cells,column,message",
    [
        ({"email": "not-an-address", "source": SOURCE}, "email", "not a valid email address ('not-an-address')"),
        ({"email": "info@example.org", "source": ""}, "source", "an email needs a source: the URL of the page"),
        ({"website": "www.example.org"}, "website", "not a web address ('www.example.org')"),
        ({"contact_form_url": "javascript:alert(1)"}, "contact_form_url", "not a web address"),
        ({"source": "https://exa mple.org"}, "source", "not a web address"),
        ({"verified": "yes"}, "verified", "must be true or false, not 'yes'"),
        ({"verified": "true", "source": SOURCE, "verified_on": ""}, "verified_on", "a verified row needs the date"),
        ({"verified": "true", "source": "", "verified_on": "2026-01-02"}, "source", "a verified row needs the URL"),
        (
            {"verified": "true", "source": SOURCE, "verified_on": "2026-13-01"},
            "verified_on",
            "not a date ('2026-13-01')",
        ),
        (
            {"verified": "true", "source": SOURCE, "verified_on": "2027-01-01"},
            "verified_on",
            "2027-01-01 is in the future",
        ),
        ({"verified": "false", "verified_on": "2026-01-02"}, "verified_on", "has a date but verified is false"),
        ({"name_en": ""}, "name_en", "must not be empty"),
        ({"addressee": ""}, "addressee", "must not be empty"),
        ({"name_en": "Ministry\nof Foreign Affairs"}, "name_en", "contains a line break"),
        ({"addressee": "Minister =?utf-8?q?x?="}, "addressee", "contains the sequence '=?'"),
        ({"name_local": "Wizara\x07"}, "name_local", "invisible control character"),
    ],
)
def test_each_kind_of_bad_target_cell_has_its_own_message(data, cells, column, message):
    path = target_set_path(data, "foreign-ministry")
    row = edit_row(path, "KE", **cells)

    problems = check_file(path, data, TODAY)

    assert [(p.row, p.column) for p in problems] == [(row, column)]
    assert message in problems[0].message
    assert str(problems[0]).endswith(f":{row}:{column}: {problems[0].message}")


def test_unknown_and_malformed_country_codes_and_duplicates(data):
    path = target_set_path(data, "un-mission-geneva")
    ke = edit_row(path, "KE", alpha2="XK")
    fi = edit_row(path, "FI", alpha2="Finland")

    messages = {(p.row, p.column): p.message for p in check_file(path, data, TODAY)}

    assert "unknown country 'XK'" in messages[(ke, "alpha2")]
    assert "not an ISO 3166-1 alpha-2 code ('Finland')" in messages[(fi, "alpha2")]
    assert messages[(None, "alpha2")] == "no row for 2 state(s): FI, KE"


def test_a_duplicate_row_names_the_first_one(data):
    path = target_set_path(data, "un-mission-new-york")
    rows = rows_of(path)
    first = row_number(path, "KE")
    rows.append(dict(next(r for r in rows if r["alpha2"] == "KE")))
    from chalicelib.directory.records import TARGET_COLUMNS, write_csv

    write_csv(path, TARGET_COLUMNS, rows)

    [problem] = check_file(path, data, TODAY)

    assert problem.column == "alpha2" and problem.message == f"duplicate row for KE (first on row {first})"


def test_ragged_rows_and_bad_headers_are_named(tmp_path, data):
    header = "alpha2,name_en,name_local,addressee,website,email,contact_form_url,source,verified,verified_on"
    ragged = write_targets(
        tmp_path / "extra.csv",
        header,
        "KE,Ministry, of Foreign Affairs,,Minister,,,,,false,",
        "UG,Ministry of Foreign Affairs,,Minister,,",
    )
    bad_header = write_targets(tmp_path / "header.csv", "alpha2,name_en,colour,name_en", "KE,Ministry,blue,x")

    assert [str(p).split(":", 1)[1] for p in check_file(ragged, data, TODAY)] == [
        "2:-: 1 more cell(s) than the header has columns (an unquoted comma?)",
        "3:contact_form_url: the row ends before this column",
    ]
    assert [str(p).split(":", 1)[1] for p in check_file(bad_header, data, TODAY)] == [
        "1:colour: unknown column; the columns are: " + ", ".join(TARGET_COLUMNS),
        "1:name_en: this column appears twice",
    ]


def test_a_partial_file_needs_only_alpha2_but_each_row_must_set_something(tmp_path, data):
    path = write_targets(tmp_path / "overrides.csv", "alpha2,addressee", "KE,Ambassador Jane Doe", "UG,")

    [problem] = check_file(path, data, TODAY)

    assert (problem.row, problem.column) == (3, "alpha2")
    assert "sets nothing" in problem.message


def test_a_missing_file_and_a_file_that_is_not_utf8_are_reported(tmp_path, data):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("alpha2,name_en\r\nCI,Côte\r\n".encode("latin-1"))
    assert "no such file" in str(check_file(tmp_path / "nope.csv", data, TODAY)[0])
    assert "not UTF-8" in str(check_file(latin, data, TODAY)[0])


@pytest.mark.parametrize(
    "alpha2,cells,column,message",
    [
        ("KE", {"alpha2": "XX"}, "alpha2", "'XX' is not an ISO 3166-1 alpha-2 code"),
        ("KE", {"alpha3": "KNY"}, "alpha3", "'KNY' is not the alpha-3 code of KE (ISO 3166-1 says KEN)"),
        ("KE", {"language": "sw"}, "language", "unknown letter language 'sw': use one of ar, en, es, fr, ru, zh"),
        ("KE", {"timezone": "Africa/Atlantis"}, "timezone", "unknown IANA time zone 'Africa/Atlantis'"),
        ("KE", {"un_name": ""}, "un_name", "must not be empty"),
        ("CD", {"aliases": "DRC;Congo"}, "aliases", "'Congo' already names CG"),
        ("KE", {"aliases": "Kenya\tRepublic"}, "aliases", "invisible control character"),
    ],
)
def test_each_kind_of_bad_country_row_has_its_own_message(data, alpha2, cells, column, message):
    path = countries_path(data)
    row = edit_row(path, alpha2, **cells)

    problems = check_file(path, data, TODAY)

    assert [(p.row, p.column) for p in problems] == [(row, column)]
    assert message in problems[0].message


def test_countries_must_be_the_193_members_and_2_observers_without_repeats(data):
    path = countries_path(data)
    edit_row(path, "VA", status="candidate")
    row = edit_row(path, "KE", alpha3="UGA", alpha2="UG")  # sorted just before the real UG

    messages = [str(p).split(":", 1)[1] for p in check_file(path, data, TODAY)]

    assert any(m.endswith("status: must be member or observer, not 'candidate'") for m in messages)
    assert f"{row + 1}:alpha2: duplicate code UG (first on row {row})" in messages
    assert f"{row + 1}:alpha3: duplicate code UGA (first on row {row})" in messages
    assert "-:status: expected 193 members and 2 observers, found 193 and 1" in messages

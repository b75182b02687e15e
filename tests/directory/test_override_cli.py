"""`python -m chalicelib.cli.directory override …` and `export --overrides`: organisers' stored corrections from
the command line, and written back to the set's CSV for a pull request (which `validate` accepts)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from support.directory_files import copy_data

from chalicelib.cli.directory import main
from chalicelib.directory.overrides import AUDIT_PK, StoredOverrides
from chalicelib.directory.records import parse_table

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc)
SOURCE = "https://www.un.int/kenya/contacts"


@pytest.fixture
def data(tmp_path):
    return copy_data(tmp_path)


@pytest.fixture
def run(services, data):
    calls = []

    def run(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        calls.append(argv)
        at = NOW + dt.timedelta(minutes=len(calls))  # one command a minute: the history has an order
        code = main(
            ["--aws", "--data", str(data), *argv],
            out=out,
            err=err,
            clock=lambda: at,
            health=lambda: pytest.fail("no health here"),
            overrides=lambda directory, clock: StoredOverrides(services.aws.table, clock, directory),
        )
        return code, out.getvalue(), err.getvalue()

    return run


SET_KE = ("override", "set", "--set", "un-mission-new-york", "--country", "Kenya", "--by", "Ana")


def test_set_list_history_and_clear(run, services):
    code, out, err = run(*SET_KE, "--email", "registry@kenya-mission.org", "--kind", "registry", "--source", SOURCE)
    assert code == 0, err
    assert "info@kenyaun.org (general) -> registry@kenya-mission.org (registry)\tcli: Ana" in out
    assert "within 60 s" in err
    (listed,) = json.loads(run("override", "list", "--json")[1])
    assert listed["country"] == "KE" and listed["set_by"] == "cli: Ana" and listed["set_at"].startswith("2026-11-26")
    code, out, _ = run("override", "clear", "--set", "un-mission-new-york", "--country", "KE", "--by", "Ana")
    assert code == 0 and "registry@kenya-mission.org (registry) -> info@kenyaun.org (general)" in out
    history = json.loads(run("override", "history", "--country", "KEN", "--json")[1])
    assert [h["action"] for h in history] == ["clear", "set"]
    assert run("override", "list")[2] == "0 correction(s) in effect\n"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("--source", "http://www.un.int/kenya/"), "source"),
        (("--source", ""), "source"),
        (("--email", "a@b@c"), "email"),
        (("--kind", "personal"), "address_kind"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(run, services, change, field):
    given = {"--email": "registry@kenya-mission.org", "--kind": "registry", "--source": SOURCE}
    given[change[0]] = change[1]
    code, out, err = run(*SET_KE, *(part for pair in given.items() for part in pair))
    assert code == 1 and err.startswith(f"{field}: ") and "Nothing was changed." in err
    assert (
        services.aws.table.query(KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": AUDIT_PK})[
            "Items"
        ]
        == []
    )


def test_unknown_country_or_set_is_named(run):
    code, _, err = run(
        *SET_KE[:5], "Atlantis", "--by", "Ana", "--email", "a@kenya.org", "--kind", "general", "--source", SOURCE
    )
    assert code == 1 and err.startswith("country: Unknown country 'Atlantis'")
    bad_set = ("override", "set", "--set", "parliament", "--country", "KE", "--by", "Ana")
    code, _, err = run(*bad_set, "--email", "a@kenya.org", "--kind", "general", "--source", SOURCE)
    assert code == 1 and err.startswith("target_set: Unknown target set 'parliament'")


def test_export_with_overrides_writes_a_file_validate_accepts(run, data, tmp_path):
    run(*SET_KE, "--email", "press@kenya-mission.org", "--kind", "desk", "--source", SOURCE, "--note", "only one")
    code, out, _ = run("export", "--set", "un-mission-new-york", "--overrides")
    assert code == 0
    rows = {r.cells["alpha2"]: r.cells for r in parse_table(tmp_path / "x.csv", out).rows}
    assert rows["KE"]["email"] == "press@kenya-mission.org" and rows["KE"]["source"] == SOURCE
    assert rows["KE"]["verified"] == "false" and rows["KE"]["evidence"].startswith("organiser correction by cli: Ana")
    # the plain export is the file as it is
    assert "press@kenya-mission.org" not in run("export", "--set", "un-mission-new-york")[1]
    # WHEN the merged export replaces the file, THEN validate accepts it (the kind follows from its evidence)
    (data / "targets" / "un-mission-new-york.csv").write_text(out, encoding="utf-8", newline="")
    code, out, err = run("validate", str(data / "targets" / "un-mission-new-york.csv"))
    assert code == 0, out


def test_coverage_counts_overrides_when_asked_to_read_them(run):
    # GIVEN Kenya's ministry, which publishes no email, gets one by an organiser's correction
    ministry = ("override", "set", "--set", "foreign-ministry", "--country", "KE", "--by", "Ana")
    assert (
        run(*ministry, "--email", "info@mfa.go.ke", "--kind", "general", "--source", "https://www.mfa.go.ke/")[0] == 0
    )
    plain = json.loads(run("coverage", "--campaign", "hrd-resolution", "--json")[1])
    counted = json.loads(run("coverage", "--campaign", "hrd-resolution", "--json", "--overrides")[1])
    # THEN only the report that reads corrections sends Kenya through its ministry, and counts it as an override
    assert plain["by_origin"]["override"] == 0 and counted["by_origin"]["override"] == 1
    assert counted["by_set"]["foreign-ministry"] == plain["by_set"]["foreign-ministry"] + 1
    assert sum(counted["by_origin"].values()) == counted["reached"]
    sets = json.loads(run("coverage", "--json", "--overrides")[1])
    assert sets["foreign-ministry"]["email_override"] == 1 and sets["un-mission-new-york"]["email_override"] == 0
    assert "addresses: sourced " in run("coverage", "--campaign", "hrd-resolution", "--overrides")[1]

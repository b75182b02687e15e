"""`python -m chalicelib.cli.directory`: validate, import, coverage, export and health, on a temporary copy of the data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.directory_files import copy_data, edit_row, rows_of, write_targets

from chalicelib.cli.directory import main
from chalicelib.directory.records import target_columns, target_set_path, write_csv

TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc)
PROJECT_DIR = Path(__file__).resolve().parents[2]
SOURCE = "https://example.org/mission-contacts"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*argv: str, health=None, err: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), err if err is not None else io.StringIO()
    code = main(
        ["--aws", *argv], out=out, err=err, clock=lambda: NOW, health=health or (lambda: pytest.fail("no AWS here"))
    )
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def data(tmp_path):
    return copy_data(tmp_path)


# --- validate -------------------------------------------------------------------------------------------


def test_validate_passes_on_good_data_and_lists_every_problem_as_file_row_column(data, tmp_path):
    assert run("--data", str(data), "validate")[0] == 0

    path = target_set_path(data, "foreign-ministry")
    ke = edit_row(path, "KE", email="ministry@", source="")
    code, out, err = run("--data", str(data), "validate", str(path))

    assert code == 1
    assert out.splitlines() == [
        f"{path}:{ke}:email: not a valid email address ('ministry@'): There must be something after the @-sign.",
        f"{path}:{ke}:source: an email needs a source: the URL of the page that publishes it (never guess an address)",
    ]
    assert "1 file(s) checked, 2 problem(s)" in err


def test_validate_by_default_checks_campaign_overrides_too(data, tmp_path):
    campaigns = tmp_path / "campaigns"
    bad = write_targets(campaigns / "my-campaign" / "targets" / "un-mission-geneva.csv", "alpha2,email", "KE,x@y")

    code, out, _ = run("--data", str(data), "validate", "--campaigns", str(campaigns))

    assert code == 1
    assert out.startswith(f"{bad}:2:email: not a valid email address")


# --- import ---------------------------------------------------------------------------------------------


def test_import_merges_good_rows_and_rejects_bad_ones_with_reasons(data, tmp_path):
    path = target_set_path(data, "un-mission-geneva")
    kept = [r for r in rows_of(path) if r["alpha2"] != "VA"]
    write_csv(path, target_columns(kept), kept)  # a state without a row
    unchanged = next(r for r in rows_of(path) if r["alpha2"] == "NO")
    before_fr = next(r for r in rows_of(path) if r["alpha2"] == "FR")
    fresh = write_targets(
        tmp_path / "missions.csv",
        "alpha2,name_en,addressee,email,source",
        f"UG,,,geneva@example.org,{SOURCE}",  # changed
        f"NO,{unchanged['name_en']},{unchanged['addressee']},,",  # unchanged
        "VA,Permanent Observer Mission of the Holy See,Permanent Observer,,",  # added
        "FR,,,not-an-email,",  # rejected: email, no source
        "XK,Mission of Kosovo,Ambassador,,",  # rejected: unknown state
        f"UG,,,other@example.org,{SOURCE}",  # kept as a lead: conflicts with row 2
    )

    code, out, _ = run("--data", str(data), "import", str(fresh), "--set", "un-mission-geneva")

    assert code == 1
    assert "un-mission-geneva: 1 added, 1 changed, 1 unchanged, 2 rejected, 1 kept as leads (conflicts) -> " in out
    rejected = [line for line in out.splitlines() if line.startswith("rejected ")]
    assert rejected == [
        f"rejected {fresh}:5:email: not a valid email address ('not-an-email'): An email address must have an @-sign.",
        f"rejected {fresh}:5:source: an email needs a source: the URL of the page that publishes it "
        "(never guess an address)",
        f"rejected {fresh}:6:alpha2: unknown country 'XK': not one of the 195 UN member and observer states",
    ]
    assert f"lead {fresh}:7:email: conflicts with row 2 of this file: kept as a lead" in out
    rows = {r["alpha2"]: r for r in rows_of(path)}
    assert len(rows) == 195
    assert rows["UG"]["email"] == "geneva@example.org" and rows["UG"]["source"] == SOURCE
    assert rows["UG"]["name_en"].startswith("Permanent Mission of Uganda")  # empty cells keep the current value
    assert rows["VA"]["verified"] == "false"
    assert rows["FR"] == before_fr
    assert run("--data", str(data), "validate", str(path))[0] == 0


def test_import_refuses_a_file_with_a_bad_header_and_touches_nothing(data, tmp_path):
    path = target_set_path(data, "foreign-ministry")
    before = path.read_bytes()
    fresh = write_targets(tmp_path / "bad.csv", "code,email", "KE,a@example.org")

    code, out, err = run("--data", str(data), "import", str(fresh), "--set", "foreign-ministry")

    assert code == 1
    assert f"{fresh}:1:code: unknown column" in out and f"{fresh}:1:alpha2: missing column" in out
    assert "nothing imported" in err
    assert path.read_bytes() == before


def test_a_changed_fact_replaced_on_purpose_without_a_new_verification_makes_the_row_unverified(data, tmp_path):
    path = target_set_path(data, "foreign-ministry")
    edit_row(path, "UG", verified="true", verified_on="2026-01-05", source=SOURCE)
    fresh = write_targets(
        tmp_path / "u.csv",
        "country,website,verified,verified_on",
        "Uganda,https://mofa.example.ug,,",
        "Ivory Coast,https://diplomatie.example.ci,true,2026-11-01",
    )

    code, out, _ = run("--data", str(data), "import", str(fresh), "--set", "foreign-ministry", "--replace")

    rows = {r["alpha2"]: r for r in rows_of(path)}
    assert code == 1
    assert f"rejected {fresh}:3:source: a verified row needs the URL it was checked against" in out
    assert (rows["UG"]["website"], rows["UG"]["verified"], rows["UG"]["verified_on"]) == (
        "https://mofa.example.ug",
        "false",
        "",
    )
    # a verified row needs its source: CI has none, so its verification is refused, not half-applied
    assert rows["CI"]["website"] == "https://www.diplomatie.gouv.ci"


def test_import_dry_run_and_country_names_as_keys(data, tmp_path):
    path = target_set_path(data, "un-mission-new-york")
    before = path.read_bytes()
    fresh = write_targets(
        tmp_path / "n.csv", "country,website", "Côte d'Ivoire,https://example.org/ci", "Atlantis,https://example.org/a"
    )

    code, out, _ = run("--data", str(data), "import", str(fresh), "--set", "un-mission-new-york", "--dry-run")

    assert code == 1
    assert f"rejected {fresh}:3:country: unknown country 'Atlantis'" in out
    assert "0 added, 1 changed, 0 unchanged, 1 rejected (dry run: nothing written)" in out
    assert path.read_bytes() == before


def test_a_large_import_shows_a_progress_bar_on_a_terminal(data, tmp_path):
    rows = [[r["alpha2"], r["addressee"]] for r in rows_of(target_set_path(data, "foreign-ministry"))]
    fresh = tmp_path / "big.csv"
    with fresh.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["alpha2", "addressee"], *rows, *rows[:60]])  # 255 rows, 60 repeats
    terminal = Terminal()

    code, out, _ = run("--data", str(data), "import", str(fresh), "--set", "foreign-ministry", err=terminal)

    assert terminal.getvalue().rstrip().endswith("[" + "#" * 30 + "] 255/255 rows")
    assert terminal.getvalue().count("\r") <= 101  # redrawn per percent, not per row
    assert "0 added, 0 changed, 195 unchanged, 0 rejected (no change to write)" in out  # repeats agree
    quiet = io.StringIO()  # not a terminal: no bar unless asked for
    run("--data", str(data), "import", str(fresh), "--set", "foreign-ministry", err=quiet)
    assert "rows" not in quiet.getvalue()


# --- coverage and export --------------------------------------------------------------------------------


def test_coverage_json_counts_195_states_per_set(data, tmp_path):
    path = target_set_path(data, "un-mission-geneva")
    edit_row(path, "UG", email="mission@example.org", source=SOURCE, verified="true", verified_on="2026-11-01")
    edit_row(path, "TZ", website="https://example.org/tz")

    code, out, _ = run("--data", str(data), "coverage", "--json")

    report = json.loads(out)
    assert code == 0
    assert set(report) == {"foreign-ministry", "un-mission-geneva", "un-mission-new-york"}
    for counts in report.values():
        assert list(counts) == [
            "countries",
            "email",
            "email_verified",
            "email_override",
            "website_only",
            "none",
            "failing",
        ]
        assert counts["countries"] == 195 == counts["email"] + counts["website_only"] + counts["none"]
    shipped = json.loads(run("coverage", "--json")[1])["un-mission-geneva"]
    geneva = report["un-mission-geneva"]
    assert geneva["email"] == shipped["email"] + 1 and geneva["email_verified"] == shipped["email_verified"] + 1
    assert geneva["website_only"] == shipped["website_only"] + 1 and geneva["none"] == shipped["none"] - 2


def test_python_dash_m_runs_the_cli():
    done = subprocess.run(
        [sys.executable, "-m", "chalicelib.cli.directory", "coverage", "--json"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert {s: c["countries"] for s, c in json.loads(done.stdout).items()} == {
        "foreign-ministry": 195,
        "un-mission-geneva": 195,
        "un-mission-new-york": 195,
    }


def test_export_prints_the_set_as_its_canonical_csv(data):
    code, out, _ = run("--data", str(data), "export", "--set", "foreign-ministry")
    assert code == 0
    assert out == target_set_path(data, "foreign-ministry").read_bytes().decode("utf-8")


def test_unknown_target_sets_are_refused_by_name(data, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run("--data", str(data), "export", "--set", "parliament")
    assert exit_info.value.code == 2
    assert "invalid choice: 'parliament'" in capsys.readouterr().err


# --- health ---------------------------------------------------------------------------------------------


def test_health_set_list_clear_and_coverage(services, data):
    from chalicelib.directory.health import TargetHealth

    health = lambda: TargetHealth(services.aws.table)  # noqa: E731

    assert (
        run(
            "--data",
            str(data),
            "health",
            "set",
            "--set",
            "foreign-ministry",
            "--country",
            "Kenya",
            "--diagnostic",
            "550 5.1.1 user unknown",
            health=health,
        )[0]
        == 0
    )
    code, out, err = run("--data", str(data), "health", "list", health=health)
    assert out.startswith("foreign-ministry\tKE\tsince ") and out.rstrip().endswith("550 5.1.1 user unknown")
    assert json.loads(run("--data", str(data), "health", "list", "--json", health=health)[1])[0]["country"] == "KE"
    report = json.loads(run("--data", str(data), "coverage", "--json", "--health", health=health)[1])
    assert report["foreign-ministry"]["failing"] == 1 and report["un-mission-geneva"]["failing"] == 0

    code, out, _ = run(
        "--data", str(data), "health", "clear", "--set", "foreign-ministry", "--country", "KEN", health=health
    )
    assert code == 0 and out.startswith("foreign-ministry KE: cleared (failing since ")
    assert (
        "was not failing"
        in run("--data", str(data), "health", "clear", "--set", "foreign-ministry", "--country", "KE", health=health)[1]
    )
    assert TargetHealth(services.aws.table).all_failing() == []
    code, _, err = run(
        "--data", str(data), "health", "clear", "--set", "foreign-ministry", "--country", "Atlantis", health=health
    )
    assert code == 1 and "unknown country 'Atlantis'" in err


# --- coverage of one campaign ---------------------------------------------------------------------------


def test_coverage_of_a_campaign_counts_states_reached_through_its_chain(data):
    # GIVEN the shipped data and the hrd-resolution chain (ministry, then the New York mission)
    # WHEN its coverage in prod is asked for as JSON
    code, out, _ = run("--data", str(data), "coverage", "--campaign", "hrd-resolution", "--stage", "prod", "--json")

    # THEN every member state reaches a sourced address, and the observers are listed with their websites
    report = json.loads(out)
    assert code == 0
    assert report["chain"] == ["foreign-ministry", "un-mission-new-york"]
    assert (report["states"], report["members"], report["members_reached"]) == (195, 193, 193)
    assert sum(report["by_set"].values()) == report["reached"] == sum(report["by_address_kind"].values())
    assert report["by_set"]["foreign-ministry"] == 16 and report["placeholders"] == 0
    unreached = {row["country"]: row for row in report["unreached"]}
    assert set(unreached) == {"VA", "PS"} and all(row["status"] == "observer" for row in unreached.values())
    assert unreached["PS"]["website"] == "http://palestineun.org/"  # found down the chain, not guessed


def test_in_the_local_stage_placeholders_are_listed_never_counted(data):
    # GIVEN a campaign without a chain WHEN its local coverage is asked for
    code, out, _ = run("--data", str(data), "coverage", "--campaign", "hrd-mandate", "--stage", "local", "--json")

    # THEN states with a placeholder are not reached, only marked as such
    report = json.loads(out)
    assert code == 0 and report["reached"] == report["by_set"]["un-mission-geneva"] == 3
    assert report["placeholders"] == 192 and all(row["placeholder"] for row in report["unreached"])

"""Exports: every matching letter as CSV in S3 (never in an API response), spreadsheet formulas escaped, reveals
audited, and the same export from the CLI with a progress bar."""

from __future__ import annotations

import csv
import io
import json

import pytest
from support.letter_factory import make_letter, newest_first, seed

import app as app_module
from chalicelib.cli.admin import main as admin
from chalicelib.console.csv_export import FORMULA_START, spreadsheet_safe, write_csv
from chalicelib.console.export_jobs import MAX_ATTEMPTS, csv_key
from chalicelib.console.letter_queries import LetterFilter, LetterQueries
from chalicelib.console.letter_rows import COLUMNS
from chalicelib.letters.states import Status
from chalicelib.storage import s3_sink
from chalicelib.storage.s3_sink import MB, S3Sink
from localdev.drain import drain_until_empty, sqs_event

CAMPAIGN = "hrd-resolution"
NASTY = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "\uff1d1+1"]


@pytest.fixture
def organiser(client, services):
    token = services.organiser_tokens.create("Exporter", [CAMPAIGN])[0]

    def request(method, path, body=b""):
        response = client.http.request(
            method,
            f"/admin/campaigns/{CAMPAIGN}{path}",
            body=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        return response.status_code, json.loads(response.body)

    return request


@pytest.fixture
def run_exports(services):
    """Run the real export worker over everything on the exports queue, as Lambda would."""
    return lambda: drain_until_empty(services.aws.sqs, services.aws.exports_queue_url, app_module.on_export_message)


def read_csv(text):
    assert text.startswith("\ufeff")  # Excel needs the BOM to read UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


def stored_csv(services, job):
    body = services.aws.s3.get_object(Bucket=services.settings.exports_bucket, Key=csv_key(job))["Body"].read()
    return read_csv(body.decode("utf-8"))


def test_every_formula_start_is_escaped_and_nothing_else_changes():
    for value in NASTY:
        assert value.startswith(FORMULA_START)
        assert spreadsheet_safe(value) == "'" + value
    for value in ["Amina", "a=b", "1-2", "", "'quoted", "Ñoño @home"]:
        assert spreadsheet_safe(value) == value


def test_an_export_job_writes_every_matching_letter_to_s3_and_hands_out_a_link(services, clock, organiser, run_exports):
    # GIVEN 30 letters, some with would-be formulas for names or failure reasons, and another campaign's letter
    letters = []
    for n in range(30):
        clock.advance(minutes=1)
        letters.append(
            make_letter(
                clock,
                country="KE" if n % 3 else "FR",
                name=NASTY[n % len(NASTY)] + " Doe",
                status=Status.FAILED if n % 5 == 0 else Status.SENT,
            )
        )
    seed(services.aws.table, letters + [make_letter(clock, campaign="sg-defenders")])

    # WHEN the organiser asks for the Kenyan letters, and the worker runs
    status, job = organiser("POST", "/exports?country=KE")
    assert (status, job["status"]) == (202, "running")
    run_exports()
    status, done = organiser("GET", f"/exports/{job['export_id']}")

    # THEN the job is done with the right row count and a short-lived link to the CSV in S3
    kenyan = [x for x in letters if x.country == "KE"]
    assert (status, done["status"], done["rows"]) == (200, "done", len(kenyan))
    assert "X-Amz-Signature=" in done["download_url"] and "X-Amz-Expires=900" in done["download_url"]
    rows = stored_csv(services, {**job, "campaign": CAMPAIGN})
    assert list(rows[0]) == list(COLUMNS)
    assert [r["letter_id"] for r in rows] == newest_first(kenyan)
    # AND no cell starts a formula, names and emails are masked
    for row in rows:
        assert not any(cell.startswith(FORMULA_START) for cell in row.values()), row
        assert row["supporter_email"] == "a***@example.org" and row["country_name"] == "Kenya"
    assert sum(row["supporter_name"].startswith("'") for row in rows) >= len(NASTY) // 2


def test_a_revealing_export_is_audited_and_holds_the_real_addresses(services, clock, organiser, run_exports):
    seed(services.aws.table, [make_letter(clock, email="jean@example.org", name="=cmd|' /C calc'!A0")])
    _, job = organiser("POST", "/exports?reveal=1&reason=mail+merge")
    run_exports()
    _, records = organiser("GET", "/audit")
    assert [r["action"] for r in records["records"]] == ["reveal_export"]
    [row] = stored_csv(services, {**job, "campaign": CAMPAIGN})
    assert (row["supporter_name"], row["supporter_email"]) == ("'=cmd|' /C calc'!A0", "jean@example.org")


def test_an_export_id_from_another_campaign_is_not_found(services, organiser, client):
    other = services.exports.request("sg-defenders", LetterFilter(), reveal=False, actor="x")
    status, body = organiser("GET", f"/exports/{other['export_id']}")
    assert status == 404 and "download_url" not in body


def test_a_duplicate_message_for_a_finished_export_does_nothing(services, clock, organiser, run_exports):
    seed(services.aws.table, [make_letter(clock)])
    _, job = organiser("POST", "/exports")
    run_exports()
    services.aws.sqs.send_message(
        QueueUrl=services.aws.exports_queue_url, MessageBody=json.dumps({"export_id": job["export_id"]})
    )
    run_exports()
    _, done = organiser("GET", f"/exports/{job['export_id']}")
    assert (done["status"], done["rows"]) == ("done", 1)


def test_a_crashing_export_aborts_its_upload_retries_and_finally_fails(services, clock, organiser, monkeypatch):
    # GIVEN an export whose upload has begun (every write is a part) when reading the letters starts failing
    seed(services.aws.table, [make_letter(clock) for _ in range(3)])
    _, job = organiser("POST", "/exports")
    monkeypatch.setattr(s3_sink, "PART_SIZE", 1)

    def broken(*args, **kwargs):
        raise RuntimeError("DynamoDB is down")

    monkeypatch.setattr(LetterQueries, "letters", broken)
    body = json.dumps({"export_id": job["export_id"]})
    message = sqs_event(
        [{"MessageId": "m1", "ReceiptHandle": "r1", "Body": body}],
        f"arn:aws:sqs:us-east-1:123456789012:{services.settings.exports_queue_name}",
    )

    # WHEN SQS delivers its message again and again, as it does after each crash
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(RuntimeError):
            app_module.on_export_message(message, None)
    app_module.on_export_message(message, None)

    # THEN no partial upload is left behind, and the job is failed with a plain reason
    uploads = services.aws.s3.list_multipart_uploads(Bucket=services.settings.exports_bucket)
    assert uploads.get("Uploads", []) == []
    _, failed = organiser("GET", f"/exports/{job['export_id']}")
    assert failed["status"] == "failed" and "try again" in failed["error"] and "download_url" not in failed


def test_big_exports_go_to_s3_in_parts_and_arrive_whole(services):
    # GIVEN 12 MB of CSV written through an S3 sink with 5 MB parts (S3's smallest)
    sink = S3Sink(services.aws.s3, services.settings.exports_bucket, "exports/test/big.csv", part_size=5 * MB)
    rows = ({column: f"{n:09d}" + "x" * 60 for column in COLUMNS} for n in range(12 * MB // 900))
    count = write_csv(rows, sink)
    sink.finish()

    # THEN it was uploaded in three parts and reads back complete, in order
    assert sink.parts == 3
    body = services.aws.s3.get_object(Bucket=services.settings.exports_bucket, Key="exports/test/big.csv")["Body"]
    back = read_csv(body.read().decode("utf-8"))
    assert len(back) == count and back[-1]["letter_id"].startswith(f"{count - 1:09d}")


def test_the_cli_exports_with_a_progress_bar(services, clock, tmp_path):
    for country in ["KE", "FR", "KE", "KE"]:
        services.letters.create(make_letter(clock, country=country))  # counted: the bar's total comes from counters
    out, err = io.StringIO(), io.StringIO()

    code = admin(
        ["--aws", "export", "--campaign", CAMPAIGN, "--country", "KE", "--output", str(tmp_path / "ke.csv")],
        out=out,
        err=err,
        services=services,
    )

    assert code == 0 and out.getvalue().strip() == str(tmp_path / "ke.csv")
    rows = read_csv((tmp_path / "ke.csv").read_text(encoding="utf-8"))
    assert len(rows) == 3 and {r["country"] for r in rows} == {"KE"}
    assert "3 / ~3 letters" in err.getvalue() and "3 letters exported." in err.getvalue()


def test_the_cli_names_a_bad_filter(services, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    code = admin(
        ["--aws", "export", "--campaign", CAMPAIGN, "--status", "lost", "-o", str(tmp_path / "x.csv")],
        out=out,
        err=err,
        services=services,
    )
    assert code == 2 and "Unknown status 'lost'" in err.getvalue()
    assert not (tmp_path / "x.csv").exists()

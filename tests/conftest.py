"""Shared fixtures: fake credentials -> mocked AWS -> resources -> services with a clock -> test client.

Also: the AWS call recorder (every call the app's handlers make, for the IAM policy test) and the
deployment package, built once per session.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

# No per-example deadline: a first example that loads campaigns and the directory, on a busy CI machine,
# is slow for reasons that say nothing about the property. Speed belongs in `make bench`, not in tests.
hypothesis_settings.register_profile("demarche", deadline=None)
hypothesis_settings.load_profile("demarche")

from aws_calls import AwsCallRecorder

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

AWS_CALLS = AwsCallRecorder(Path(__file__).resolve().parent)
pytest_plugins = ("simulation",)  # the `simulation` fixture: production wiring over an in-memory table, queue and SES


def pytest_configure(config):
    if os.environ.get("CLOCK_AHEAD_DAYS") and "time_machine" not in sys.modules:
        raise pytest.UsageError("CLOCK_AHEAD_DAYS is set but the clock did not move: put tests/clock_ahead on "
                                "PYTHONPATH (see .ci/run)")
    AWS_CALLS.install()  # before any test creates a boto3 session
    config.pluginmanager.register(AWS_CALLS, "aws-calls")


def pytest_report_header(config):
    return f"calendar: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d} ({os.environ.get('CLOCK_AHEAD_DAYS', '0')} days ahead)"


@pytest.fixture(scope="session")
def aws_calls() -> AwsCallRecorder:
    return AWS_CALLS


@dataclass(frozen=True)
class Packaged:
    stage: str
    out_dir: Path
    zip_path: Path
    template: dict[str, Any]


@pytest.fixture(scope="session")
def packaged(tmp_path_factory) -> Packaged:
    """`make package STAGE=prod`, once per session (seconds): the template and zip every packaging test reads."""
    from infra.package import package

    out_dir = tmp_path_factory.mktemp("dist") / "prod"
    zip_path = package("prod", out_dir)
    return Packaged("prod", out_dir, zip_path, json.loads((out_dir / "sam.json").read_text(encoding="utf-8")))


class Clock:
    """A clock tests can move by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def aws_env(monkeypatch):
    from localdev.stack import LOCAL_ENV

    for name, value in LOCAL_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("DEMARCHE_STAGE", "local")
    monkeypatch.setenv("DEMARCHE_SANDBOX_RECIPIENTS", "1")
    monkeypatch.setenv("DEMARCHE_MAX_SEND_RATE", "14")  # moto has no GetAccount; SES's production default


class _TableSnapshotOncePerTransaction:
    """moto deep-copies the whole table once per item of a TransactWriteItems, all before it changes anything,
    to roll back on failure. Each letter write is a transaction of 4 items, so tests reuse the first copy: the
    same snapshot, a quarter of the cost. Only Table copies are shared, and only within one transaction."""

    def __init__(self, real_copy, table_class) -> None:
        self._real, self._table_class, self.snapshots = real_copy, table_class, None

    def deepcopy(self, obj, memo=None):
        if self.snapshots is None or not isinstance(obj, self._table_class):
            return self._real.deepcopy(obj, memo)
        if id(obj) not in self.snapshots:
            self.snapshots[id(obj)] = self._real.deepcopy(obj, memo)
        return self.snapshots[id(obj)]


def _all_items_unsorted(table):
    """moto sorts every item of the table on every Query and Scan; Query sorts its matches again anyway, and
    DynamoDB promises no order for a Scan. Skipping the first sort makes a Query over 1,000 letters 5x faster."""
    items = []
    for hash_set in table.items.values():
        items.extend(hash_set.values() if table.range_key_attr else [hash_set])
    return items


@pytest.fixture
def aws(aws_env, monkeypatch):
    import copy

    import moto.dynamodb.models as dynamodb_models
    from moto import mock_aws
    from moto.dynamodb.models.table import Table

    from chalicelib.settings import Settings
    from localdev.resources import create_resources

    shim = _TableSnapshotOncePerTransaction(copy, Table)
    transact = dynamodb_models.DynamoDBBackend.transact_write_items

    def transact_with_one_snapshot(self, transact_items):
        shim.snapshots = {}
        try:
            return transact(self, transact_items)
        finally:
            shim.snapshots = None

    monkeypatch.setattr(dynamodb_models, "copy", shim)
    monkeypatch.setattr(Table, "all_items", _all_items_unsorted)
    monkeypatch.setattr(dynamodb_models.DynamoDBBackend, "transact_write_items", transact_with_one_snapshot)
    with mock_aws():
        create_resources(Settings.from_env())
        yield


@pytest.fixture
def clock():
    return Clock(dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc))


@pytest.fixture
def services(aws, clock):
    import app as app_module
    from chalicelib.services import Services

    built = Services(clock=clock, sleep=lambda seconds: clock.advance(seconds=seconds))
    app_module.use_services(built)
    yield built
    app_module.use_services(None)


@pytest.fixture
def client(services):
    from chalice.test import Client

    import app as app_module

    with Client(app_module.app, stage_name="local") as test_client:
        yield test_client


@pytest.fixture
def drain(services):
    """Run the real SQS handler over everything queued, as Lambda would; returns messages processed."""
    import app as app_module
    from localdev.drain import drain_until_empty

    return lambda: drain_until_empty(services.aws.sqs, services.aws.queue_url, app_module.on_sqs_message)


@pytest.fixture
def settle(services, clock, drain):
    """Deliver everything, letting simulated time pass: drain the queue, then move the clock to the next
    waiting letter, release it as the every-minute job would, and drain again, until nothing waits."""
    import app as app_module
    from localdev.drain import scheduled_event

    def run(max_steps: int = 5000) -> int:
        steps = 0
        drain()
        while (due := services.schedule.next_due()) is not None:
            assert steps < max_steps, "letters still waiting after max_steps"
            clock.now = max(clock.now, due)
            app_module.release_waiting_letters(scheduled_event(), None)
            drain()
            steps += 1
        return steps

    return run


@pytest.fixture
def outbox(services):
    from chalicelib.web.outbox import sent_messages

    return sent_messages


@pytest.fixture
def stored_items(services):
    """Every item in the table but the campaign counters (tests only: the app never scans). Counters are not
    personal data and stay, at zero, when a letter is forgotten; tests/test_campaign_stats.py checks them."""
    return lambda: [i for i in services.aws.table.scan()["Items"] if not i["pk"].startswith("STATS#")]


@pytest.fixture
def queued_count(services):
    def count() -> int:
        attrs = services.aws.sqs.get_queue_attributes(QueueUrl=services.aws.queue_url,
                                                      AttributeNames=["ApproximateNumberOfMessages"])
        return int(attrs["Attributes"]["ApproximateNumberOfMessages"])

    return count


CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/letters/[^/\s]+/confirm/[A-Za-z0-9_-]+)")
DELETE_LINK = re.compile(r"https?://[^/\s]+(/letters/[^/\s]+/delete/[A-Za-z0-9_-]+)")


class LettersApi:
    """The public letter API as a supporter's browser uses it: a stamped form, then the emailed link."""

    def __init__(self, client, services, outbox) -> None:
        self.client, self.services, self.outbox = client, services, outbox

    def stamp(self, slug: str, age_seconds: float = 10) -> str:
        from chalicelib.front_door.bot_traps import issue_stamp

        issued = self.services.clock() - dt.timedelta(seconds=age_seconds)
        return issue_stamp(self.services.signer, slug, issued)

    def post(self, slug: str, payload, headers=None, *, stamped: bool = True):
        body = {"form_token": self.stamp(slug), **payload} if stamped and isinstance(payload, dict) else payload
        return self.client.http.post(f"/campaigns/{slug}/letters", body=json.dumps(body),
                                     headers={"Content-Type": "application/json", **(headers or {})})

    def notices(self) -> list[dict]:
        """Emails to supporters (confirmations, reminders): they have no Reply-To."""
        return [m for m in self.outbox() if not m["reply_to"]]

    def letters_sent(self) -> list[dict]:
        """Letters to targets: Reply-To is the supporter."""
        return [m for m in self.outbox() if m["reply_to"]]

    def link(self, letter_id: str, pattern: re.Pattern = CONFIRM_LINK) -> str:
        paths = [p for m in self.notices() for p in pattern.findall(m["body"]) if f"/letters/{letter_id}/" in p]
        assert paths, f"no link for letter {letter_id} in the outbox"
        return paths[-1]

    def confirm(self, letter_id: str):
        return self.client.http.post(self.link(letter_id), body=b"",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})

    def send(self, slug: str, payload, headers=None):
        """Post and confirm: the letter is queued for its target."""
        response = self.post(slug, payload, headers)
        assert response.status_code == 202, response.body
        confirmed = self.confirm(response.json_body["letter_id"])
        assert confirmed.status_code == 200, confirmed.body
        return response


@pytest.fixture
def letters_api(client, services, outbox):
    return LettersApi(client, services, outbox)


def with_policies(services, monkeypatch, slug: str, **changes):
    """Run `slug` with changed policies (campaign.toml stays as it is)."""
    from dataclasses import replace

    campaigns = services.campaigns
    original = campaigns.get(slug)
    policies = original.policies
    updated = replace(original, policies=replace(policies, **{
        name: (replace(getattr(policies, name), **value) if isinstance(value, dict) else value)
        for name, value in changes.items()}))
    real_get = type(campaigns).get
    monkeypatch.setattr(type(campaigns), "get",
                        lambda self, wanted: updated if wanted == slug else real_get(self, wanted))
    return updated


def solved_challenge(client, slug: str) -> str:
    """A fresh ALTCHA challenge for `slug` (GET /campaigns/{slug}/challenge), solved as the browser widget would."""
    from altcha import Challenge, Payload, solve_challenge

    challenge = Challenge.from_dict(client.http.get(f"/campaigns/{slug}/challenge").json_body)
    return Payload(challenge, solve_challenge(challenge)).to_base64()


@pytest.fixture
def direct_sending(services, monkeypatch):
    """hrd-resolution with confirmation switched off (campaign.toml `[confirmation] required = false`)."""
    return with_policies(services, monkeypatch, "hrd-resolution", confirmation={"required": False})


@pytest.fixture
def housekeeping(services):
    """Run the scheduled housekeeping Lambda handler as EventBridge would (so its AWS calls count for it)."""
    import app as app_module

    event = {"version": "0", "id": "bench", "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "123456789012", "time": "2026-11-26T10:00:00Z", "region": "us-east-1",
             "resources": ["arn:aws:events:us-east-1:123456789012:rule/demarche-housekeeping"], "detail": {}}
    return lambda: app_module.housekeeping(event, None)


# --- real servers and a real browser (shared by the session: each costs seconds to start) ----------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts"


@pytest.fixture(scope="session")
def partner_site():
    """A partner organisation's web site on its own loopback port: a second origin, allow-listed for CORS."""
    from live_servers import PartnerSite

    site = PartnerSite()
    site.start()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def live_api(partner_site):
    """`make run`'s server (python -m localdev: moto + API + queue drainer) on a free loopback port."""
    from live_servers import local_api

    with local_api({"DEMARCHE_LOCAL_ORIGINS": partner_site.origin}) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Missing locally: skip, saying why. Missing in CI: fail."""
    import os

    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def screenshot():
    """Save a screenshot under test-artifacts/ (gitignored; CI keeps it as an artefact)."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return lambda page, name: page.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"), full_page=True)


@pytest.fixture
def live_app(services):
    """The Chalice app on 127.0.0.1, sharing the test's mocked AWS and services."""
    import threading

    from chalice.config import Config
    from chalice.local import LocalChalice, LocalDevServer, create_local_server

    import app as app_module
    from localdev.stack import free_port

    port = free_port()
    config = Config.create(chalice_stage="local", app_name="demarche")
    # create_local_server makes the app's current_request thread-local, once per process (a second time fails)
    make = LocalDevServer if isinstance(app_module.app, LocalChalice) else create_local_server
    server = make(app_module.app, config, "127.0.0.1", port)
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server.server_close()
    thread.join(timeout=5)


def fail_enqueue_once(services, monkeypatch, at_call: int) -> list[str]:
    """The queue fails once (SQS unreachable), on the call that carries the `at_call`-th letter id, whether it
    queues one letter or a batch; returns every letter id the code tried to queue, in order."""
    queue = services.queue
    real_one, real_many, calls = queue.enqueue, queue.enqueue_many, []

    def tried(letter_ids: list[str]) -> None:
        failing = len(calls) < at_call <= len(calls) + len(letter_ids)
        calls.extend(letter_ids)
        if failing:
            raise RuntimeError("SQS unreachable")

    monkeypatch.setattr(queue, "enqueue", lambda letter_id: (tried([letter_id]), real_one(letter_id))[1])
    monkeypatch.setattr(queue, "enqueue_many", lambda letter_ids: (tried(letter_ids), real_many(letter_ids))[1])
    return calls


# --- sign-on letters (chalicelib/sign_on.py) ---------------------------------------------------------------------

SIGN_ON = "ga-defenders-sign-on"
SIGN_CONFIRM = re.compile(r"https?://[^/\s]+(/campaigns/[^/\s]+/signatures/[^/\s]+/confirm/[A-Za-z0-9_-]+)")
WITHDRAW = re.compile(r"https?://[^/\s]+(/campaigns/[^/\s]+/signatures/[^/\s]+/withdraw/[A-Za-z0-9_-]+)")


def organisation(name: str, country: str = "KE", **extra) -> dict:
    slug = re.sub(r"\W+", "", name.lower())[:20] or "org"
    return {"organisation": name, "country": country, "contact_name": f"Contact of {name}",
            "email": f"contact@{slug}.example.org", **extra}


class SignOnApi:
    """The sign-on API as an organisation's contact uses it, and the organisers' decisions."""

    def __init__(self, letters_api, services) -> None:
        self.letters_api, self.services, self.client = letters_api, services, letters_api.client

    def post(self, payload, slug: str = SIGN_ON, headers=None):
        body = {"form_token": self.letters_api.stamp(slug), **payload}
        return self.client.http.post(f"/campaigns/{slug}/signatures", body=json.dumps(body),
                                     headers={"Content-Type": "application/json", **(headers or {})})

    def link(self, signatory_id: str, pattern: re.Pattern = SIGN_CONFIRM) -> str:
        found = [p for m in self.letters_api.notices() for p in pattern.findall(m["body"]) if f"/{signatory_id}/" in p]
        assert found, f"no link for signatory {signatory_id}"
        return found[-1]

    def sign(self, payload) -> str:
        """Sign and confirm from the emailed link: the signature waits for the organisers."""
        response = self.post(payload)
        assert response.status_code == 202, response.body
        signatory_id = response.json_body["signatory_id"]
        confirmed = self.client.http.post(self.link(signatory_id), body=b"",
                                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert confirmed.status_code == 200

        return signatory_id

    def decide(self, signatory_id: str, decision: str = "approve"):
        campaign = self.services.campaigns.get(SIGN_ON)
        return self.services.signatures.decide(campaign, signatory_id, decision, actor="test organiser")

    def public(self) -> list[dict]:
        response = self.client.http.get(f"/campaigns/{SIGN_ON}/signatories")
        assert response.status_code == 200
        return response.json_body["signatories"]


@pytest.fixture
def sign_on(letters_api, services):
    return SignOnApi(letters_api, services)

"""Shared fixtures: fake credentials -> mocked AWS -> resources -> services with a clock -> test client.

Also: the AWS call recorder (every call the app's handlers make, for the IAM policy test) and the
deployment package, built once per session.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from support.aws_calls import AwsCallRecorder
from support.clock import Clock
from support.letters_api import LettersApi, with_policies
from support.paths import PROJECT_DIR
from support.sign_on_api import SignOnApi

# No per-example deadline: a first example that loads campaigns and the directory, on a busy CI machine,
# is slow for reasons that say nothing about the property. Speed belongs in `make bench`, not in tests.
hypothesis_settings.register_profile("demarche", deadline=None)
hypothesis_settings.load_profile("demarche")

if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

AWS_CALLS = AwsCallRecorder(Path(__file__).resolve().parent)
pytest_plugins = (
    "support.simulation",
)  # the `simulation` fixture: production wiring over an in-memory table, queue and SES


def pytest_configure(config):
    if os.environ.get("CLOCK_AHEAD_DAYS") and "time_machine" not in sys.modules:
        raise pytest.UsageError(
            "CLOCK_AHEAD_DAYS is set but the clock did not move: put tests/clock_ahead on PYTHONPATH (see .ci/run)"
        )
    _share_botocores_data_loader()
    AWS_CALLS.install()  # before any test creates a boto3 session
    config.pluginmanager.register(AWS_CALLS, "aws-calls")


def _share_botocores_data_loader() -> None:
    """moto starts every test with a new boto3 session, and each session read botocore's JSON (the endpoints,
    every service model) from disk again: about half a second a test, a third of the suite. The loader only reads
    files that never change during the run, so all sessions share one loader and its cache. What the code under
    test does with a session (clients, credentials, events) is untouched."""
    import functools

    import botocore.loaders
    import botocore.session

    botocore.session.create_loader = functools.lru_cache(maxsize=None)(botocore.loaders.create_loader)


def pytest_report_header(config):
    return (
        f"calendar: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d} ({os.environ.get('CLOCK_AHEAD_DAYS', '0')} days ahead)"
    )


@pytest.fixture(scope="session")
def aws_calls() -> AwsCallRecorder:
    return AWS_CALLS


@pytest.fixture
def aws_env(monkeypatch):
    from localdev.local_stack import LOCAL_ENV

    for name, value in LOCAL_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("DEMARCHE_STAGE", "local")
    monkeypatch.setenv("DEMARCHE_SANDBOX_RECIPIENTS", "1")
    monkeypatch.setenv("DEMARCHE_MAX_SEND_RATE", "14")  # moto has no GetAccount; SES's production default
    monkeypatch.setenv("DEMARCHE_SECRET_ID", "demarche-local-secret")  # created in moto by create_resources


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


def _one_request_at_a_time(process_request):
    """moto's backends are not thread-safe: a browser test's page fires several requests at once at the live app,
    whose threads then shared moto's dicts ("dictionary changed size during iteration", a 500 that failed CI).
    DynamoDB, SQS and SES make each request atomic, so the in-process stand-in takes one request at a time, as
    `make run`'s does (localdev.local_stack.serialise_moto_requests); the app's own threads still run at once."""
    import threading

    lock = threading.RLock()

    def serialised(self, request):
        with lock:
            return process_request(self, request)

    return serialised


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
    from moto.core.botocore_stubber import BotocoreStubber
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
    monkeypatch.setattr(BotocoreStubber, "process_request", _one_request_at_a_time(BotocoreStubber.process_request))
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
def client(services, send_supporter_mail):
    """The Chalice test client. After each request the supporter-mail sender catches up, as `make run`'s drainer
    and Lambda's poller do within a second: a test reads a confirmation in the outbox as a supporter would."""
    from chalice.test import Client

    import app as app_module

    with Client(app_module.app, stage_name="local") as test_client:
        request = test_client.http.request

        def request_then_send_mail(*args, **kwargs):
            response = request(*args, **kwargs)
            if test_client.http.mail_after_each_request:
                send_supporter_mail()
            return response

        test_client.http.request = request_then_send_mail
        test_client.http.mail_after_each_request = True  # a test counting one request's calls turns it off
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
def send_supporter_mail(services, request):
    """Run the real supporter-mail handler over every email queued for supporters, as Lambda would."""
    import app as app_module
    from localdev.drain import drain_until_empty

    recorder = request.config.pluginmanager.get_plugin("aws-calls")

    def send() -> int:
        # Called from inside another function's AWS call (a test's hook making a request): the IAM recorder would
        # charge this drain to that function. Lambda would run it apart; the next drain sends the mail.
        if recorder is not None and recorder._running_function() is not None:
            return 0
        return drain_until_empty(services.aws.sqs, services.aws.mail_queue_url, app_module.on_supporter_mail)

    return send


@pytest.fixture
def outbox(services, send_supporter_mail):
    """What SES accepted, once the queued supporter emails have been sent (as `make run`'s drainer does)."""
    from chalicelib.web.outbox import sent_messages

    def read() -> list[dict]:
        send_supporter_mail()
        return sent_messages()

    return read


@pytest.fixture
def stored_items(services):
    """Every item in the table but the campaign counters (tests only: the app never scans). Counters are not
    personal data and stay, at zero, when a letter is forgotten; tests/letters/test_campaign_stats.py checks them."""
    return lambda: [readable(i) for i in services.aws.table.scan()["Items"] if not i["pk"].startswith("STATS#")]


def readable(item: dict) -> dict:
    """An item with its compressed values (a letter's or mail's body, a stats rollup) as text, so that what a test
    looks for in stored data (an IP, a secret, a name) is found in them too."""
    import zlib

    def text(value):
        if isinstance(value, (bytes, bytearray)) or type(value).__name__ == "Binary":
            try:
                return zlib.decompress(bytes(value)).decode()
            except (zlib.error, UnicodeDecodeError):
                return value
        return value

    return {name: text(value) for name, value in item.items()}


@pytest.fixture
def queued_count(services):
    def count() -> int:
        attrs = services.aws.sqs.get_queue_attributes(
            QueueUrl=services.aws.queue_url, AttributeNames=["ApproximateNumberOfMessages"]
        )
        return int(attrs["Attributes"]["ApproximateNumberOfMessages"])

    return count


@pytest.fixture
def letters_api(client, services, outbox):
    return LettersApi(client, services, outbox)


@pytest.fixture
def direct_sending(services, monkeypatch):
    """hrd-resolution with confirmation switched off (campaign.toml `[confirmation] required = false`)."""
    return with_policies(services, monkeypatch, "hrd-resolution", confirmation={"required": False})


@pytest.fixture
def housekeeping(services, send_supporter_mail):
    """Run the scheduled housekeeping Lambda handler as EventBridge would (so its AWS calls count for it)."""
    import app as app_module

    event = {
        "version": "0",
        "id": "bench",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-11-26T10:00:00Z",
        "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/demarche-housekeeping"],
        "detail": {},
    }

    def run() -> dict[str, int]:
        done = app_module.housekeeping(event, None)
        send_supporter_mail()  # the reminders and questions it queued go out, as on_supporter_mail would send them
        return done

    return run


# --- real servers and a real browser (shared by the session: each costs seconds to start) ----------------------


@pytest.fixture(scope="session")
def partner_site():
    """A partner organisation's web site on its own loopback port: a second origin, allow-listed for CORS."""
    from support.live_servers import PartnerSite

    site = PartnerSite()
    site.start()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def live_api(partner_site):
    """`make run`'s server (python -m localdev: moto + API + queue drainer) on a free loopback port."""
    from support.live_servers import local_api

    with local_api({"DEMARCHE_LOCAL_ORIGINS": partner_site.origin}) as base:
        yield base


@pytest.fixture
def live_app(services):
    """The Chalice app on 127.0.0.1, sharing the test's mocked AWS and services."""
    import threading

    from chalice.config import Config
    from chalice.local import LocalChalice, LocalDevServer, create_local_server

    import app as app_module
    from localdev.local_stack import free_port

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


# --- sign-on letters (chalicelib/outcomes/signatures.py) ---------------------------------------------------------


@pytest.fixture
def sign_on(letters_api, services):
    return SignOnApi(letters_api, services)


@pytest.fixture
def single_target_set(services, monkeypatch):
    """Serve a campaign as if it wrote to its first target set alone: no chain to fall back on."""
    import dataclasses

    from chalicelib.campaigns.catalogue import default_campaigns

    def use(slug: str) -> None:
        files = default_campaigns()  # the campaign files, which services.campaigns serves when nothing is published
        campaign = dataclasses.replace(files.get(slug), fallback_target_sets=())
        monkeypatch.setitem(files._by_slug, slug, campaign)

    return use


@pytest.fixture
def editing(services, monkeypatch):
    """Serve hrd-resolution with another `[letter] editing` mode (its letters mark their body with {% block body %})."""
    import dataclasses

    from chalicelib.campaigns.catalogue import default_campaigns

    def use(mode: str) -> None:
        files = default_campaigns()
        campaign = dataclasses.replace(files.get("hrd-resolution"), editing=mode)
        monkeypatch.setitem(files._by_slug, "hrd-resolution", campaign)

    return use


@pytest.fixture
def hrd_without_chain(single_target_set):
    """For tests about what happens to a letter after routing: Kenya's letter keeps its local placeholder."""
    single_target_set("hrd-resolution")

"""Shared fixtures: fake credentials -> mocked AWS -> resources -> services with a clock -> test client."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))


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


@pytest.fixture
def aws(aws_env):
    from moto import mock_aws

    from chalicelib.settings import Settings
    from localdev.resources import create_resources

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

    built = Services(clock=clock)
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
def outbox(services):
    from chalicelib.outbox import sent_messages

    return sent_messages


@pytest.fixture
def stored_items(services):
    """Every item in the table (tests only: the app never scans)."""
    return lambda: services.aws.table.scan()["Items"]


@pytest.fixture
def queued_count(services):
    def count() -> int:
        attrs = services.aws.sqs.get_queue_attributes(QueueUrl=services.aws.queue_url,
                                                      AttributeNames=["ApproximateNumberOfMessages"])
        return int(attrs["Attributes"]["ApproximateNumberOfMessages"])

    return count

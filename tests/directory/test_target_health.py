"""Target health: failing is recorded once with its first diagnostic, and cleared by an organiser."""

from __future__ import annotations

from chalicelib.directory.health import TargetHealth


def test_a_target_is_failing_until_cleared(services, clock):
    health = TargetHealth(services.aws.table)
    assert health.failing("foreign-ministry", "KE") is None

    health.mark_failing("foreign-ministry", "KE", "550 5.1.1 user unknown", clock())
    clock.advance(hours=1)
    health.mark_failing("foreign-ministry", "KE", "later bounce", clock())

    failing = health.failing("foreign-ministry", "KE")
    assert failing.diagnostic == "550 5.1.1 user unknown"
    assert failing.since.startswith("2026-11-26T10:00")
    assert health.failing("un-mission-geneva", "KE") is None
    health.clear("foreign-ministry", "KE")
    assert health.failing("foreign-ministry", "KE") is None


class Ticker:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def count_calls(table, operation: str) -> list[str]:
    """Record every `operation` call the table's client makes (botocore event hook: no stub, the real call runs)."""
    calls: list[str] = []
    table.meta.client.meta.events.register(
        f"before-call.dynamodb.{operation}", lambda **kwargs: calls.append(operation)
    )
    return calls


def test_page_views_read_health_from_a_snapshot_refreshed_at_most_once_a_minute(services, clock):
    # GIVEN two health stores on one table: the app's (cached) and the delivery worker's
    ticker = Ticker()
    app_view = TargetHealth(services.aws.table, cache_seconds=60, monotonic=ticker)
    worker = TargetHealth(services.aws.table)
    queries = count_calls(services.aws.table, "Query")

    # WHEN the app answers many page views
    assert not any(app_view.is_failing("foreign-ministry", "KE") for _ in range(50))
    # THEN one Query served them all
    assert len(queries) == 1

    # WHEN another process marks KE failing, the snapshot shows it within the minute, not at once
    worker.mark_failing("foreign-ministry", "KE", "550 mailbox unavailable", clock())
    ticker.now += 59
    assert app_view.is_failing("foreign-ministry", "KE") is False
    ticker.now += 1
    assert app_view.is_failing("foreign-ministry", "KE") is True
    assert len(queries) == 2
    # AND this process's own changes are seen at once
    app_view.clear("foreign-ministry", "KE")
    assert app_view.is_failing("foreign-ministry", "KE") is False


def test_all_failing_lists_every_set_and_clear_says_what_it_cleared(services, clock):
    health = TargetHealth(services.aws.table)
    health.mark_failing("un-mission-geneva", "UG", "5.1.1", clock())
    health.mark_failing("foreign-ministry", "KE", "5.4.1", clock())

    assert [(f.target_set, f.country) for f in health.all_failing()] == [
        ("foreign-ministry", "KE"),
        ("un-mission-geneva", "UG"),
    ]
    assert health.clear("un-mission-geneva", "UG").diagnostic == "5.1.1"
    assert health.clear("un-mission-geneva", "UG") is None
    assert [f.country for f in health.all_failing()] == ["KE"]


def test_a_page_view_survives_an_unreadable_health_table(services, clock, caplog):
    from botocore.exceptions import ClientError

    # GIVEN a snapshot that knows KE is failing, then DynamoDB starts refusing queries
    ticker = Ticker()
    health = TargetHealth(services.aws.table, cache_seconds=60, monotonic=ticker)
    health.mark_failing("foreign-ministry", "KE", "550", clock())
    assert health.is_failing("foreign-ministry", "KE")

    def refuse(**kwargs):
        raise ClientError(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "Query"
        )

    services.aws.table.meta.client.meta.events.register("before-call.dynamodb.Query", refuse)
    ticker.now += 61

    # WHEN the snapshot is due THEN the last one is kept and the problem is logged, not raised
    assert health.is_failing("foreign-ministry", "KE") is True
    assert "could not read target health" in caplog.text
    # AND with no snapshot yet, targets read as healthy (sending re-checks with a direct read)
    assert TargetHealth(services.aws.table).is_failing("foreign-ministry", "KE") is False


def test_the_services_time_their_snapshots_by_the_monotonic_they_are_given(aws, clock):
    """A simulation passes its own timer (tests/support/soak.py): its snapshots refresh on simulated time, so a
    seed, not the machine's speed, decides when they are read again."""
    from chalicelib.directory import default_directory
    from chalicelib.directory.overrides import StoredOverrides
    from chalicelib.services import Services

    # GIVEN the process's services on a simulated timer, their snapshots read once, and another container's writes
    ticker = Ticker()
    services = Services(clock=clock, monotonic=ticker)
    assert services.health.is_failing("foreign-ministry", "KE") is False
    assert services.directory.target("un-mission-new-york", "KE").email == "info@kenyaun.org"
    TargetHealth(services.aws.table).mark_failing("foreign-ministry", "KE", "550", clock())
    StoredOverrides(services.aws.table, clock, default_directory()).set(
        "w",
        "un-mission-new-york",
        "KE",
        email="desk@kenya-mission.org",
        address_kind="registry",
        source="https://www.un.int/kenya/contacts",
    )

    # WHEN the timer has not yet moved a minute THEN both snapshots still hold what they read
    ticker.now += 59
    assert services.health.is_failing("foreign-ministry", "KE") is False
    assert services.directory.target("un-mission-new-york", "KE").email == "info@kenyaun.org"
    # WHEN it has THEN both are read again, whatever the wall clock did
    ticker.now += 1
    assert services.health.is_failing("foreign-ministry", "KE") is True
    assert services.directory.target("un-mission-new-york", "KE").email == "desk@kenya-mission.org"

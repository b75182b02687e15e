"""Stats from a rollup: a dashboard's numbers cost one DynamoDB read, however widely the campaign has spread."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from support.letter_factory import make_letter

from chalicelib.console.tokens import Organiser
from chalicelib.letters.counters import read_stats
from chalicelib.letters.states import Status

SLUG = "hrd-resolution"
ORGANISER = Organiser("id", "label", (SLUG,))
COUNTRIES = ["KE", "FI", "BR", "NG", "IN", "FR", "DE", "JP", "MX", "ZA", "EG", "AR"]


@contextmanager
def dynamodb_calls(services):
    calls = []

    def record(event_name, **_):
        calls.append(event_name.rsplit(".", 1)[-1])

    events = services.aws.table.meta.client.meta.events
    events.register("before-call.dynamodb", record)
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb", record)


def spread(services, clock, letters: int) -> None:
    """`letters` letters over many days, countries and partners, some sent: the counters a campaign leaves."""
    start = clock.now
    for n in range(letters):
        clock.now = start.replace(day=1 + n % 25)
        letter = make_letter(clock, country=COUNTRIES[n % len(COUNTRIES)], partner=f"p{n % 7}" if n % 3 else "")
        services.letters.create(letter)
        if n % 2:
            services.letters.move(letter.letter_id, Status.QUEUED, Status.SENDING, clock())
    clock.now = start


@pytest.mark.parametrize("letters", [3, 120])
def test_a_stats_view_costs_one_read_whatever_the_spread(services, clock, letters):
    import app as app_module
    from localdev.drain import scheduled_event

    # GIVEN a campaign spread over up to 25 days, 12 countries and 8 partners, rolled up by the minute job
    spread(services, clock, letters)
    assert app_module.roll_up_stats(scheduled_event(), None) >= 1

    # WHEN an organiser views its stats, and the whole dashboard
    with dynamodb_calls(services) as stats_calls:
        stats = services.console.stats(ORGANISER, SLUG)
    with dynamodb_calls(services) as dashboard_calls:
        dashboard = services.console.dashboard(ORGANISER, SLUG)

    # THEN the numbers took one GetItem (the dashboard's other reads are its latest letters, from the log)
    assert stats_calls == ["GetItem"]
    assert dashboard_calls[0] == "GetItem" and dashboard_calls.count("GetItem") == 1
    assert dashboard["stats"]["by_status"] == stats["by_status"]
    # AND they are the counters' figures exactly
    exact = read_stats(services.aws.table, SLUG)
    assert stats["total"] == exact.total == letters
    assert {row["country"]: row["total"] for row in stats["by_country"]} == {
        c: sum(t.values()) for c, t in exact.by_country.items()
    }
    assert len(stats["by_day"]) == min(letters, 25)


def test_the_rollup_follows_the_log_at_each_minute_and_says_when_it_was_read(services, clock):
    import app as app_module
    from localdev.drain import scheduled_event

    # GIVEN a rolled-up campaign
    spread(services, clock, 4)
    app_module.roll_up_stats(scheduled_event(), None)
    before = services.console.stats(ORGANISER, SLUG)
    # WHEN a letter is written, THEN the view shows it after the next minute's roll-up, not before
    clock.advance(seconds=30)
    services.letters.create(make_letter(clock, country="KE"))
    assert services.console.stats(ORGANISER, SLUG)["total"] == before["total"] == 4
    clock.advance(seconds=30)
    app_module.roll_up_stats(scheduled_event(), None)
    after = services.console.stats(ORGANISER, SLUG)
    assert after["total"] == 5 and after["as_of"] > before["as_of"]


def test_a_first_view_before_any_roll_up_reads_the_counters(services, clock):
    # GIVEN a campaign the minute job has not rolled up yet
    spread(services, clock, 5)
    # THEN its first view is exact (it rolls it up), and the next costs one read
    assert services.console.stats(ORGANISER, SLUG)["total"] == 5
    with dynamodb_calls(services) as calls:
        assert services.console.stats(ORGANISER, SLUG)["total"] == 5
    assert calls == ["GetItem"]


def test_an_older_roll_up_never_overwrites_a_newer_one(services, clock):
    # GIVEN a roll-up read at 10:00:30
    spread(services, clock, 2)
    clock.advance(seconds=30)
    services.stats_rollup.refresh(SLUG)
    newer = services.console.stats(ORGANISER, SLUG)["as_of"]
    # WHEN a slower one that read the counters at 10:00:00 writes last
    clock.advance(seconds=-30)
    services.stats_rollup.refresh(SLUG)
    # THEN the newer one stands
    assert services.console.stats(ORGANISER, SLUG)["as_of"] == newer

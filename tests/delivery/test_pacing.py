"""Pacing: a ministry never gets more than its campaign's letters per hour, nights and weekends fewer; nothing is
dropped; and the whole worker keeps under the account's SES sending rate. Time is simulated with the clock."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from botocore.stub import Stubber
from support.letter_factory import queued_letter, status_path
from support.sqs_events import sqs_record

from chalicelib.campaigns.catalogue import default_campaigns
from chalicelib.delivery.pacing import hourly_limit, target_zone

# These tests are about a letter after routing: Kenya's ministry letter keeps its local placeholder.
pytestmark = pytest.mark.usefixtures("hrd_without_chain")


def record_sends(services, clock) -> list[dt.datetime]:
    """The simulated time of every SendEmail call."""
    sends: list[dt.datetime] = []
    services.aws.sesv2.meta.events.register("before-parameter-build.sesv2.SendEmail", lambda **_: sends.append(clock()))
    return sends


def most_in_any_hour(times: list[dt.datetime]) -> int:
    times, best, start = sorted(times), 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= dt.timedelta(hours=1):
            start += 1
        best = max(best, end - start + 1)
    return best


def submit_many(services, count: int, country: str = "KE") -> list[str]:
    return [queued_letter(services, country) for _ in range(count)]


def test_500_letters_to_one_ministry_go_at_most_30_an_hour_and_all_arrive(simulation, clock):
    from dataclasses import replace

    # GIVEN 500 letters to Kenya's ministry, written on a Thursday at 13:00 in Nairobi, on a campaign that opted
    # out of overflow digests (tests/delivery/test_overflow_digests.py: what happens otherwise)
    campaign = simulation.campaigns.get("hrd-resolution")
    no_overflow = replace(campaign.delivery, overflow_digests=False)
    default_campaigns()._by_slug["hrd-resolution"] = replace(campaign, delivery=no_overflow)
    try:
        letters = submit_many(simulation, 500)

        # WHEN the worker and the every-minute release job run as simulated time passes
        simulation.run()
    finally:
        default_campaigns()._by_slug["hrd-resolution"] = campaign

    # THEN every letter was sent exactly once, never more than 30 in any 60 minutes
    sends = [moment for moment, _ in simulation.aws.sesv2.sent]
    assert len(sends) == 500
    assert {simulation.letters.get(i).status for i in letters} == {"sent"}
    assert most_in_any_hour(sends) == 30
    # AND nights are quieter than office hours in Nairobi
    nairobi = ZoneInfo("Africa/Nairobi")
    per_hour = Counter(t.astimezone(nairobi).replace(minute=0, second=0, microsecond=0) for t in sends)
    office = [n for h, n in per_hour.items() if h.weekday() < 5 and 9 <= h.hour < 17]
    night = [n for h, n in per_hour.items() if not 9 <= h.hour < 17]
    assert max(office) == 30 and max(night) <= 7
    assert sum(night) > 0  # slower, not stopped


def test_letters_written_while_others_wait_join_the_end_of_the_line(simulation, clock):
    # GIVEN 40 letters to one ministry, all given their places in line
    early = submit_many(simulation, 40)
    simulation.run_worker()
    # WHEN five more are written ten minutes later, and time passes
    clock.advance(minutes=10)
    late = submit_many(simulation, 5)
    simulation.run()

    # THEN the newcomers went after everyone who was waiting (SES MessageIds here count the sends)
    position = {i: int(simulation.letters.get(i).ses_message_id.removeprefix("ses-")) for i in early + late}
    assert max(position[i] for i in early) < min(position[i] for i in late)
    assert sorted(position.values()) == list(range(1, 46))


def test_after_an_outage_the_backlog_still_keeps_the_hourly_limit(simulation, clock):
    # GIVEN 100 letters given their places in line, then three hours in which the release job did not run
    letters = submit_many(simulation, 100)
    simulation.run_worker()
    clock.advance(hours=3)

    # WHEN it runs again, with 90 letters overdue at once
    simulation.run()

    # THEN they still go at most 30 an hour, and all of them go
    sends = [moment for moment, _ in simulation.aws.sesv2.sent]
    assert len(sends) == 100 and most_in_any_hour(sends) == 30
    assert {simulation.letters.get(i).status for i in letters} == {"sent"}


def test_a_letter_that_waits_is_told_when_and_why(client, services, clock, drain):
    first, second = submit_many(services, 2)
    drain()

    status = client.http.get(status_path(services, second)).json_body
    assert services.letters.get(first).status == "sent"
    assert status["status"] == "queued"
    assert status["waiting"]["reason"] == "pacing" and "letters an hour" in status["waiting"]["explanation"]
    assert dt.datetime.fromisoformat(status["waiting"]["until"]) - clock() == dt.timedelta(minutes=2)  # 3600 s / 30


def test_a_campaign_can_set_its_own_hourly_limit(services, clock, settle):
    from dataclasses import replace

    from chalicelib.campaigns.catalogue import Delivery, default_campaigns

    files = default_campaigns()  # the campaign files, which services.campaigns serves when nothing is published
    campaign = files.get("hrd-resolution")
    slow = replace(campaign, delivery=Delivery(max_per_target_per_hour=4))
    files._by_slug["hrd-resolution"] = slow
    try:
        submit_many(services, 12)
        sends = record_sends(services, clock)
        settle()
    finally:
        files._by_slug["hrd-resolution"] = campaign
    assert len(sends) == 12 and most_in_any_hour(sends) == 4


@pytest.mark.parametrize(
    "utc,expected",
    [
        ("2026-11-26T10:00", 30),  # Thursday 13:00 in Nairobi: office hours
        ("2026-11-26T05:59", 7),  # Thursday 08:59: not yet
        ("2026-11-26T20:00", 7),  # Thursday 23:00
        ("2026-11-28T10:00", 7),  # Saturday 13:00
    ],
)
def test_office_hours_are_the_targets_own(utc, expected):
    moment = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.timezone.utc)
    zone = target_zone("foreign-ministry", "Africa/Nairobi")
    assert hourly_limit(30, moment.astimezone(zone)) == expected


def test_un_missions_and_fixed_targets_keep_their_own_office_hours():
    assert target_zone("un-mission-geneva", "Africa/Nairobi") == ZoneInfo("Europe/Zurich")
    assert target_zone("un-mission-new-york", "Africa/Nairobi") == ZoneInfo("America/New_York")
    assert target_zone("fixed", "", "America/New_York") == ZoneInfo("America/New_York")
    assert hourly_limit(1, dt.datetime(2026, 11, 28, 12)) == 1  # never below one an hour


# --- the account's SES rate -------------------------------------------------------------------------


def test_max_send_rate_is_read_from_ses_once_and_cached(services, clock):
    from chalicelib.delivery.send_rate import SendRate

    rate = SendRate(services.aws.table, services.aws.sesv2, clock, services.sleep, configured=None)
    with Stubber(services.aws.sesv2) as stub:
        stub.add_response(
            "get_account", {"SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 2.0, "SentLast24Hours": 0.0}}
        )
        assert [rate.acquire() for _ in range(5)] == [True] * 5
        stub.assert_no_pending_responses()  # one GetAccount for five sends
    # Two tokens per second: five sends need three seconds of (simulated) waiting.
    assert clock() - dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc) == dt.timedelta(seconds=2)


def test_an_unreadable_rate_falls_back_to_one_per_second(services, clock):
    from chalicelib.delivery.send_rate import FALLBACK_RATE, SendRate

    rate = SendRate(services.aws.table, services.aws.sesv2, clock, services.sleep, configured=None)
    with Stubber(services.aws.sesv2) as stub:
        stub.add_client_error("get_account", service_error_code="AccessDeniedException")
        assert rate.max_per_second() == FALLBACK_RATE


def test_the_whole_worker_stays_under_the_account_rate(services, clock, drain, outbox):
    object.__setattr__(services.settings, "max_send_rate", 2.0)
    for country in ("KE", "FI", "SN", "JP", "BR", "IN", "DE"):
        submit_many(services, 1, country)
    sends = record_sends(services, clock)

    drain()

    per_second = Counter(int(t.timestamp()) for t in sends)
    assert len(outbox()) == 7 and max(per_second.values()) == 2


def test_the_worker_reads_max_send_rate_from_ses_when_the_stage_sets_none(services, outbox):
    # GIVEN a deployed stage: no DEMARCHE_MAX_SEND_RATE, so the account's rate comes from SES

    import app

    object.__setattr__(services.settings, "max_send_rate", None)
    letter_id = queued_letter(services, enqueue=False)
    record = sqs_record(letter_id)
    with Stubber(services.aws.sesv2) as stub:
        stub.add_response(
            "get_account", {"SendQuota": {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 0.0}}
        )
        stub.add_response("send_email", {"MessageId": "ses-1"})
        assert app.on_sqs_message({"Records": [record]}, None) == {"batchItemFailures": []}
        stub.assert_no_pending_responses()

    assert services.letters.get(letter_id).status == "sent"
    assert services.send_rate.max_per_second() == 1  # cached: no second GetAccount


def test_pacing_can_be_switched_off_only_in_the_local_stage():
    from chalicelib.settings import Settings

    assert not Settings.from_env({"DEMARCHE_STAGE": "local", "DEMARCHE_LOCAL_NO_PACING": "1"}).paces_targets
    assert Settings.from_env({"DEMARCHE_STAGE": "prod", "DEMARCHE_LOCAL_NO_PACING": "1"}).paces_targets
    assert Settings.from_env({"DEMARCHE_STAGE": "local"}).paces_targets

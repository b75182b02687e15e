"""The reputation guard: too many bounces or complaints pause a campaign by itself; nothing is lost; organisers
are told and resume it with one command."""

from __future__ import annotations

import logging

import pytest
from support.letter_factory import queued_letter
from support.ses_events import ses_event, sns_event
from support.sqs_events import sqs_record


def test_a_bounce_rate_over_the_guard_pauses_the_campaign_keeps_its_letters_and_resumes_on_command(
    services, drain, settle, outbox, caplog, capsys
):
    import app
    from chalicelib.cli.reputation import main

    # GIVEN 50 letters sent to 50 ministries (the minimum sample)
    countries = [c.alpha2 for c in services.directory.countries()][:50]
    sent = [queued_letter(services, country) for country in countries]
    drain()
    assert len(outbox()) == 50

    # WHEN one of them hard-bounces: 1 in 50 is 2 %
    bounced = services.letters.get(sent[0])
    with caplog.at_level(logging.WARNING):
        app.on_ses_feedback(sns_event(ses_event("Bounce", bounced.ses_message_id, [bounced.target_email])), None)

    # THEN the campaign is paused, its organisers are emailed and the log says so
    state = services.reputation.state("hrd-resolution")
    assert state.paused and "bounce rate 2.0%" in state.reason
    [notice] = [m for m in outbox() if "organisers@demarche.example.org" in m["to"]]
    assert (
        "paused" in notice["subject"] and "python -m chalicelib.cli.reputation resume hrd-resolution" in notice["body"]
    )
    assert any("hrd-resolution" in r.getMessage() and "paused" in r.getMessage() for r in caplog.records)

    # AND new letters wait, queued, nothing sent; another campaign is not affected
    held = [queued_letter(services, country) for country in ("FI", "SN", "JP")]
    other = queued_letter(services, "FI", "whrd-resolution")
    drain()
    assert [(services.letters.get(i).status, services.letters.get(i).waiting_reason) for i in held] == [
        ("queued", "paused")
    ] * 3
    assert services.letters.get(other).status == "sent"
    assert len(outbox()) == 52  # 50 letters, the notice, the other campaign's letter

    # WHEN an organiser resumes it
    assert main(["resume", "hrd-resolution"], services=services) == 0
    assert "3 waiting letters queued again" in capsys.readouterr().out
    settle()  # Finland's ministry just had the other campaign's letter: ours keeps the pace

    # THEN the waiting letters are sent, each once, and the guard counts afresh
    assert {services.letters.get(i).status for i in held} == {"sent"}
    assert len(outbox()) == 55
    assert not services.reputation.state("hrd-resolution").paused
    assert services.reputation.rates("hrd-resolution").bounced == 0


@pytest.fixture
def guard(services):
    return services.reputation


def counted(guard, slug: str, sent: int, bounced: int = 0, complained: int = 0) -> None:
    for what, n in (("sent", sent), ("bounced", bounced), ("complained", complained)):
        for _ in range(n):
            guard.count(slug, what)


def test_below_the_minimum_sample_nothing_pauses(guard):
    counted(guard, "hrd-resolution", sent=49, bounced=5)
    assert guard.check("hrd-resolution") is False


def test_under_the_limits_nothing_pauses(guard):
    counted(guard, "hrd-resolution", sent=100, bounced=1)  # 1 %
    assert guard.check("hrd-resolution") is False


def test_one_complaint_in_fifty_is_over_the_complaint_limit(guard):
    counted(guard, "hrd-resolution", sent=50, complained=1)
    assert guard.check("hrd-resolution") is True
    assert "complaint rate" in guard.state("hrd-resolution").reason


def test_only_the_last_24_hours_count(guard, clock):
    counted(guard, "hrd-resolution", sent=50, bounced=5)
    clock.advance(hours=25)
    counted(guard, "hrd-resolution", sent=50)
    assert guard.rates("hrd-resolution").bounced == 0
    assert guard.check("hrd-resolution") is False


def test_a_pause_is_announced_once(guard, services, outbox):
    counted(guard, "hrd-resolution", sent=50, bounced=2)
    assert guard.check("hrd-resolution") and guard.check("hrd-resolution")
    assert len([m for m in outbox() if "paused" in m["subject"]]) == 1


def test_a_campaign_without_organiser_address_is_still_paused_and_logged(guard, outbox, caplog):
    counted(guard, "whrd-resolution", sent=50, bounced=1)
    with caplog.at_level(logging.WARNING):
        assert guard.check("whrd-resolution")
    assert outbox() == []
    assert any("no organiser_email" in r.getMessage() for r in caplog.records)


def test_the_status_command_shows_the_numbers_and_an_unknown_campaign_is_named(guard, services, capsys):
    from chalicelib.cli.reputation import main

    counted(guard, "hrd-resolution", sent=7, bounced=0)
    assert main(["status", "hrd-resolution"], services=services) == 0
    assert "hrd-resolution: sending; last 24 h: 7 sent, 0 hard bounces, 0 complaints" in capsys.readouterr().out
    assert main(["status", "no-such-campaign"], services=services) == 2
    assert "no-such-campaign" in capsys.readouterr().err


def test_a_letter_parked_just_as_the_campaign_resumes_is_not_left_behind(services, drain, monkeypatch):
    import app

    services.reputation.pause("hrd-resolution", "a test")
    letter_id = queued_letter(services, "KE")
    real_state, seen = services.reputation.state, []

    def state(slug):
        result = real_state(slug)
        seen.append(result.paused)
        if len(seen) == 1:  # the gate saw "paused"; an organiser resumes (and releases) before it is parked
            services.reputation.resume(slug)
        return result

    monkeypatch.setattr(services.reputation, "state", state)
    records = {"Records": [sqs_record(letter_id)]}

    assert app.on_sqs_message(records, None) == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert services.schedule.release_parked("hrd-resolution", services.queue) == 0  # nothing left behind
    monkeypatch.undo()
    assert app.on_sqs_message(records, None) == {"batchItemFailures": []}  # SQS brings the message back
    assert services.letters.get(letter_id).status == "sent"

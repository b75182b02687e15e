"""No letter waits forever: letters pacing could not send within a day go in their target's overflow digest.

A small version of the 1M-letter day (bench/overflow.py): hrd-resolution at 2 letters an hour (1 at night), 60
letters to Kenya's ministry at once, run through the production wiring over the in-memory twin, with the
every-minute release and the quarter-hourly housekeeping. The clock starts Thursday 2026-11-26 10:00 UTC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from support.letter_factory import queued_letter

from chalicelib.campaigns.catalogue import Delivery, default_campaigns
from chalicelib.delivery.pacing import hourly_limit
from chalicelib.outcomes.digests import OVERFLOW_EVERY, next_overflow_at
from chalicelib.web.api_views import letter_status_view

pytestmark = pytest.mark.usefixtures("hrd_without_chain")
SLUG = "hrd-resolution"
PER_HOUR = 2
NAIROBI = ZoneInfo("Africa/Nairobi")
DAY = dt.timedelta(hours=24)


@pytest.fixture
def slow_campaign(simulation):
    """hrd-resolution at PER_HOUR letters an hour; `slow_campaign(overflow=False)` opts out of overflow digests."""
    campaigns = default_campaigns()  # the files, which services.campaigns serves when nothing is published
    original = campaigns.get(SLUG)

    def use(overflow: bool = True):
        delivery = Delivery(max_per_target_per_hour=PER_HOUR, overflow_digests=overflow)
        campaigns._by_slug[SLUG] = replace(original, delivery=delivery)

    use()
    yield use
    campaigns._by_slug[SLUG] = original


def run_for(simulation, clock, hours: int) -> None:
    """Simulated time passes: the release job every minute it has work, housekeeping at each quarter hour."""
    import app as app_module

    app_module.use_services(simulation)
    end = clock() + dt.timedelta(hours=hours)
    simulation.run_worker()
    while clock() < end:
        quarter = next_overflow_at(clock())
        while (due := simulation.schedule.next_due()) is not None and due < quarter:
            clock.now = max(clock.now, due)
            simulation.schedule.release_due(clock(), simulation.queue)
            simulation.run_worker()
        clock.now = quarter
        simulation.schedule.release_due(clock(), simulation.queue)
        simulation.housekeeping.run()
        simulation.run_worker()


def delivered_at(simulation, letter_id: str) -> tuple[dt.datetime | None, str]:
    """When the letter reached SES, alone or in a digest, and how."""
    letter = simulation.letters.get(letter_id)
    carrier = letter
    if letter.status == "in_digest":
        carrier = simulation.letters.get(letter.digest_letter_id)
    if carrier.status != "sent":
        return None, letter.status
    sent_at, _ = simulation.aws.sesv2.sent[int(carrier.ses_message_id.removeprefix("ses-")) - 1]  # MemorySes's ids
    return sent_at, letter.status


def test_a_backlog_beyond_a_day_goes_in_digests_and_every_letter_arrives_within_a_day(simulation, clock, slow_campaign):
    # GIVEN 60 letters to Kenya's ministry at once, which takes 2 an hour (1 at night): 30 hours and more alone
    start = clock()
    letters = [queued_letter(simulation, "KE") for _ in range(60)]

    # WHEN a day and a few hours pass
    run_for(simulation, clock, 14)
    [digest] = simulation.digests.recent(SLUG)
    body = simulation.letters.get(digest["letters"][0]).body  # kept until the day after it went
    run_for(simulation, clock, 12)

    # THEN every letter reached the ministry within 24 hours, alone or in a digest
    outcomes = {i: delivered_at(simulation, i) for i in letters}
    late = {i: o for i, o in outcomes.items() if o[0] is None or o[0] - start > DAY}
    assert not late, sorted(map(str, late.values()))
    kinds = [how for _, how in outcomes.values()]
    assert kinds.count("sent") >= 10 and kinds.count("in_digest") >= 20
    # AND pacing held: no send found PER_HOUR (1 at night) already sent in the hour before it
    sends = sorted(moment for moment, _ in simulation.aws.sesv2.sent)
    for n, moment in enumerate(sends):
        before = [t for t in sends[:n] if moment - t < dt.timedelta(hours=1)]
        assert len(before) < hourly_limit(PER_HOUR, moment.astimezone(NAIROBI)), moment
    # AND far fewer emails than letters went: digests carry the overflow
    assert len(sends) < 30
    # AND a supporter whose letter went in a digest reads so, and when
    gathered = next(i for i in letters if outcomes[i][1] == "in_digest")
    view = letter_status_view(simulation.letters.get(gathered))
    assert view["status"] == "in_digest" and view["digest"]["reason"] == "overflow"
    assert "within the day" in view["digest"]["explanation"] and view["digest"]["went_at"]
    # AND the digest letter carries the campaign letter once, unsigned, then every name
    assert body.count("I am writing to ask that our government support") == 1
    assert f"{digest['supporters']} people wrote this letter to you" in body
    assert body.count(". Amina Wanjiru (Kenya)") == digest["supporters"] == kinds.count("in_digest")


def test_a_letter_alone_within_the_horizon_is_never_put_in_a_digest(simulation, clock, slow_campaign):
    # GIVEN a few letters, well within what pacing sends in 12 hours
    letters = [queued_letter(simulation, "KE") for _ in range(5)]
    # WHEN the worker sees them THEN each waits for its place, none goes in a digest
    simulation.run_worker()
    assert {simulation.letters.get(i).status for i in letters} <= {"sent", "queued"}
    assert letter_status_view(simulation.letters.get(letters[-1]))["digest"] is None


def test_a_campaign_that_opted_out_keeps_every_letter_in_line(simulation, clock, slow_campaign):
    # GIVEN a campaign with overflow_digests = false, and 60 letters to one ministry
    slow_campaign(overflow=False)
    letters = [queued_letter(simulation, "KE") for _ in range(60)]
    # WHEN the worker sees them THEN each waits in line (for days), none goes in a digest
    simulation.run_worker()
    run_for(simulation, clock, 1)
    statuses = [simulation.letters.get(i) for i in letters]
    assert {letter.status for letter in statuses} <= {"sent", "queued"}
    assert max(letter.waiting_until for letter in statuses if letter.waiting_until) > (clock() + DAY).isoformat()


def test_overflow_digests_close_at_each_quarter_hour():
    moment = dt.datetime(2026, 11, 26, 10, 7, 31, tzinfo=dt.timezone.utc)
    assert next_overflow_at(moment) == dt.datetime(2026, 11, 26, 10, 15, tzinfo=dt.timezone.utc)
    assert next_overflow_at(moment.replace(minute=15, second=0)) - moment.replace(minute=15, second=0) == OVERFLOW_EVERY


def test_deleting_ones_details_takes_one_out_of_an_overflow_digest_not_yet_sent(simulation, clock, slow_campaign):
    from chalicelib.letters.supporter_mail import DELETE

    # GIVEN an overflow digest closed and waiting for its place, listing Zawadi among others
    letters = [queued_letter(simulation, "KE") for _ in range(40)]
    zawadi = queued_letter(simulation, "KE", name="Zawadi Kimani")
    run_for(simulation, clock, 1)
    carrier_id = simulation.letters.get(zawadi).digest_letter_id
    carrier = simulation.letters.get(carrier_id)
    assert carrier.status == "queued" and "Zawadi Kimani" in carrier.body
    # WHEN she deletes her details
    simulation.forgetting.forget(zawadi, simulation.signer.token(DELETE, zawadi))
    # THEN the digest letter, not yet sent, no longer names her, and goes without her
    rewritten = simulation.letters.get(carrier_id)
    assert "Zawadi" not in rewritten.body and rewritten.revision == 1
    run_for(simulation, clock, 14)
    assert simulation.letters.get(carrier_id).status == "sent"
    assert simulation.letters.get(zawadi).status == "in_digest" and not simulation.letters.get(zawadi).supporter_name
    assert all(simulation.letters.get(i).status in ("sent", "in_digest") for i in letters)


def test_the_worker_lambda_puts_a_letter_beyond_the_horizon_in_a_digest(services, drain):
    # GIVEN a campaign at one letter an hour, and 15 letters to one ministry (through moto and the real handler,
    # so the IAM audit sees what the worker needs for it)
    original = services.campaigns.get(SLUG)
    default_campaigns()._by_slug[SLUG] = replace(original, delivery=Delivery(max_per_target_per_hour=1))
    try:
        letters = [queued_letter(services, "KE") for _ in range(15)]
        # WHEN the worker Lambda handles them
        drain()
    finally:
        default_campaigns()._by_slug[SLUG] = original
    # THEN one went, twelve wait for their places within 12 hours, and the last two joined the overflow digest
    statuses = [services.letters.get(i) for i in letters]
    assert [s.status for s in statuses].count("sent") == 1
    assert [s.waiting_reason for s in statuses].count("pacing") == 12
    gathered = [s for s in statuses if s.status == "awaiting_digest"]
    assert len(gathered) == 2 and {s.digest_reason for s in gathered} == {"overflow"}
    assert len({s.digest_id for s in gathered}) == 1


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar", "ru", "zh"])
def test_an_overflow_digest_is_written_in_each_un_language_with_no_fallback_to_english(language):
    from chalicelib.directory import default_directory
    from chalicelib.directory.country_names import country_name
    from chalicelib.outcomes.digests import overflow_letter
    from chalicelib.rendering import TEMPLATES_DIR

    # GIVEN a ministry that reads `language`, and two supporters (one from Côte d'Ivoire)
    directory = default_directory()
    target = replace(directory.target("foreign-ministry", "KE"), language=language)
    supporters = [
        {"name": "Zawadi", "city": "Mombasa", "country": "Kenya", "country_code": "KE"},
        {"name": "Awa", "city": "", "country": "Côte d'Ivoire", "country_code": "CI"},
    ]
    digest = {"count": 61, "part": 2, "parts": 3, "date": "2026-11-26"}

    # WHEN their overflow digest is written (its template is the language's own: a missing one fails here)
    assert (TEMPLATES_DIR / f"mail/overflow_digest.{language}.txt").is_file()
    letter = overflow_letter(default_campaigns().get(SLUG), "KE", target, supporters, digest)

    # THEN all of it is in that language: the count, the part, the list with each country named in it
    assert letter.language == language
    assert "61" in letter.body and "Zawadi" in letter.body and "Awa" in letter.body
    assert country_name("CI", language) in letter.body and country_name("KE", language) in letter.body
    if language != "en":
        assert "wrote this letter to you" not in letter.body and "This is part" not in letter.body

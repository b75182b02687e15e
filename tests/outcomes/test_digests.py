"""Digest delivery: each target gets one letter per period, at a set hour of its own day, listing everyone who wrote.

The clock starts on Thursday 2026-11-26 at 10:00 UTC. Kenya's ministry works in Africa/Nairobi (UTC+3), so its
9:00 digest goes at 06:00 UTC; Finland's (Europe/Helsinki, UTC+2 in November) at 07:00 UTC. These tests are about
a digest's timing and contents, so the campaign writes to ministries alone here (Kenya's gets the local stage's
placeholder); test_digest_chain.py follows the campaign's chain to the New York missions.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from chalicelib.campaigns.catalogue import Delivery
from chalicelib.outcomes.digests import next_send_at

SLUG = "defenders-digest"
UTC = dt.timezone.utc
AMINA = {
    "country": "KE",
    "name": "Amina Wanjiru",
    "email": "amina@example.org",
    "city": "Mombasa",
    "message": "Free Wanjiku now.",
}
BARAKA = {"country": "KE", "name": "Baraka Otieno", "email": "baraka@example.org"}
AINO = {"country": "FI", "name": "Aino Virtanen", "email": "aino@example.org", "message": "Vapauttakaa heidät."}


@pytest.fixture(autouse=True)
def ministries_only(single_target_set):
    single_target_set(SLUG)


def at(clock, day: int, hour: int, minute: int = 0) -> None:
    clock.now = dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def write(letters_api, payload) -> str:
    """A supporter writes and confirms; the next one comes a minute later (digests list them in that order)."""
    letter_id = letters_api.send(SLUG, payload).json_body["letter_id"]
    letters_api.services.clock.advance(minutes=1)
    return letter_id


def digests_to(letters_api, country_name: str) -> list[dict]:
    return [m for m in letters_api.letters_sent() if country_name in m["body"] and "wrote to you" in m["body"]]


def test_each_target_gets_one_letter_at_its_own_nine_oclock_listing_who_wrote(
    letters_api, housekeeping, drain, clock, services
):
    # GIVEN two supporters in Kenya and one in Finland confirm their letters on Thursday
    amina, baraka, aino = (write(letters_api, p) for p in (AMINA, BARAKA, AINO))
    assert {services.letters.get(i).status for i in (amina, baraka, aino)} == {"awaiting_digest"}
    assert drain() == 0 and letters_api.letters_sent() == []  # nothing goes to a ministry on its own

    # WHEN it is 9:00 in Nairobi (06:00 UTC), but not yet in Helsinki
    at(clock, 27, 6, 1)
    assert housekeeping().get("digest_sent") == 1
    assert drain() == 1

    # THEN Kenya's ministry gets one letter: the campaign letter once, then both supporters with their own words
    [digest] = letters_api.letters_sent()
    assert "Ministry of Foreign and Diaspora Affairs" in digest["to"]
    assert digest["body"].count("We are writing to ask that our government") == 1
    assert "2 people wrote to you about this today" in digest["body"]
    assert "1. Amina Wanjiru, Mombasa (Kenya)" in digest["body"] and "Free Wanjiku now." in digest["body"]
    assert "2. Baraka Otieno (Kenya)" in digest["body"]
    assert "Aino" not in digest["body"]
    assert digest["reply_to"].endswith("<campaigns@demarche.example.org>")  # the organisers, not a supporter
    assert digest["from"].startswith('"Supporters of the campaign via Defenders Coalition (example)"')
    # AND each supporter's letter names the digest letter that carried it
    carried = {services.letters.get(i).digest_letter_id for i in (amina, baraka)}
    assert len(carried) == 1 and services.letters.get(carried.pop()).status == "sent"
    assert services.letters.get(aino).status == "awaiting_digest"

    # WHEN it is 9:00 in Helsinki THEN Finland's ministry gets its own digest, with Aino alone
    at(clock, 27, 7, 1)
    assert housekeeping().get("digest_sent") == 1
    drain()
    [finland] = [m for m in letters_api.letters_sent() if "Aino" in m["body"]]
    assert "1 person wrote to you about this today" in finland["body"] and "Amina" not in finland["body"]
    assert services.letters.get(aino).status == "in_digest"


def test_a_letter_written_after_the_digest_went_waits_for_the_next_period(
    letters_api, housekeeping, drain, clock, services
):
    # GIVEN Thursday's supporter, and Friday's digest already sent
    write(letters_api, AMINA)
    at(clock, 27, 6, 1)
    housekeeping()
    drain()
    # WHEN another supporter writes on Friday after 9:00 Nairobi time
    at(clock, 27, 8, 0)
    baraka = write(letters_api, BARAKA)
    at(clock, 27, 23, 0)
    housekeeping()
    # THEN nothing more goes on Friday, and Saturday's digest carries Baraka alone
    assert drain() == 0
    at(clock, 28, 6, 1)
    assert housekeeping().get("digest_sent") == 1
    drain()
    saturday = letters_api.letters_sent()[-1]
    assert "1. Baraka Otieno" in saturday["body"] and "Amina" not in saturday["body"]
    assert services.letters.get(baraka).status == "in_digest"
    # AND the two periods are two digests, listed for the organisers newest first
    listed = services.digests.recent(SLUG)
    assert [d["supporters"] for d in listed] == [1, 1] and listed[0]["send_at"] > listed[1]["send_at"]


def test_an_empty_period_sends_nothing(letters_api, housekeeping, drain, clock, services, stored_items):
    # GIVEN a supporter who confirms and then deletes their details before the digest's time
    letter_id = write(letters_api, AMINA)
    from support.letters_api import DELETE_LINK

    delete = letters_api.client.http.post(
        letters_api.link(letter_id, DELETE_LINK),
        body=b"",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert delete.status_code == 200
    assert services.letters.get(letter_id).status == "expired"
    # WHEN the digest's time comes
    at(clock, 27, 6, 1)
    done = housekeeping()
    # THEN it closes empty: no letter is logged or sent, and no other target ever had a digest
    assert done.get("digest_empty") == 1 and "digest_sent" not in done
    assert drain() == 0 and letters_api.letters_sent() == []
    assert [d["status"] for d in services.digests.recent(SLUG)] == ["empty"]
    assert not any(i.get("kind") == "digest" for i in stored_items())


def test_a_letter_confirmed_as_its_digest_closes_joins_the_next_one(letters_api, housekeeping, drain, clock, services):
    # GIVEN Friday's digest for Kenya is already closing, its list frozen an instant before Amina's letter joined
    amina = write(letters_api, AMINA)
    friday = services.letters.get(amina).digest_id
    from chalicelib.outcomes.digests import digest_key

    services.aws.table.update_item(
        Key=digest_key(friday),
        UpdateExpression="SET #s = :closing, members = :none",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":closing": "closing", ":none": []},
    )
    # WHEN another supporter confirms now
    baraka = write(letters_api, BARAKA)
    # THEN the late letter is placed in Saturday's digest, never lost in the closing one
    saturday = services.letters.get(baraka).digest_id
    assert saturday != friday and "20261128T0600Z" in saturday

    # AND a letter that a closing missed altogether (its list was frozen without it) joins the next digest when its
    # own due time comes, an hour after the digest's
    at(clock, 27, 6, 1)
    assert housekeeping().get("digest_empty") == 1
    at(clock, 27, 7, 1)
    assert housekeeping().get("rejoined") == 1
    assert services.letters.get(amina).digest_id == saturday
    at(clock, 28, 6, 1)
    housekeeping()
    drain()
    [letter] = letters_api.letters_sent()
    assert "2 people wrote" in letter["body"] and "Amina" in letter["body"] and "Baraka" in letter["body"]


def test_a_closing_cut_short_is_resumed_and_sends_each_part_once(
    letters_api, housekeeping, settle, clock, services, monkeypatch
):
    # GIVEN three Kenyan supporters, digests of at most two supporters per letter, and a queue that fails once
    import chalicelib.outcomes.digests as digests

    monkeypatch.setattr(digests, "MAX_SUPPORTERS", 2)
    ids = [write(letters_api, {**BARAKA, "name": f"Supporter {n}", "email": f"s{n}@example.org"}) for n in range(3)]
    from support.faults import fail_enqueue_once

    fail_enqueue_once(services, monkeypatch, at_call=2)
    # WHEN the closing fails while queuing the second part
    at(clock, 27, 6, 1)
    assert housekeeping().get("failed") == 1
    # THEN it is taken up after its lease, and each part is logged and sent exactly once
    at(clock, 27, 6, 5)
    assert "digest_sent" not in housekeeping()  # still within the lease: left alone
    at(clock, 27, 6, 12)
    assert housekeeping().get("digest_sent") == 1
    settle()  # the second part to the same ministry waits for its place in line (pacing)
    sent = letters_api.letters_sent()
    assert len(sent) == 2
    assert "part 1 of 2" in sent[0]["body"] + sent[1]["body"] and "part 2 of 2" in sent[0]["body"] + sent[1]["body"]
    assert sorted(n for m in sent for n in range(3) if f"Supporter {n}" in m["body"]) == [0, 1, 2]
    assert {services.letters.get(i).status for i in ids} == {"in_digest"}


@pytest.mark.parametrize(
    ("delivery", "zone", "after", "expected"),
    [
        # daily, strictly after: at 9:00 exactly the next one is tomorrow's
        (Delivery(mode="digest"), "Africa/Nairobi", "2026-11-26T06:00:00+00:00", "2026-11-27T06:00:00+00:00"),
        (Delivery(mode="digest"), "Africa/Nairobi", "2026-11-26T05:59:00+00:00", "2026-11-26T06:00:00+00:00"),
        # weekly on Monday at 8:00 in Geneva, from a Thursday
        (
            Delivery(mode="digest", period="weekly", weekday=0, local_hour=8),
            "Europe/Zurich",
            "2026-11-26T10:00:00+00:00",
            "2026-11-30T07:00:00+00:00",
        ),
        # the hour a DST change skips (02:00 on 29 March 2026 in Paris) becomes the next real one
        (
            Delivery(mode="digest", local_hour=2),
            "Europe/Paris",
            "2026-03-28T12:00:00+00:00",
            "2026-03-29T01:00:00+00:00",
        ),
        # New York missions in summer time (UTC-4)
        (
            Delivery(mode="digest", local_hour=9),
            "America/New_York",
            "2026-07-01T12:00:00+00:00",
            "2026-07-01T13:00:00+00:00",
        ),
    ],
)
def test_the_next_digest_time_is_the_set_hour_of_the_targets_own_day(delivery, zone, after, expected):
    got = next_send_at(delivery, ZoneInfo(zone), dt.datetime.fromisoformat(after))
    assert got == dt.datetime.fromisoformat(expected)


def test_a_digest_waits_while_the_reputation_guard_holds_its_campaign(
    letters_api, housekeeping, drain, clock, services
):
    from chalicelib.delivery.reputation import resume_sending

    # GIVEN supporters wrote, and the campaign paused itself (too many bounces) before the digest's time
    write(letters_api, AMINA)
    services.reputation.pause(SLUG, "bounce rate 3.0% (test)")
    at(clock, 27, 6, 1)
    housekeeping()
    drain()
    # THEN the digest is logged but kept back (parked), not sent
    [digest_letter] = [d["letters"][0] for d in services.digests.recent(SLUG)]
    assert services.letters.get(digest_letter).waiting_reason == "paused"
    assert letters_api.letters_sent() == []
    # WHEN the organisers resume THEN it goes, once
    assert resume_sending(SLUG, services.reputation, services.schedule, services.queue) == 1
    drain()
    assert len(letters_api.letters_sent()) == 1


def test_organisers_can_bring_the_coming_digests_forward(letters_api, housekeeping, drain, clock, services):
    # GIVEN supporters wrote to two ministries on Thursday morning
    write(letters_api, AMINA)
    write(letters_api, AINO)
    # WHEN an organiser sends the digests now (the vote is today)
    assert services.digests.send_now(SLUG) == 2
    assert services.digests.send_now(SLUG) == 2  # asked again before they went: the same two, nothing more
    # THEN the next housekeeping run sends both at once, each to its own ministry
    assert housekeeping().get("digest_sent") == 2
    drain()
    assert len(letters_api.letters_sent()) == 2
    assert services.digests.send_now(SLUG) == 0


def test_a_digests_text_leaves_our_table_once_ses_has_taken_it(letters_api, housekeeping, drain, clock, services):
    # GIVEN a digest sent this morning
    write(letters_api, AMINA)
    at(clock, 27, 6, 1)
    housekeeping()
    [digest] = services.digests.recent(SLUG)
    assert services.letters.get(digest["letters"][0]).body  # queued: the worker still needs it
    drain()
    # WHEN a day has passed THEN the letter's text (everyone's names and words) is deleted; its outcome stays
    at(clock, 28, 6, 2)
    assert housekeeping().get("digest_scrubbed") == 1
    letter = services.letters.get(digest["letters"][0])
    assert letter.body == "" and letter.status == "sent" and letter.target_name
    assert housekeeping().get("digest_scrubbed") is None  # once


def test_deleting_ones_details_takes_them_out_of_a_closed_digest_not_yet_sent(
    letters_api, housekeeping, drain, clock, services
):
    from support.letters_api import DELETE_LINK

    # GIVEN Amina and Baraka in Kenya's digest, closed and queued, but not yet taken by SES
    amina, baraka = write(letters_api, AMINA), write(letters_api, BARAKA)
    at(clock, 27, 6, 1)
    assert housekeeping().get("digest_sent") == 1
    assert services.letters.get(amina).status == "in_digest"
    # WHEN Amina asks to delete her details THEN the page does not claim her letter was sent
    page = letters_api.client.http.get(letters_api.link(amina, DELETE_LINK)).body.decode()
    assert "already sent" not in page
    deleted = letters_api.client.http.post(
        letters_api.link(amina, DELETE_LINK), body=b"", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert deleted.status_code == 200
    # THEN the ministry's digest carries Baraka alone: none of Amina's name, city or words
    drain()
    [digest] = digests_to(letters_api, "Kenya")
    assert "Baraka Otieno" in digest["body"] and "1 person wrote" in digest["body"]
    assert "Amina" not in digest["body"] and "Mombasa" not in digest["body"] and "Free Wanjiku" not in digest["body"]
    # AND when the last one listed deletes theirs too, a digest not yet sent is not sent at all
    assert services.letters.get(baraka).status == "in_digest"


def test_a_digest_whose_every_supporter_deleted_their_details_is_not_sent(
    letters_api, housekeeping, drain, clock, services
):
    from support.letters_api import DELETE_LINK

    amina = write(letters_api, AMINA)
    at(clock, 27, 6, 1)
    housekeeping()
    letters_api.client.http.post(
        letters_api.link(amina, DELETE_LINK), body=b"", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert drain() == 0 or letters_api.letters_sent() == []
    assert letters_api.letters_sent() == []

"""Campaign counters: kept in the same transaction as every letter write, so they always equal a recount of the log."""

from __future__ import annotations

import random
import uuid
from collections import Counter

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from support.letter_factory import make_letter

from chalicelib.letters.counters import counter_keys, read_stats
from chalicelib.letters.letter import index_keys
from chalicelib.letters.states import Status, TransitionRefused
from chalicelib.storage.write_shards import COUNTER_SHARDS


def recount(stored_items, campaign):
    """The stats as a recount of the letters in the log (tests may scan; the app never does)."""
    letters = [i for i in stored_items() if i["pk"].startswith("LETTER#") and i["campaign"] == campaign]
    return {
        "by_status": Counter(i["status"] for i in letters),
        "by_country": Counter((i["country"], i["status"]) for i in letters),
        "by_day": Counter((i["created_at"][:10], i["status"]) for i in letters),
        "by_partner": Counter((i.get("partner", ""), i["status"]) for i in letters),
    }


def flatten(by_dimension):
    return Counter({(key, status): n for key, tally in by_dimension.items() for status, n in tally.items()})


Q, SENDING, SENT, DELAYED = Status.QUEUED, Status.SENDING, Status.SENT, Status.DELAYED
JOURNEYS = [  # every way a letter's status can go, the detours included
    [Q],
    [Q, SENDING],
    [Q, SENDING, SENT],
    [Q, SENDING, SENT, DELAYED],
    [Q, SENDING, SENT, DELAYED, Status.DELIVERED],
    [Q, SENDING, SENT, Status.BOUNCED],
    [Q, SENDING, SENT, Status.DELIVERED, Status.COMPLAINED],
    [Q, SENDING, Status.FAILED],
    [Q, SENDING, Status.FAILED, SENT],  # an interrupted send SES then reported
    [Q, Status.FAILED, Status.DELIVERED_BY_HAND],  # nobody could email it; the organisers delivered it by hand
    [Q, Status.EXPIRED],
    [Q, SENDING, Q, SENDING, SENT],  # throttled, queued again, then sent
    [Q, Status.PENDING_CONFIRMATION],  # a confirmation undone (its queue message could not be sent)
    [Q, Status.PENDING_CONFIRMATION, Status.AWAITING_DIGEST],  # a digest campaign's letter, waiting ...
    [Q, Status.PENDING_CONFIRMATION, Status.AWAITING_DIGEST, Status.IN_DIGEST],  # ... and listed in its digest
    "withdrawn",
]


def test_stats_equal_a_recount_of_the_log_after_every_kind_of_journey(services, clock, stored_items):
    # GIVEN 32 letters over 3 days, 4 countries and 3 partners ("" = none), each journey taken twice
    rng = random.Random(6)
    log = services.letters
    for n in range(2 * len(JOURNEYS)):
        clock.now = clock.now.replace(day=24 + n % 3)
        letter = make_letter(
            clock,
            campaign="hrd-resolution",
            country=rng.choice(["KE", "FR", "BR", "JP"]),
            partner=rng.choice(["", "pen-kenya", "amnesty-fr"]),
        )
        log.create(letter)
        journey = JOURNEYS[n % len(JOURNEYS)]
        if journey == "withdrawn":
            log.delete(letter.letter_id)
            continue
        for source, target in zip(journey, journey[1:]):
            log.move(letter.letter_id, source, target, clock())
    log.create(make_letter(clock, campaign="sg-defenders", country="KE"))  # another campaign: never counted here

    # WHEN the stats are read
    stats = read_stats(services.aws.table, "hrd-resolution")

    # THEN every dimension equals a recount of the log
    expected = recount(stored_items, "hrd-resolution")
    assert {s: n for s, n in stats.by_status.items() if n} == dict(expected["by_status"])
    assert flatten(stats.by_country) == expected["by_country"]
    assert flatten(stats.by_day) == expected["by_day"]
    assert flatten(stats.by_partner) == expected["by_partner"]
    assert stats.total == sum(expected["by_status"].values()) == 30  # 2 were withdrawn
    assert all(stats.by_status[s.value] for s in Status)  # every status was reached, and counted
    assert read_stats(services.aws.table, "sg-defenders").total == 1


def test_a_refused_move_changes_no_counter(services, clock):
    # GIVEN a letter that has been sent
    letter = make_letter(clock, country="KE")
    services.letters.create(letter)
    services.letters.move(letter.letter_id, Status.QUEUED, Status.SENDING, clock())
    services.letters.move(letter.letter_id, Status.SENDING, Status.SENT, clock())
    before = read_stats(services.aws.table, letter.campaign)

    # WHEN a late duplicate tries to move it from `sending` again, or from a state it is not in
    with pytest.raises(TransitionRefused) as refused:
        services.letters.move(letter.letter_id, Status.SENDING, Status.FAILED, clock())
    with pytest.raises(TransitionRefused):
        services.letters.move("no-such-letter", Status.QUEUED, Status.SENDING, clock())

    # THEN nothing was counted twice and the refusal names the current state
    assert refused.value.current == "sent"
    assert read_stats(services.aws.table, letter.campaign) == before
    assert before.by_country == {"KE": {"sent": 1}}


def test_a_move_with_a_held_letter_reads_nothing_and_is_still_refused_once_the_letter_moved(services, clock):
    # GIVEN a queued letter the worker read, which another worker then sent
    letter = make_letter(clock, country="KE")
    services.letters.create(letter)
    held = services.letters.get(letter.letter_id)
    services.letters.move(letter.letter_id, Status.QUEUED, Status.SENDING, clock())
    services.letters.move(letter.letter_id, Status.SENDING, Status.SENT, clock())
    before = read_stats(services.aws.table, letter.campaign)
    calls = []

    def record(event_name, **_):
        calls.append(event_name)

    client = services.aws.table.meta.client
    client.meta.events.register("before-call.dynamodb", record)
    try:
        # WHEN the first worker moves it from what it holds (a stale `queued`)
        with pytest.raises(TransitionRefused) as refused:
            services.letters.move(letter.letter_id, Status.QUEUED, Status.SENDING, clock(), held=held)
    finally:
        client.meta.events.unregister("before-call.dynamodb", record)
    # THEN one call was made (the transaction, no re-read), its condition refused it, and no counter moved
    assert [c.rsplit(".", 1)[-1] for c in calls] == ["TransactWriteItems"]
    assert refused.value.current == "sent"
    assert read_stats(services.aws.table, letter.campaign) == before


def test_a_move_that_loses_the_race_inside_the_transaction_changes_no_counter(services, clock):
    # GIVEN a queued letter, and a competitor that moves it just before our transaction runs
    letter = make_letter(clock, country="KE")
    services.letters.create(letter)
    client = services.aws.table.meta.client
    raced = []

    def competitor(**_):
        if not raced:
            raced.append(True)
            services.letters.move(letter.letter_id, Status.QUEUED, Status.EXPIRED, clock())

    client.meta.events.register("before-call.dynamodb.TransactWriteItems", competitor)
    try:
        # WHEN we try to move it queued -> sending
        with pytest.raises(TransitionRefused) as refused:
            services.letters.move(letter.letter_id, Status.QUEUED, Status.SENDING, clock())
    finally:
        client.meta.events.unregister("before-call.dynamodb.TransactWriteItems", competitor)

    # THEN the condition failed in the transaction, and only the competitor's move was counted
    assert refused.value.current == "expired"
    assert read_stats(services.aws.table, letter.campaign).by_status["expired"] == 1
    assert read_stats(services.aws.table, letter.campaign).total == 1


def test_a_transaction_conflict_on_a_hot_counter_is_retried(services, clock):
    # GIVEN DynamoDB cancels the first transaction because another one held a counter item
    letter = make_letter(clock, country="KE")
    client = services.aws.table.meta.client
    calls = []

    def conflict_once(**_):
        calls.append(1)
        if len(calls) == 1:
            return AWSResponse("", 400, {}, None), {
                "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
                "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict"}],
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }
        return None

    client.meta.events.register("before-call.dynamodb.TransactWriteItems", conflict_once)
    try:
        # WHEN the letter is created
        services.letters.create(letter)
    finally:
        client.meta.events.unregister("before-call.dynamodb.TransactWriteItems", conflict_once)

    # THEN it was retried once and counted once
    assert len(calls) == 2
    assert read_stats(services.aws.table, letter.campaign).by_status["queued"] == 1


def test_a_cancelled_transaction_for_another_reason_is_not_retried(services, clock):
    client = services.aws.table.meta.client
    calls = []

    def throttled(**_):
        calls.append(1)
        return AWSResponse("", 400, {}, None), {
            "Error": {"Code": "TransactionCanceledException", "Message": "throttled"},
            "CancellationReasons": [{"Code": "ThrottlingError"}, {"Code": "None"}],
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }

    client.meta.events.register("before-call.dynamodb.TransactWriteItems", throttled)
    try:
        with pytest.raises(ClientError):
            services.letters.create(make_letter(clock))
    finally:
        client.meta.events.unregister("before-call.dynamodb.TransactWriteItems", throttled)
    assert len(calls) == 1


def test_the_hot_case_keeps_every_item_and_index_partition_under_1000_writes_a_second():
    # GIVEN the hot case of write_shards.py, second after second: 2,000 letters/s to one campaign, half to one
    # country, all from one partner, each written 6 times (created, then 5 moves: the worst case)
    rng, writes = random.Random(6), 6
    busiest = Counter()
    for _ in range(20):
        counters, campaign_index, country_index = Counter(), Counter(), Counter()
        for n in range(2000):
            letter_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            country = "KE" if n % 2 == 0 else rng.choice(["FR", "BR", "JP", "IN"])
            for key in counter_keys("hot", letter_id, "2026-11-26T10:00:00.000Z", country, "pen-kenya"):
                counters[key["pk"] + key["sk"]] += writes
            keys = index_keys("hot", "2026-11-26T10:00:00.000Z", letter_id, country)
            campaign_index[keys["gsi1pk"]] += writes
            country_index[keys["gsi_country_pk"]] += writes
        # WHEN the writes of that second are counted per item and per index partition
        busiest["counter units"] = max(busiest["counter units"], 2 * max(counters.values()))  # transactional: x2
        busiest["by-campaign"] = max(busiest["by-campaign"], max(campaign_index.values()))
        busiest["by-campaign-country"] = max(busiest["by-campaign-country"], max(country_index.values()))
        assert len([k for k in counters if "DAY#" in k]) == COUNTER_SHARDS  # the day's load is on every shard
    # THEN DynamoDB's 1,000 write units a second per item (and partition) is never reached
    assert max(busiest.values()) < 1000, busiest
    assert counter_keys("c", "id", "2026-11-26T10:00:00.000Z", "KE", "pen")[2]["sk"] == "PARTNER#pen"


def test_letters_with_no_partner_are_counted_without_a_partner_item_and_old_ones_still_add_up(services, clock):
    # GIVEN a "PARTNER#" counter item written before letters with no partner stopped writing one (as if 5 such
    # letters had been queued then), and those letters' days counted too
    table = services.aws.table
    shard = counter_keys("hrd-resolution", "old", "2026-11-20T10:00:00.000Z", "KE", "")[0]["pk"]
    table.put_item(Item={"pk": shard, "sk": "PARTNER#", "queued": 5})
    table.put_item(Item={"pk": shard, "sk": "DAY#2026-11-20", "queued": 5})
    # and, now, letters with and without a partner
    log, partnered = services.letters, ""
    for partner in ["", "", "pen-kenya"]:
        letter = make_letter(clock, campaign="hrd-resolution", country="KE", partner=partner)
        log.create(letter)
        log.move(letter.letter_id, Status.QUEUED, Status.SENDING, clock())
        partnered = letter.counter_keys()[0]["pk"] if partner else partnered

    # WHEN the stats are read
    stats = read_stats(table, "hrd-resolution")

    # THEN the new letters with no partner wrote no partner item, and the letters with no partner are counted once:
    # the 5 old ones and the 2 new ones
    partner_items = [(i["pk"], i["sk"]) for i in table.scan()["Items"] if i["sk"].startswith("PARTNER#")]
    assert sorted(partner_items) == sorted([(shard, "PARTNER#"), (partnered, "PARTNER#pen-kenya")])
    assert stats.by_partner == {"": {"queued": 5, "sending": 2}, "pen-kenya": {"sending": 1}}
    assert stats.total == 8

"""GIVEN a flash crowd (2,000 letters a second to one campaign, half of them to one country, each confirmed) WHEN
every write it makes is metered per partition key (table and indexes; rate counters, due-index shards, mail items
and stats counters included) THEN no partition key takes more than 1,000 write units a second.

Counted, not timed: the production code runs over the in-memory twin (tests/support/flash_crowd.py). Here 500
letters are scaled to 2,000 a second, which overstates the busiest shard (fewer letters spread less evenly);
bench/hot_keys.py replays a whole second of 2,000 (bench/RESULTS.md).
"""

from __future__ import annotations

from support.flash_crowd import LIMIT, flash_crowd


def test_no_partition_takes_more_than_1000_writes_a_second_at_2000_letters_a_second(simulation):
    figures = flash_crowd(simulation, letters=500, per_second=2000)

    assert {"table", "by-due", "by-campaign", "by-campaign-country"} <= set(figures.busiest)
    for where, (pk, units) in figures.busiest.items():
        assert units <= LIMIT, f"{where} partition {pk} takes {units:.0f} write units/s at 2,000 letters/s"


def test_the_meter_sees_a_hot_key(simulation, monkeypatch):
    """The meter is not blind: with the target counter on one item again, that item is over the limit."""
    import chalicelib.front_door.rate_limits as rate_limits

    monkeypatch.setattr(rate_limits, "TARGET_SHARDS", 1)
    figures = flash_crowd(simulation, letters=100, per_second=2000)

    where, pk, units = figures.worst
    assert where == "table" and "#target#" in pk and units > LIMIT

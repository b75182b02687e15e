"""Write sharding: which of N partition keys a letter's writes land on, and why N is what it is.

The hot case the design must survive: 2,000 letters/s arrive for one campaign and half of them go to one
country. DynamoDB serves at most 1,000 write units/s on one partition key (and so on one item); past that it
throttles, and a throttled index throttles the table above it.

Writes per letter. A letter is created once and then moves at most four times
(pending_confirmation → queued → sending → sent → delivered), so it causes up to 5 writes on each item
that tracks it.

Counters (campaign_stats.py, COUNTER_SHARDS = 32). Each create and each move updates the letter's three
counter items (its day, its country, its partner) in the same TransactWriteItems as the letter itself; a
transactional write of an item under 1 KB costs 2 write units.
  - today's day item and a busy partner's item see every letter: 2,000 x 5 = 10,000 updates/s
  - the busy country's item sees half:                            1,000 x 5 =  5,000 updates/s
  At 2 units each the hottest item would need 20,000 units/s, so it must be split at least 20 ways.
  With 32 shards: 10,000 / 32 = 312.5 updates/s = 625 units/s per item on average. Letters hash to shards
  independently, so a shard's arrivals are ~Poisson(2,000 / 32 = 62.5/s); three standard deviations up
  (62.5 + 3 x 7.9 = 86 letters/s) is 86 x 5 x 2 = 860 units/s: still under 1,000.
  Reading stats costs 32 Queries whatever the campaign's size (one per shard, each returning that shard's
  day/country/partner items).

Log indexes (letter_log.py, LOG_SHARDS = 16). `status` is projected into both indexes so organisers can
filter on it, so every move also rewrites the letter's index entries (1 unit each, entries are < 1 KB).
  - by-campaign:         2,000 x 5 = 10,000 writes/s -> 10,000 / 16 = 625/s per shard (3 sd: ~790/s)
  - by-campaign-country: 1,000 x 5 =  5,000 writes/s ->  5,000 / 16 = 312/s per shard
  A page of the log is a merge of 16 Queries (letter_queries.py); each shard is read lazily, a few entries
  at a time, so a page of 100 reads little more than 100 entries.

Benchmarks (issue 9) can replay a stream of letters through `shard_of` together with
`letter_log.index_keys` and `campaign_stats.counter_keys` to count writes per key.
"""
from __future__ import annotations

import hashlib

COUNTER_SHARDS = 32
LOG_SHARDS = 16


def shard_of(letter_id: str, shards: int) -> int:
    """The letter's shard in [0, shards): a stable hash, so all of one letter's writes land on the same items."""
    digest = hashlib.sha256(letter_id.encode()).digest()
    return int.from_bytes(digest[:4], "big") % shards

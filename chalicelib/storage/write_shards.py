"""Write sharding: which of N partition keys a letter's writes land on, and why N is what it is.

The hot case the design must survive: 2,000 letters/s arrive for one campaign and half of them go to one
country. DynamoDB serves at most 1,000 write units/s on one partition key (and so on one item); past that it
throttles, and a throttled index throttles the table above it.

Writes per letter. A letter is created once and then moves at most five times on its way
(pending_confirmation → queued → sending → sent → delayed → delivered), so it causes up to 6 writes on each
item that tracks it. (A send SES throttles adds a sending → queued → sending detour; but throttling means
letters are leaving slower than they arrive, not faster.) This is the worst case: sending is paced by SES's
rate, so at 2,000 arrivals/s the moves after `queued` happen far less often than the creates.

Counters (campaign_stats.py, COUNTER_SHARDS = 40). Each create and each move updates the letter's three
counter items (its day, its country, its partner) in the same TransactWriteItems as the letter itself; a
transactional write of an item under 1 KB costs 2 write units.
  - today's day item and a busy partner's item see every letter: 2,000 x 6 = 12,000 updates/s
  - the busy country's item sees half:                            1,000 x 6 =  6,000 updates/s
  At 2 units each the hottest item would need 24,000 units/s, so it must be split at least 24 ways.
  With 40 shards: 12,000 / 40 = 300 updates/s = 600 units/s per item on average. Letters hash to shards
  independently, so a shard's arrivals are ~Poisson(2,000 / 40 = 50/s); three standard deviations up
  (50 + 3 x 7.1 = 71 letters/s) is 71 x 6 x 2 = 855 units/s: still under 1,000. (32 shards would reach
  ~1,030 there.) Reading stats costs 40 Queries whatever the campaign's size (one per shard, each
  returning that shard's day/country/partner items).

Log indexes (letter_log.py, LOG_SHARDS = 20). `status` is projected into both indexes so organisers can
filter on it, so every move also rewrites the letter's index entries (1 unit each, entries are < 1 KB).
  - by-campaign:         2,000 x 6 = 12,000 writes/s -> 12,000 / 20 = 600/s per shard (3 sd: ~780/s;
                         16 shards would reach ~950/s, too close to the limit)
  - by-campaign-country: 1,000 x 6 =  6,000 writes/s ->  6,000 / 20 = 300/s per shard
  A page of the log is a merge of 20 Queries (letter_queries.py), each reading at most a few dozen entries.

Benchmarks (issue 9) can replay a stream of letters through `shard_of` together with
`letter_log.index_keys` and `campaign_stats.counter_keys` to count writes per key, as
tests/letters/test_campaign_stats.py does for the hot case above.
"""

from __future__ import annotations

import hashlib

COUNTER_SHARDS = 40
LOG_SHARDS = 20


def shard_of(letter_id: str, shards: int) -> int:
    """The letter's shard in [0, shards): a stable hash, so all of one letter's writes land on the same items."""
    digest = hashlib.sha256(letter_id.encode()).digest()
    return int.from_bytes(digest[:4], "big") % shards

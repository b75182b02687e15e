"""Write sharding: which of N partition keys a letter's writes land on, and why N is what it is.

The hot case the design must survive: 2,000 letters/s arrive for one campaign and half of them go to one
country. DynamoDB serves at most 1,000 write units/s on one partition key (and so on one item); past that it
throttles, and a throttled index throttles the table above it.

Writes per letter. A letter is created once and then moves at most five times on its way
(pending_confirmation → queued → sending → sent → delayed → delivered), so it causes up to 6 writes on each
item that tracks it. (A send SES throttles adds a sending → queued → sending detour; but throttling means
letters are leaving slower than they arrive, not faster.) This is the worst case: sending is paced by SES's
rate, so at 2,000 arrivals/s the moves after `queued` happen far less often than the creates.

Counters (letters/counters.py, COUNTER_SHARDS = 64). Each create and each move updates the letter's three
counter items (its day, its country, its partner) in the same TransactWriteItems as the letter itself; a
transactional write of an item under 1 KB costs 2 write units. The three items share their shard's partition
key (STATS#<campaign>#<shard>), and DynamoDB's limit is per partition key, so what counts is 3 x 2 = 6 units
per letter write on its shard. At 2,000 letters/s, each submitted and confirmed (2 writes): 2,000 x 12 = 24,000
units/s; over 64 shards, 375 units/s per shard on average, and a shard's letters are ~Poisson(31/s), so a
second three standard deviations up (48 letters) is ~580 units/s. (40 shards averaged 600 and peaked near 850:
too close once paced sends add their moves.) Reading stats costs 64 Queries whatever the campaign's size (one
per shard, each returning that shard's day/country/partner items).

Log indexes (letters/log.py, LOG_SHARDS = 20). `status` is projected into both indexes so organisers can
filter on it, so every move also rewrites the letter's index entries (1 unit each, entries are < 1 KB).
  - by-campaign:         2,000 letters/s x 2 writes = 4,000 writes/s -> 200/s per shard
  - by-campaign-country: 1,000 letters/s x 2 writes = 2,000 writes/s -> 100/s per shard
  Sends add one rewrite per move, at the SES rate. A page of the log is a merge of 20 Queries.

The figures are measured, not only computed: tests/performance/test_flash_crowd.py and bench/hot_keys.py run
the flash crowd through the production code over the in-memory twin and meter every write per partition key
(tests/support/partition_meter.py), rate counters, due-index shards, mail items and stats counters included.
"""

from __future__ import annotations

import hashlib

COUNTER_SHARDS = 64
LOG_SHARDS = 20


def shard_of(letter_id: str, shards: int) -> int:
    """The letter's shard in [0, shards): a stable hash, so all of one letter's writes land on the same items."""
    digest = hashlib.sha256(letter_id.encode()).digest()
    return int.from_bytes(digest[:4], "big") % shards

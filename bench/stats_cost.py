"""Stats cost: DynamoDB Queries and items read to serve a campaign's stats at 1,000 and at 1,000,000 letters.

Counter items are built in their end state through the code's real key function (counter_keys), as the
writes would leave them, in moto's DynamoDB (the local stack's table); read_stats then reads them and every
Query and item is counted. Both campaigns span the same 30 days, 195 countries and 20 partners, so the only
difference is the number of letters.
"""

from __future__ import annotations

import json
import random
import sys
import uuid
from collections import Counter
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "tests"))


def counted_read(letters: int) -> tuple[int, int, int]:
    import os

    import boto3
    from moto import mock_aws

    from chalicelib.letters.counters import counter_keys
    from chalicelib.settings import Settings
    from localdev.local_stack import LOCAL_ENV
    from localdev.resources import create_resources

    os.environ.update(LOCAL_ENV)
    os.environ.pop("AWS_ENDPOINT_URL", None)

    rng = random.Random(letters)
    countries = [f"C{i:03d}" for i in range(195)]
    days = [f"2026-11-{d:02d}T10:00:00.000Z" for d in range(1, 31)]
    tallies: Counter = Counter()
    for _ in range(letters):
        letter_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        for key in counter_keys("c", letter_id, rng.choice(days), rng.choice(countries), f"p{rng.randrange(20)}"):
            tallies[(key["pk"], key["sk"])] += 1
    with mock_aws():
        settings = Settings.from_env({"DEMARCHE_STAGE": "local"})
        create_resources(settings)
        table = boto3.resource("dynamodb").Table(settings.table_name)
        with table.batch_writer() as batch:
            for (pk, sk), n in tallies.items():
                batch.put_item(Item={"pk": pk, "sk": sk, "sent": n})
        return _read(table, letters, len(tallies))


def _read(table, letters: int, counter_items: int) -> tuple[int, int, int]:
    from chalicelib.letters.counters import read_stats

    queries, items = Counter(), Counter()
    real_query = table.query

    def query(**kwargs):
        page = real_query(**kwargs)
        queries["n"] += 1
        items["n"] += len(page["Items"])
        return page

    table.query = query
    stats = read_stats(table, "c")
    assert stats.total == letters, (stats.total, letters)  # the read is exact
    return queries["n"], items["n"], counter_items


def run(small_letters: int = 1_000, large_letters: int = 1_000_000) -> list[dict]:
    small, large = counted_read(small_letters), counted_read(large_letters)
    from chalicelib.storage.write_shards import COUNTER_SHARDS

    bound = COUNTER_SHARDS * (30 + 195 + 20)  # shards x (days + countries + partners): the most there can ever be
    return [
        {
            "figure": f"stats read: {small_letters:,} vs {large_letters:,} letters (30 days, 195 countries, 20 partners)",
            "value": f"{small[0]} vs {large[0]} Queries; {small[1]} vs {large[1]} items (bound {bound})",
            "goal": f"equal Queries; items never above {bound}, whatever the letters",
            "met": small[0] == large[0] and max(small[1], large[1]) <= bound,
        }
    ]


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))

"""Hot keys: the writes per second on the busiest item and index partition when 2,000 letters/s arrive for one
campaign, half of them to one country, replayed through the code's real key functions (counted, not timed)."""

from __future__ import annotations

import json
import random
import sys
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WRITES_PER_LETTER = 6  # created, then up to five moves (chalicelib/storage/write_shards.py explains the worst case)


def run(seconds: int = 20, per_second: int = 2000) -> list[dict]:
    from chalicelib.letters.counters import counter_keys
    from chalicelib.letters.letter import index_keys

    rng, busiest = random.Random(9), Counter()
    created = "2026-11-26T10:00:00.000Z"
    for _ in range(seconds):
        counters, by_campaign, by_country = Counter(), Counter(), Counter()
        for n in range(per_second):
            letter_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            country = "KE" if n % 2 == 0 else rng.choice(["FR", "BR", "JP", "IN", "MX", "SN"])
            for key in counter_keys("hot", letter_id, created, country, "pen-kenya"):
                counters[key["pk"] + key["sk"]] += 2 * WRITES_PER_LETTER  # transactional writes cost 2 units
            keys = index_keys("hot", created, letter_id, country)
            by_campaign[keys["gsi1pk"]] += WRITES_PER_LETTER
            by_country[keys["gsi_country_pk"]] += WRITES_PER_LETTER
        busiest["counter item"] = max(busiest["counter item"], max(counters.values()))
        busiest["by-campaign index partition"] = max(busiest["by-campaign index partition"], max(by_campaign.values()))
        busiest["by-campaign-country index partition"] = max(
            busiest["by-campaign-country index partition"], max(by_country.values())
        )
    worst = max(busiest.values())
    detail = ", ".join(f"{name} {units}" for name, units in busiest.items())
    return [
        {
            "figure": f"hot keys: {per_second} letters/s, half to one country, {seconds} s replayed",
            "value": f"busiest {worst} write units/s ({detail})",
            "goal": "<= 1,000",
            "met": worst <= 1000,
        }
    ]


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))

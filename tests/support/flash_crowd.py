"""A flash crowd through the production code: letters submitted and confirmed, every write metered per partition.

`flash_crowd(services, letters)` submits `letters` letters to one campaign, half of them to one country (Kenya) and
the rest spread over six others, each from its own address and IP, and confirms each; the services run over the
in-memory twin (the `simulation` fixture, or bench/flash_crowd.py), wrapped in a PartitionMeter. It returns the
write units each partition key took, scaled to `per_second` arrivals a second: the peak the table and its indexes
must carry while the crowd lasts. Confirmations arrive as fast as submissions (the worst case: in reality they
trail by minutes). Sending is paced by SES and metered separately (`per_send`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from support.partition_meter import PartitionMeter

SLUG = "hrd-resolution"
OTHERS = ("FR", "BR", "JP", "IN", "MX", "SN")
LIMIT = 1000  # write units a second one partition key can take


@dataclass(frozen=True)
class CrowdFigures:
    letters: int
    per_second: int
    units_per_letter: float  # table and index write units one submission and its confirmation cost, in all
    busiest: dict[str, tuple[str, float]]  # where ("table" or an index) -> (partition key, units/s at per_second)

    @property
    def worst(self) -> tuple[str, str, float]:
        where, (pk, rate) = max(self.busiest.items(), key=lambda kv: kv[1][1])
        return where, pk, rate


def flash_crowd(services, letters: int, per_second: int = 2000) -> CrowdFigures:
    import dataclasses

    from chalicelib.front_door.bot_traps import issue_stamp
    from chalicelib.front_door.door import Visitor
    from chalicelib.letters.supporter_mail import CONFIRM

    meter = PartitionMeter(services.aws.table)
    campaign = services.campaigns.get(SLUG)
    # A campaign expecting the crowd lets every letter in: the default per-target limit (200 an hour) would refuse
    # most of Kenya's, and a refused letter writes nothing (its target counter is only read).
    limits = dataclasses.replace(campaign.policies.limits, per_target_per_hour=10**9)
    campaign = dataclasses.replace(campaign, policies=dataclasses.replace(campaign.policies, limits=limits))
    for n in range(letters):
        # each supporter loaded their own form: a stamp sends one letter (its FORM item is metered too)
        stamp = issue_stamp(services.signer, SLUG, services.clock() - dt.timedelta(seconds=30))
        country = "KE" if n % 2 == 0 else OTHERS[(n // 2) % len(OTHERS)]
        payload = {
            "country": country,
            "name": f"Supporter {n}",
            "email": f"supporter{n}@example.org",
            "message": "Please support the resolution on human rights defenders.",
            "form_token": stamp,
        }
        visitor = Visitor(ip=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}", links_base="https://demarche.example.org")
        receipt = services.front_door.submit(campaign, payload, visitor)
        services.confirmations.confirm(receipt.letter_id, services.signer.token(CONFIRM, receipt.letter_id))
    scale = per_second / letters
    busiest: dict[str, tuple[str, float]] = {}
    for (where, pk), units in meter.units.items():
        if units * scale > busiest.get(where, ("", 0.0))[1]:
            busiest[where] = (pk, units * scale)
    return CrowdFigures(letters, per_second, sum(meter.units.values()) / letters, busiest)

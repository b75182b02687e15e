"""A campaign's abuse and privacy settings: confirmation, rate limits, bot traps, retention, and the follow-up.

Every setting has a documented default (README, "Campaigns are files"); campaign.toml may override each one
in its `[confirmation]`, `[limits]`, `[bots]`, `[privacy]` and `[follow_up]` tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ConfirmationPolicy:
    required: bool = True  # False: direct sending, without proof that the supporter owns the address
    expires_after: dt.timedelta = dt.timedelta(days=7)
    remind_after: dt.timedelta | None = dt.timedelta(days=2)  # None: no reminder


@dataclass(frozen=True)
class Limits:
    per_ip_per_hour: int = 20
    per_email_per_day: int = 5
    per_target_per_hour: int = 200


@dataclass(frozen=True)
class BotPolicy:
    min_fill: dt.timedelta = dt.timedelta(seconds=2)
    max_age: dt.timedelta = dt.timedelta(hours=24)
    proof_of_work: bool = False  # ALTCHA: needs JavaScript in the supporter's browser
    proof_of_work_cost: int = 5000  # PBKDF2 iterations per attempt: a few seconds on a slow phone


@dataclass(frozen=True)
class FollowUpPolicy:
    """ "Did they reply?": one email to the supporter this long after their letter was delivered (chalicelib/feedback/follow_ups.py)."""

    enabled: bool = True
    after: dt.timedelta = dt.timedelta(days=14)
    remind_after: dt.timedelta | None = dt.timedelta(days=7)  # the one reminder, after the question; None: none


@dataclass(frozen=True)
class Policies:
    confirmation: ConfirmationPolicy = ConfirmationPolicy()
    limits: Limits = Limits()
    bots: BotPolicy = BotPolicy()
    retention: dt.timedelta = dt.timedelta(days=90)  # personal data is kept this long after a letter is sent
    follow_up: FollowUpPolicy = FollowUpPolicy()


def read_policies(r: Any) -> Policies:
    """Read the five tables through a campaigns._Reader `r`, which names the file and field in every error."""

    def number(table: dict, section: str, name: str, default: int, minimum: int) -> int:
        value = r.get(name, int, table=table, prefix=f"{section}.", default=default)
        if value < minimum:
            raise r.fail(f"{section}.{name}", f"must be at least {minimum}")
        return value

    c = r.get("confirmation", dict, default={})
    required = r.get("required", bool, table=c, prefix="confirmation.", default=True)
    expires_days = number(c, "confirmation", "expires_after_days", 7, 1)
    remind_hours = number(c, "confirmation", "remind_after_hours", 48, 0)
    if remind_hours >= expires_days * 24:
        raise r.fail("confirmation.remind_after_hours", "must be shorter than expires_after_days")
    confirmation = ConfirmationPolicy(
        required=required,
        expires_after=dt.timedelta(days=expires_days),
        remind_after=dt.timedelta(hours=remind_hours) if remind_hours else None,
    )

    lim = r.get("limits", dict, default={})
    limits = Limits(
        per_ip_per_hour=number(lim, "limits", "per_ip_per_hour", 20, 1),
        per_email_per_day=number(lim, "limits", "per_email_per_day", 5, 1),
        per_target_per_hour=number(lim, "limits", "per_target_per_hour", 200, 1),
    )

    b = r.get("bots", dict, default={})
    min_fill = number(b, "bots", "min_fill_seconds", 2, 0)
    max_age = number(b, "bots", "max_age_hours", 24, 1)
    bots = BotPolicy(
        min_fill=dt.timedelta(seconds=min_fill),
        max_age=dt.timedelta(hours=max_age),
        proof_of_work=r.get("proof_of_work", bool, table=b, prefix="bots.", default=False),
        proof_of_work_cost=number(b, "bots", "proof_of_work_cost", 5000, 1),
    )

    p = r.get("privacy", dict, default={})
    retention = dt.timedelta(days=number(p, "privacy", "retention_days", 90, 1))
    f = r.get("follow_up", dict, default={})
    after = number(f, "follow_up", "after_days", 14, 1)
    remind = number(f, "follow_up", "remind_after_days", 7, 0)
    if dt.timedelta(days=after + remind) >= retention:
        raise r.fail("follow_up.after_days", "the question and its reminder must come before [privacy] retention_days")
    follow_up = FollowUpPolicy(
        enabled=r.get("enabled", bool, table=f, prefix="follow_up.", default=True),
        after=dt.timedelta(days=after),
        remind_after=dt.timedelta(days=remind) if remind else None,
    )
    return Policies(confirmation=confirmation, limits=limits, bots=bots, retention=retention, follow_up=follow_up)

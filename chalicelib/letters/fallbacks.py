"""When the campaign's target cannot be emailed: who receives the letter instead, or how the supporter sends it.

A target cannot be emailed when it has no sourced address or when it is failing (hard bounces). Then, in this
order: the campaign's fallback target set (Démarche emails it, if that target has an address and is healthy);
the target's contact form, with the letter ready to copy; and a mailto link to send it from the supporter's
own mailbox. A letter is never dropped silently and never sent to a guessed address.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable
from urllib.parse import quote

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.directory import Country, Directory, Target
from chalicelib.letters.composing import resolve_fallback, resolve_target

IsFailing = Callable[[str, str], bool]


def never_failing(target_set: str, country: str) -> bool:
    return False


def sandbox_address(target: Target, country: str) -> str:
    """A placeholder on the reserved .invalid domain (RFC 2606): can never reach anyone."""
    return f"{target.target_set}.{country.lower()}@sandbox.invalid"


@dataclass(frozen=True)
class Route:
    """Where one supporter's letter can go."""

    country: Country
    target: Target
    target_failing: bool
    fallback: Target | None  # the fallback set's target, only if it has an address and is not failing
    sandbox: bool = False  # local stage: a target without an address gets a placeholder on .invalid

    @property
    def email_available(self) -> bool:
        """Can the campaign's own target be emailed?"""
        return self.target.email_available and not self.target_failing

    @property
    def sends_to(self) -> str | None:
        """What Démarche emails: "target", "fallback_target", "sandbox" (local stage) or None (nobody)."""
        if self.email_available:
            return "target"
        if self.fallback is not None:
            return "fallback_target"
        if self.sandbox and not self.target_failing:
            return "sandbox"
        return None

    @property
    def send_to(self) -> Target | None:
        way = self.sends_to
        if way == "sandbox":
            return replace(self.target, email=sandbox_address(self.target, self.country.alpha2))
        return {"target": self.target, "fallback_target": self.fallback}.get(way or "")


def plan_route(
    campaign: Campaign,
    country: Country,
    directory: Directory,
    *,
    is_failing: IsFailing = never_failing,
    sandbox: bool = False,
) -> Route:
    """The route for a supporter in `country`; health is asked only about targets that have an address."""

    def failing(target: Target) -> bool:
        return bool(target.email and target.country and is_failing(target.target_set, target.country))

    target = resolve_target(campaign, country, directory)
    target_failing = failing(target)
    fallback = None
    if not (target.email and not target_failing):
        candidate = resolve_fallback(campaign, country, directory)
        if candidate is not None and candidate.email and not failing(candidate):
            fallback = candidate
    return Route(country, target, target_failing, fallback, sandbox)


def mailto_url(subject: str, body: str, to: str = "") -> str:
    """An RFC 6068 mailto URL with subject and body percent-encoded (line breaks as %0D%0A)."""
    text = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:{quote(to, safe='@')}?subject={quote(subject, safe='')}&body={quote(text, safe='')}"

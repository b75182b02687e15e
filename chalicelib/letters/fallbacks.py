"""When the campaign's target cannot be emailed: who receives the letter instead, or how the supporter sends it.

A target cannot be emailed when it has no sourced address or when it is failing (hard bounces). Then, in this
order: the rest of the campaign's chain of target sets (Démarche emails the first whose target has an address
and is healthy, and says why); the target's contact form, with the letter ready to copy; and a mailto link to
send it from the supporter's own mailbox. A letter is never dropped silently and never sent to a guessed address.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable
from urllib.parse import quote

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.directory import Country, Directory, Target
from chalicelib.letters.composing import resolve_fallbacks, resolve_target

IsFailing = Callable[[str, str], bool]


def never_failing(target_set: str, country: str) -> bool:
    return False


def sandbox_address(target: Target, country: str) -> str:
    """A placeholder on the reserved .invalid domain (RFC 2606): can never reach anyone ("" for a fixed target's
    letter that has no country)."""
    return ".".join(part for part in (target.target_set, country.lower()) if part) + "@sandbox.invalid"


@dataclass(frozen=True)
class Route:
    """Where one supporter's letter can go."""

    country: Country
    target: Target
    target_failing: bool
    fallback: Target | None  # the first target down the chain with an address that is not failing
    sandbox: bool = False  # local stage: a target without an address gets a placeholder on .invalid
    chain: tuple[str, ...] = ()  # the campaign's target sets, in the order they were tried
    # The first target down the chain with a contact form or website: where a supporter can still send it
    # (an observer state's mission publishes a website but no email).
    web_target: Target | None = None

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
    def answered_by(self) -> str | None:
        """The target set whose address the letter goes to (None when nobody can be emailed, or a placeholder)."""
        answering = {"target": self.target, "fallback_target": self.fallback}.get(self.sends_to or "")
        return answering.target_set if answering else None

    @property
    def reason(self) -> str:
        """Why the letter goes where it goes: `own_address`, or why the campaign's target was passed over."""
        if self.email_available:
            return "own_address"
        return "failing" if self.target_failing else "no_email"

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
    fallback = web_target = None
    if not (target.email and not target_failing):
        others = resolve_fallbacks(campaign, country, directory)
        fallback = next((c for c in others if c.email and not failing(c)), None)  # the first that can be emailed
        web_target = next((t for t in (target, *others) if t.contact_form_url or t.website), None)
    return Route(country, target, target_failing, fallback, sandbox, campaign.target_chain, web_target)


def mailto_url(subject: str, body: str, to: str = "") -> str:
    """An RFC 6068 mailto URL with subject and body percent-encoded (line breaks as %0D%0A)."""
    text = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:{quote(to, safe='@')}?subject={quote(subject, safe='')}&body={quote(text, safe='')}"

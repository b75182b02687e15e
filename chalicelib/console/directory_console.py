"""The directory as an organiser sees it for one campaign: who each state's letter goes to, and what kind of
address that is; correcting a target's address (kept in DynamoDB, audited, in effect within a minute).

An organiser may read every target of their campaigns; an editor or owner (the "act" right) may correct the sets
of their campaign's chain; a token for every campaign may correct any set.
"""

from __future__ import annotations

from typing import Any, Mapping

from chalicelib.campaigns.catalogue import Campaign, Campaigns
from chalicelib.console.letters_console import actor_of
from chalicelib.console.roles import ACT
from chalicelib.console.tokens import Organiser
from chalicelib.directory import Directory, Target
from chalicelib.directory.overrides import CACHE_SECONDS, StoredOverrides, which_target
from chalicelib.errors import Forbidden, InvalidField
from chalicelib.letters.fallbacks import IsFailing, plan_route


def target_row(target: Target, failing: bool) -> dict[str, Any]:
    return {
        "target_set": target.target_set,
        "name": target.name,
        "email": target.email,
        "address_kind": target.address_kind or None,
        "address_origin": target.address_origin or None,
        "source": target.source or None,
        "verified_on": target.verified_on or None,
        "failing": failing,
    }


class DirectoryConsole:
    def __init__(
        self,
        *,
        campaigns: Campaigns,
        directory: Directory,
        overrides: StoredOverrides,
        is_failing: IsFailing,
    ) -> None:
        self._campaigns, self._directory, self._overrides, self._is_failing = (
            campaigns,
            directory,
            overrides,
            is_failing,
        )

    def _campaign(self, organiser: Organiser, slug: str) -> Campaign:
        organiser.check(slug)
        return self._campaigns.get(slug)

    def targets(self, organiser: Organiser, slug: str) -> dict[str, Any]:
        """Every state: where its letter goes (set, address kind, origin), and each set of the chain."""
        campaign = self._campaign(organiser, slug)
        if campaign.fixed_target is not None:
            return {"campaign": slug, "chain": [], "fixed_target": campaign.fixed_target.name, "states": []}
        states = []
        for country in self._directory.countries():
            route = plan_route(campaign, country, self._directory, is_failing=self._is_failing)
            answering = route.send_to
            states.append(
                {
                    "country": country.alpha2,
                    "name": country.name,
                    "answered_by": route.answered_by,
                    "address_kind": (answering.address_kind or None) if answering else None,
                    "address_origin": route.address_origin or None,
                    "targets": [
                        target_row(t, self._failing(t))
                        for t in (
                            self._directory.target(s, country.alpha2, campaign.target_overrides)
                            for s in campaign.target_chain
                        )
                    ],
                }
            )
        return {
            "campaign": slug,
            "chain": list(campaign.target_chain),
            "cache_seconds": CACHE_SECONDS,
            "states": states,
        }

    def _failing(self, target: Target) -> bool:
        return bool(target.email and target.country and self._is_failing(target.target_set, target.country))

    def _may_correct(
        self, organiser: Organiser, slug: str, target_set: str, country: str, *, writes: bool = True
    ) -> tuple[str, str]:
        if writes:
            organiser.require(slug, ACT)  # first: a viewer learns nothing more by trying
        campaign = self._campaign(organiser, slug)
        target_set, alpha2 = which_target(self._directory, target_set, country)
        if target_set not in campaign.target_chain and not organiser.covers_all:
            raise Forbidden(
                f"{slug} writes to {', '.join(campaign.target_chain) or 'a fixed target'}: your token may correct "
                f"only those; a token for every campaign may correct {target_set}."
            )
        return target_set, alpha2

    def correct(
        self, organiser: Organiser, slug: str, target_set: str, country: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Set the target's address (email, address_kind, source, optional note); the audit record back."""
        target_set, alpha2 = self._may_correct(organiser, slug, target_set, country)
        if not isinstance(body, Mapping):
            raise InvalidField("body", "Send a JSON object: email, address_kind, source and (optionally) note.")
        record = self._overrides.set(
            actor_of(organiser),
            target_set,
            alpha2,
            email=body.get("email"),
            address_kind=body.get("address_kind"),
            source=body.get("source"),
            note=body.get("note", ""),
        )
        return {"changed": record, "in_effect_within_seconds": CACHE_SECONDS}

    def clear(self, organiser: Organiser, slug: str, target_set: str, country: str, note: str = "") -> dict[str, Any]:
        target_set, alpha2 = self._may_correct(organiser, slug, target_set, country)
        record = self._overrides.clear(actor_of(organiser), target_set, alpha2, note=note)
        return {"changed": record, "in_effect_within_seconds": CACHE_SECONDS if record else 0}

    def history(self, organiser: Organiser, slug: str, target_set: str, country: str) -> dict[str, Any]:
        target_set, alpha2 = self._may_correct(organiser, slug, target_set, country, writes=False)
        current = self._directory.target(target_set, alpha2)
        return {
            "target": target_row(current, self._failing(current)),
            "history": self._overrides.history(target_set, alpha2),
        }

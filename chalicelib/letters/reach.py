"""How many states a campaign's letters reach: through which target set, with what kind of address, and who not.

A state counts as reached only when its route ends at a sourced address (never at a local-stage placeholder);
the rest are listed with the website or contact form a supporter can still use.
"""

from __future__ import annotations

from typing import Any, Iterable

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.directory import Directory
from chalicelib.letters.fallbacks import plan_route

STAGES = ("local", "dev", "prod")


def campaign_reach(
    campaign: Campaign, directory: Directory, *, stage: str, failing: Iterable[tuple[str, str]] = ()
) -> dict[str, Any]:
    """The report `coverage --campaign` prints; `failing` holds (set, alpha2) pairs read from target health."""
    down = set(failing)
    by_set = {s: 0 for s in campaign.target_chain}
    by_kind: dict[str, int] = {}
    by_origin: dict[str, int] = {}
    reached = {"member": 0, "observer": 0}
    states = {"member": 0, "observer": 0}
    placeholders, unreached = 0, []
    for country in directory.countries():
        states[country.status] += 1
        route = plan_route(
            campaign, country, directory, is_failing=lambda s, c: (s, c) in down, sandbox=stage == "local"
        )
        answering = route.send_to if route.answered_by else None
        if answering is not None:
            reached[country.status] += 1
            by_set[answering.target_set] = by_set.get(answering.target_set, 0) + 1
            kind = answering.address_kind or "unclassified"
            by_kind[kind] = by_kind.get(kind, 0) + 1
            by_origin[route.address_origin] = by_origin.get(route.address_origin, 0) + 1
            continue
        placeholders += route.sends_to == "sandbox"
        web = route.web_target or route.target
        unreached.append(
            {
                "country": country.alpha2,
                "name": country.name,
                "status": country.status,
                "placeholder": route.sends_to == "sandbox",
                "website": web.website or None,
                "contact_form_url": web.contact_form_url or None,
            }
        )
    return {
        "campaign": campaign.slug,
        "stage": stage,
        "chain": list(campaign.target_chain),
        "states": sum(states.values()),
        "reached": sum(reached.values()),
        "members_reached": reached["member"],
        "members": states["member"],
        "observers_reached": reached["observer"],
        "by_set": by_set,
        "by_address_kind": dict(sorted(by_kind.items())),
        # sourced (read from its page), verified (checked there), override (an organiser's stored correction)
        "by_origin": {origin: by_origin.get(origin, 0) for origin in ("sourced", "verified", "override")},
        "placeholders": placeholders,
        "unreached": unreached,
    }


def reach_summary(report: dict[str, Any]) -> str:
    """The report in a few lines for a terminal."""
    lines = [
        f"{report['campaign']} ({report['stage']}): {report['reached']} of {report['states']} states reach a sourced "
        f"address ({report['members_reached']} of {report['members']} members)",
        "through: " + ", ".join(f"{s} {n}" for s, n in report["by_set"].items()),
        "address kinds: " + ", ".join(f"{k} {n}" for k, n in report["by_address_kind"].items()),
        "addresses: " + ", ".join(f"{k} {n}" for k, n in report["by_origin"].items()),
    ]
    for row in report["unreached"]:
        way = row["contact_form_url"] or row["website"] or "no website or form"
        note = " (local placeholder)" if row["placeholder"] else ""
        lines.append(f"not reached: {row['country']} {row['name']} [{row['status']}]{note}: {way}")
    return "\n".join(lines)

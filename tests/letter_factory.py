"""Letters as the front door leaves them once confirmed: logged `queued`, their id on the queue.

For delivery tests that need many letters (a batch of ten, 50 for the reputation guard, 500 for pacing):
the front door's bot traps, duplicate guard and rate limits are tested elsewhere and would only be in the
way here. The letter is composed by the same code the front door uses, with the local stage's placeholder
address, and carries the status link hashes, so its status page works.
"""
from __future__ import annotations

import uuid
from typing import Any

SUPPORTER = "Amina Wanjiru"


def queued_letter(services: Any, country: str = "KE", slug: str = "hrd-resolution", *, name: str = SUPPORTER,
                  enqueue: bool = True) -> str:
    from chalicelib.confirmation import link_hashes
    from chalicelib.fallbacks import plan_route
    from chalicelib.letter_log import Letter, iso
    from chalicelib.letters import Supporter, compose

    campaign = services.campaigns.get(slug)
    where = services.directory.country(country)
    target = plan_route(campaign, where, services.directory, sandbox=True).send_to
    letter_id = str(uuid.uuid4())
    supporter = Supporter(name=name, email=f"s-{letter_id[:8]}@example.org")
    composed = compose(campaign, where, target, supporter)
    now = services.clock()
    expires_at = int((now + campaign.policies.retention).timestamp())
    services.letters.create(Letter(
        letter_id=letter_id, campaign=slug, country=where.alpha2, target_set=target.target_set,
        target_name=target.name, target_email=target.email, language=composed.language, subject=composed.subject,
        body=composed.body, supporter_name=supporter.name, supporter_email=supporter.email, status="queued",
        created_at=iso(now), updated_at=iso(now), expires_at=expires_at, due_at=expires_at,
        **link_hashes(services.signer, letter_id)))
    if enqueue:
        services.queue.enqueue(letter_id)
    return letter_id


def status_path(services: Any, letter_id: str) -> str:
    from chalicelib.confirmation import link_paths

    return link_paths(services.signer, letter_id).status

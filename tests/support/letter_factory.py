"""Letters for tests, made without the front door (its bot traps, duplicate guard and rate limits are tested
elsewhere and would only be in the way):

- `queued_letter`: a letter as the front door leaves it once confirmed, logged `queued` and its id on the
  queue, composed by the front door's own code (delivery tests: a batch of ten, 50 for the reputation guard,
  500 for pacing);
- `make_letter` (and `seed`): many letters fast, built directly with repeatable ids (the organiser's log and
  stats: a thousand for paging).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any, Callable, Iterable

from chalicelib.clock import iso
from chalicelib.letters.letter import Letter
from chalicelib.letters.states import Status

SUPPORTER = "Amina Wanjiru"


def queued_letter(
    services: Any, country: str = "KE", slug: str = "hrd-resolution", *, name: str = SUPPORTER, enqueue: bool = True
) -> str:
    from chalicelib.clock import iso
    from chalicelib.letters.composing import Supporter, compose
    from chalicelib.letters.fallbacks import plan_route
    from chalicelib.letters.letter import Letter
    from chalicelib.letters.supporter_mail import link_hashes

    campaign = services.campaigns.get(slug)
    where = services.directory.country(country)
    target = plan_route(campaign, where, services.directory, sandbox=True).send_to
    letter_id = str(uuid.uuid4())
    supporter = Supporter(name=name, email=f"s-{letter_id[:8]}@example.org")
    composed = compose(campaign, where, target, supporter)
    now = services.clock()
    expires_at = int((now + campaign.policies.retention).timestamp())
    services.letters.create(
        Letter(
            letter_id=letter_id,
            campaign=slug,
            country=where.alpha2,
            target_set=target.target_set,
            target_name=target.name,
            target_email=target.email,
            language=composed.language,
            subject=composed.subject,
            body=composed.body,
            supporter_name=supporter.name,
            supporter_email=supporter.email,
            status="queued",
            created_at=iso(now),
            updated_at=iso(now),
            expires_at=expires_at,
            due_at=expires_at,
            **link_hashes(services.signer, letter_id),
        )
    )
    if enqueue:
        services.queue.enqueue(letter_id)
    return letter_id


def status_path(services: Any, letter_id: str) -> str:
    from chalicelib.letters.supporter_mail import link_paths

    return link_paths(services.signer, letter_id).status


_ids = random.Random(6)
RETENTION = dt.timedelta(days=90)


def letter_id() -> str:
    """A version-4 UUID from a seeded generator: runs are repeatable."""
    return str(uuid.UUID(int=_ids.getrandbits(128), version=4))


def make_letter(
    clock: Callable[[], dt.datetime],
    *,
    campaign: str = "hrd-resolution",
    country: str = "KE",
    partner: str = "",
    name: str = "Amina Wanjiru",
    email: str = "amina@example.org",
    status: Status = Status.QUEUED,
    target_name: str = "Ministry of Foreign Affairs",
    letter_id_: str | None = None,
) -> Letter:
    now = clock()
    return Letter(
        letter_id=letter_id_ or letter_id(),
        campaign=campaign,
        country=country,
        target_set="foreign-ministry",
        target_name=target_name,
        target_email=f"foreign-ministry.{country.lower()}@sandbox.invalid",
        language="en",
        subject="Please act",
        body="Dear Minister,\n",
        supporter_name=name,
        supporter_email=email,
        status=status.value,
        created_at=iso(now),
        updated_at=iso(now),
        status_token_hash="0" * 64,
        expires_at=int((now + RETENTION).timestamp()),
        partner=partner,
    )


def seed(table: Any, letters: list[Letter]) -> list[Letter]:
    """Write letters straight to the table (no counters: for tests about the log, not the stats)."""
    with table.batch_writer() as batch:
        for letter in letters:
            batch.put_item(Item=letter.to_item())
    return letters


def newest_first(letters: Iterable[Letter]) -> list[str]:
    """Their ids in the log's order: newest first, ties by id (the index's sort key)."""
    return [x.letter_id for x in sorted(letters, key=lambda x: (x.created_at, x.letter_id), reverse=True)]

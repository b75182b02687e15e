"""Roles on a campaign and the rights each carries: a viewer reads, an editor also acts, an owner may also reveal.

Reading is stats, the masked log, outcomes and masked exports. Acting is what changes what is sent: approving
signatories, scheduling or cancelling a send, sending digests early. Revealing is seeing supporters' and
signatories' names and emails in clear (always audited, access_audit.py).
"""

from __future__ import annotations

from typing import Iterable

from chalicelib.errors import InvalidField

VIEWER, EDITOR, OWNER = "viewer", "editor", "owner"
ROLES = (VIEWER, EDITOR, OWNER)  # weakest first
READ, ACT, REVEAL = "read", "act", "reveal"
RIGHTS = {VIEWER: (READ,), EDITOR: (READ, ACT), OWNER: (READ, ACT, REVEAL)}
_LABELS = {READ: "reading this campaign", ACT: "acting on this campaign", REVEAL: "revealing personal data"}


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidField("role", f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
    return role


def has_right(role: str | None, right: str) -> bool:
    return role is not None and right in RIGHTS.get(role, ())


def strongest(roles: Iterable[str]) -> str | None:
    known = [role for role in roles if role in ROLES]
    return max(known, key=ROLES.index) if known else None


def rights_of(role: str | None) -> list[str]:
    return list(RIGHTS.get(role or "", ()))


def right_label(right: str) -> str:
    return _LABELS.get(right, right)

"""Organisers' sessions after an emailed sign-in link (sign_in.py): short-lived bearer tokens, stored only hashed.

A session token reads "dms_<id>_<secret>" and works SESSION_LENGTH. The page keeps it for its browser tab
(sessionStorage) and sends it as a bearer token, as API clients send organiser tokens (tokens.py): one authorizer
checks both. Each request reads the session, then the member: a member removed or given another role is held
to it at once. Item: pk "ORGANISER_SESSION" / sk "<id>", deleted by TTL a day after it ends.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any, Callable

from chalicelib.clock import iso
from chalicelib.console.members import Members
from chalicelib.console.tokens import Organiser
from chalicelib.errors import Unauthenticated
from chalicelib.signing import token_hash, token_matches

SESSIONS_PK = "ORGANISER_SESSION"
SESSION_RE = re.compile(r"^dms_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
SESSION_LENGTH = dt.timedelta(hours=12)
KEEP_ENDED = dt.timedelta(days=1)


def is_session_token(token: str) -> bool:
    return token.startswith("dms_")


class Sessions:
    def __init__(self, table: Any, members: Members, clock: Callable[[], dt.datetime]) -> None:
        self._table, self._members, self._clock = table, members, clock

    def start(self, email: str) -> dict[str, str]:
        """A new session for this member: {"token", "expires", "email"} (the token is shown only here)."""
        now = self._clock()
        session_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
        expires = now + SESSION_LENGTH
        self._table.put_item(
            Item={
                "pk": SESSIONS_PK,
                "sk": session_id,
                "email": email,
                "secret_hash": token_hash(secret),
                "started_at": iso(now),
                "expires": iso(expires),
                "expires_at": int((expires + KEEP_ENDED).timestamp()),
            },
            ConditionExpression="attribute_not_exists(pk)",
        )
        return {"token": f"dms_{session_id}_{secret}", "expires": iso(expires), "email": email}

    def verify(self, token: str) -> Organiser:
        """The signed-in organiser; Unauthenticated if the session is unknown, ended, expired or no longer a member's."""
        match = SESSION_RE.match(token)
        if not match:
            raise Unauthenticated("Sign in again: this session is not one we know.")
        session_id, secret = match.groups()
        item = self._table.get_item(Key={"pk": SESSIONS_PK, "sk": session_id}, ConsistentRead=True).get("Item")
        if not item or not token_matches(item["secret_hash"], secret):
            raise Unauthenticated("Sign in again: this session is not one we know.")
        if item["expires"] <= iso(self._clock()):
            raise Unauthenticated("Your session has ended: sign in again.")
        member = self._members.get(item["email"])
        if member is None:
            raise Unauthenticated("This address is no longer an organiser of any campaign.")
        return member.organiser(session_id)

    def end(self, token: str) -> None:
        """Sign out: the session stops working at once (an unknown one is ignored)."""
        match = SESSION_RE.match(token)
        if not match:
            return
        session_id, secret = match.groups()
        item = self._table.get_item(Key={"pk": SESSIONS_PK, "sk": session_id}, ConsistentRead=True).get("Item")
        if item and token_matches(item["secret_hash"], secret):
            self._table.delete_item(Key={"pk": SESSIONS_PK, "sk": session_id})

"""Organiser access: bearer tokens covering some campaigns or all, stored only hashed, revocable, optionally expiring.

Every token, like every signed-in organiser (members.py, sessions.py), holds a role on the campaigns it covers
(roles.py): a viewer reads, an editor also acts, an owner may also reveal personal data. A token stored before
roles existed is an owner's, as it could do everything then.

A token reads "dmo_<id>_<secret>". The table keeps only SHA-256 of the secret (256 random bits: a fast hash is
enough) in one small partition, pk "ORGANISER_TOKEN" / sk "<id>": one GetItem checks a token, one Query lists
them. Revoked tokens are kept (marked) so the list shows who had access; expiring ones are deleted by the
table's TTL 30 days after they expire.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from chalicelib.console.roles import OWNER, check_role, has_right, right_label
from chalicelib.errors import Forbidden, InvalidField, NotFound, Unauthenticated
from chalicelib.storage.conditional import conditional_write

ALL = "*"
TOKEN, SESSION = "token", "session"  # the kinds of Organiser: an API token, a signed-in member
TOKENS_PK = "ORGANISER_TOKEN"
TOKEN_RE = re.compile(r"^dmo_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
DURATION_RE = re.compile(r"^(\d{1,4})([dh])$")
KEEP_EXPIRED = dt.timedelta(days=30)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def bearer_token(header: str | None) -> str:
    """The token of an Authorization header ("Bearer <token>", or the bare token)."""
    value = (header or "").strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    return value


def parse_expiry(text: str, now: dt.datetime) -> dt.datetime:
    """ "30d" / "12h" from now, or a date (the token works until the end of that UTC day)."""
    duration = DURATION_RE.match(text.strip())
    if duration:
        amount, unit = int(duration.group(1)), duration.group(2)
        return now + (dt.timedelta(days=amount) if unit == "d" else dt.timedelta(hours=amount))
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidField("expires", "Give a date such as 2027-01-31, or a duration such as 30d or 12h.") from None
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.timezone.utc)
    if end <= now:
        raise InvalidField("expires", f"{day.isoformat()} has passed already.")
    return end


@dataclass(frozen=True)
class Organiser:
    """Who is asking, as the authorizer found it: a token or a signed-in person, their campaigns and role on each."""

    token_id: str
    label: str
    campaigns: tuple[str, ...]  # (ALL,) for every campaign
    roles: tuple[str, ...] = ()  # one per campaign, in the same order; none given: owner of each
    kind: str = TOKEN  # or SESSION: an organiser signed in with an emailed link (label: their email)

    @property
    def covers_all(self) -> bool:
        return ALL in self.campaigns

    def covers(self, slug: str) -> bool:
        return self.covers_all or slug in self.campaigns

    def check(self, slug: str) -> None:
        if not self.covers(slug):
            raise Forbidden(f"Your token does not cover the campaign {slug!r}.")

    def role(self, slug: str) -> str | None:
        """The role on this campaign (an explicit grant or the all-campaigns one, whichever carries more)."""
        from chalicelib.console.roles import strongest

        roles = self.roles or (OWNER,) * len(self.campaigns)
        return strongest(role for campaign, role in zip(self.campaigns, roles) if campaign in (slug, ALL))

    def can(self, slug: str, right: str) -> bool:
        return has_right(self.role(slug), right)

    def require(self, slug: str, right: str) -> None:
        """Forbidden unless the campaign is covered with a role that carries `right`."""
        self.check(slug)
        if not self.can(slug, right):
            raise Forbidden(f"Your role on {slug!r} ({self.role(slug)}) does not allow {right_label(right)}.")

    @property
    def actor(self) -> str:
        """How the audit and the logs name this organiser."""
        return f"{self.kind} {self.token_id} ({self.label})"

    def context(self) -> dict[str, str]:
        """Flat strings, as API Gateway passes an authorizer's context on to the route."""
        return {
            "token_id": self.token_id,
            "label": self.label,
            "campaigns": ",".join(self.campaigns),
            "roles": ",".join(self.roles),
            "kind": self.kind,
        }

    @classmethod
    def from_context(cls, context: dict[str, Any]) -> "Organiser":
        return cls(
            context["token_id"],
            context.get("label", ""),
            tuple(filter(None, context["campaigns"].split(","))),
            tuple(filter(None, context.get("roles", "").split(","))),
            context.get("kind", "token"),
        )


@dataclass(frozen=True)
class TokenRecord:
    token_id: str
    label: str
    campaigns: tuple[str, ...]
    created_at: str
    expires: str | None = None
    revoked_at: str | None = None
    role: str = OWNER

    def state(self, now: dt.datetime) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires and self.expires <= _iso(now):
            return "expired"
        return "active"

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "TokenRecord":
        return cls(
            item["sk"],
            item["label"],
            tuple(item["campaigns"]),
            item["created_at"],
            item.get("expires"),
            item.get("revoked_at"),
            item.get("role", OWNER),
        )


class OrganiserTokens:
    def __init__(self, table: Any, clock: Callable[[], dt.datetime]) -> None:
        self._table, self._clock = table, clock

    def create(
        self, label: str, campaigns: Sequence[str], expires: dt.datetime | None = None, role: str = OWNER
    ) -> tuple[str, TokenRecord]:
        """A new token for `campaigns` (or [ALL]) with `role` on each; returns the token, shown once, and its record."""
        check_role(role)
        label = label.strip()
        if not label or len(label) > 100 or not label.isprintable():
            raise InvalidField("label", "Give the token a label of 1 to 100 printable characters (who holds it).")
        if not campaigns:
            raise InvalidField("campaign", "Name at least one campaign, or all of them.")
        now = self._clock()
        token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        record = TokenRecord(
            token_id, label, tuple(dict.fromkeys(campaigns)), _iso(now), _iso(expires) if expires else None, role=role
        )
        item: dict[str, Any] = {
            "pk": TOKENS_PK,
            "sk": token_id,
            "label": record.label,
            "campaigns": list(record.campaigns),
            "created_at": record.created_at,
            "secret_hash": _hash(secret),
            "role": role,
        }
        if expires:
            item["expires"] = record.expires
            item["expires_at"] = int((expires + KEEP_EXPIRED).timestamp())  # TTL: the record goes a month later
        self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")
        return f"dmo_{token_id}_{secret}", record

    def revoke(self, token_id: str) -> TokenRecord:
        response = conditional_write(
            self._table.update_item,
            Key={"pk": TOKENS_PK, "sk": token_id},
            ConditionExpression="attribute_exists(pk)",
            UpdateExpression="SET revoked_at = if_not_exists(revoked_at, :now)",
            ExpressionAttributeValues={":now": _iso(self._clock())},
            ReturnValues="ALL_NEW",
        )
        if response is None:
            raise NotFound(f"No token has the id {token_id!r}; `token list` shows them.")
        return TokenRecord.from_item(response["Attributes"])

    def list(self) -> list[TokenRecord]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": {":pk": TOKENS_PK}}
        while True:
            page = self._table.query(**kwargs)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return sorted((TokenRecord.from_item(i) for i in items), key=lambda r: r.created_at)

    def verify(self, token: str) -> Organiser:
        """The organiser this token belongs to; Unauthenticated if it is malformed, unknown, revoked or expired."""
        match = TOKEN_RE.match(token)
        if not match:
            raise Unauthenticated("An organiser token is required: `Authorization: Bearer dmo_…`.")
        token_id, secret = match.groups()
        item = self._table.get_item(Key={"pk": TOKENS_PK, "sk": token_id}, ConsistentRead=True).get("Item")
        if not item or not secrets.compare_digest(item["secret_hash"], _hash(secret)):
            raise Unauthenticated("This organiser token is not known.")
        record = TokenRecord.from_item(item)
        state = record.state(self._clock())
        if state != "active":
            raise Unauthenticated(f"This organiser token is {state}.")
        return Organiser(record.token_id, record.label, record.campaigns, (record.role,) * len(record.campaigns))


def visible(organiser: Organiser, slugs: Iterable[str]) -> list[str]:
    return [slug for slug in slugs if organiser.covers(slug)]

"""Organisers who sign in with their email (sign_in.py), each with a role on some campaigns or on all of them.

One item per person, pk "ORGANISER_MEMBER" / sk "<email>" (the address as they type it, lower case): one GetItem
finds a member at sign-in and on every request of their session, one Query lists them. `admin organiser add`
creates the first owner after a deploy; removing a member ends their sessions at their next request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from chalicelib.clock import iso
from chalicelib.console.roles import check_role
from chalicelib.console.tokens import ALL, SESSION, Organiser
from chalicelib.errors import InvalidField, NotFound

MEMBERS_PK = "ORGANISER_MEMBER"


def member_email(text: str) -> str:
    """The address as members are keyed: checked (no header tricks), lower case; InvalidField if it is not one."""
    from chalicelib.mail.addresses import normalise_email

    try:
        return normalise_email((text or "").strip()).lower()
    except ValueError as exc:
        raise InvalidField("email", str(exc)) from None


@dataclass(frozen=True)
class Member:
    email: str
    roles: dict[str, str]  # campaign slug (or ALL) -> role
    added_at: str

    def organiser(self, session_id: str) -> Organiser:
        slugs = tuple(sorted(self.roles))
        return Organiser(session_id, self.email, slugs, tuple(self.roles[s] for s in slugs), kind=SESSION)

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Member":
        return cls(item["sk"], dict(item.get("roles") or {}), item.get("added_at", ""))


class Members:
    def __init__(self, table: Any, clock: Callable[[], dt.datetime]) -> None:
        self._table, self._clock = table, clock

    def get(self, email: str) -> Member | None:
        item = self._table.get_item(Key={"pk": MEMBERS_PK, "sk": email}, ConsistentRead=True).get("Item")
        return Member.from_item(item) if item and item.get("roles") else None

    def grant(self, email: str, campaigns: Sequence[str], role: str) -> Member:
        """Give `email` the `role` on each campaign (or on ALL), keeping their roles on the others."""
        email, role = member_email(email), check_role(role)
        if not campaigns:
            raise InvalidField("campaign", "Name at least one campaign, or all of them.")
        names = {f"#c{n}": slug for n, slug in enumerate(campaigns)}
        # two writes: DynamoDB sets a key inside a map only once the map exists
        self._table.update_item(
            Key={"pk": MEMBERS_PK, "sk": email},
            UpdateExpression="SET added_at = if_not_exists(added_at, :now), #roles = if_not_exists(#roles, :empty)",
            ExpressionAttributeNames={"#roles": "roles"},
            ExpressionAttributeValues={":now": iso(self._clock()), ":empty": {}},
        )
        response = self._table.update_item(
            Key={"pk": MEMBERS_PK, "sk": email},
            UpdateExpression="SET " + ", ".join(f"#roles.{name} = :role" for name in names),
            ExpressionAttributeNames={"#roles": "roles", **names},
            ExpressionAttributeValues={":role": role},
            ReturnValues="ALL_NEW",
        )
        return Member.from_item(response["Attributes"])

    def remove(self, email: str) -> None:
        email = member_email(email)
        from chalicelib.storage.conditional import conditionally

        if not conditionally(
            self._table.delete_item, Key={"pk": MEMBERS_PK, "sk": email}, ConditionExpression="attribute_exists(pk)"
        ):
            raise NotFound(f"{email} is not an organiser; `organiser list` shows them.")

    def list(self) -> list[Member]:
        from chalicelib.storage.paged_query import query_all

        items = query_all(self._table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": MEMBERS_PK})
        return [Member.from_item(item) for item in items]


def roles_label(member: Member) -> str:
    """ "every campaign: owner, sg-defenders: viewer" """
    return ", ".join(
        f"{'every campaign' if slug == ALL else slug}: {role}" for slug, role in sorted(member.roles.items())
    )

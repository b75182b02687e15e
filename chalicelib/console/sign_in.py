"""Organisers sign in with their email: a one-time link sent through SES, exchanged for a session (sessions.py).

- A link works once (redeeming deletes it, on a condition) and for LINK_LIFETIME; the table keeps only its
  SHA-256 hash, pk "SIGN_IN_LINK" / sk "<hash>", deleted by TTL.
- Asking for a link answers the same whether the address is a member's or not, so the form tells nobody who
  organises a campaign; only a member gets mail.
- Asking is rate-limited per address and per network (exact counters, front_door/rate_limits.py), both keyed
  hashes: a form cannot be used to flood someone's inbox.
- The link carries its secret after "#" (/admin#sign-in=…): the page reads it and posts it, so it never
  reaches a server log or a Referer, and a mail scanner that opens the link redeems nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, Callable

from chalicelib.campaigns.catalogue import Campaign, Campaigns
from chalicelib.clock import iso
from chalicelib.console.members import Member, Members, member_email
from chalicelib.console.sessions import Sessions
from chalicelib.errors import LinkGone, TooManyLetters
from chalicelib.front_door.rate_limits import HOUR, Counter, ip_network
from chalicelib.signing import Signer, token_hash
from chalicelib.storage.conditional import conditional_write, transacted

LINKS_PK = "SIGN_IN_LINK"
LINK_LIFETIME = dt.timedelta(minutes=15)
PER_ADDRESS_PER_HOUR, PER_NETWORK_PER_HOUR = 5, 30
SENT = "If this address belongs to an organiser, a sign-in link is on its way. It works once, for 15 minutes."
BODY = """Hello,

Someone, we hope you, asked to sign in to the Démarche organisers' console with this address.
Open this link within {minutes} minutes to sign in. It works once:

{link}

If you did not ask for it, ignore this email: nobody can sign in without the link.
"""


class SignInLinks:
    def __init__(
        self,
        *,
        table: Any,
        members: Members,
        sessions: Sessions,
        campaigns: Campaigns,
        mailer: Any,
        signer: Signer,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._table, self._members, self._sessions, self._campaigns = table, members, sessions, campaigns
        self._mailer, self._signer, self._clock = mailer, signer, clock

    def request(self, email: str, ip: str, base_url: str) -> dict[str, str]:
        """Email a sign-in link if `email` is a member's; the same answer either way (429 past the limits)."""
        email = member_email(email)
        self._count(email, ip)
        member = self._members.get(email)
        if member is not None:
            self._send(member, base_url)
        return {"message": SENT}

    def redeem(self, link: str) -> dict[str, str]:
        """Exchange a link for a session, once; LinkGone if it was used, expired or never sent."""
        now = self._clock()
        used = conditional_write(
            self._table.delete_item,
            Key={"pk": LINKS_PK, "sk": token_hash(link or "")},
            ConditionExpression="attribute_exists(pk) AND expires > :now",
            ExpressionAttributeValues={":now": iso(now)},
            ReturnValues="ALL_OLD",
        )
        if used is None:
            raise LinkGone("This sign-in link was used already, has expired, or is not one we sent: ask for a new one.")
        return self._sessions.start(used["Attributes"]["email"])

    def _count(self, email: str, ip: str) -> None:
        now = self._clock()
        counters = [
            Counter(
                "console", "sign-in-email", self._signer.keyed_hash("sign-in-email", email), PER_ADDRESS_PER_HOUR, HOUR
            ),
            Counter(
                "console",
                "sign-in-ip",
                self._signer.keyed_hash("sign-in-ip", ip_network(ip)),
                PER_NETWORK_PER_HOUR,
                HOUR,
            ),
        ]
        if not transacted(self._table, [c.reserve(self._table.name, now) for c in counters]):
            wait = counters[0].resets_in(now)
            raise TooManyLetters(
                f"Too many sign-in links were asked for. Try again in {max(1, round(wait / 60))} minutes.",
                retry_after=wait,
            )

    def _send(self, member: Member, base_url: str) -> None:
        from chalicelib.mail.mailer import Notice

        now = self._clock()
        secret = secrets.token_urlsafe(32)
        expires = now + LINK_LIFETIME
        self._table.put_item(
            Item={
                "pk": LINKS_PK,
                "sk": token_hash(secret),
                "email": member.email,
                "expires": iso(expires),
                "expires_at": int((expires + HOUR).timestamp()),
            }
        )
        campaign = self._sender_campaign(member)
        body = BODY.format(minutes=int(LINK_LIFETIME.total_seconds() // 60), link=f"{base_url}/admin#sign-in={secret}")
        self._mailer.send_notice(
            Notice(
                to_name="",
                to_email=member.email,
                organisation=campaign.organisation,
                sender_address=campaign.sender_address,
                subject="Your sign-in link for the Démarche organisers' console",
                body=body,
                language="en",
                campaign=campaign.slug,
            )
        )

    def _sender_campaign(self, member: Member) -> Campaign:
        """The link comes from a campaign the member organises (every campaign sends from the stage's domain)."""
        slugs = [c.slug for c in self._campaigns.all()]
        mine = [slug for slug in slugs if slug in member.roles]  # none for a member of ALL: any campaign will do
        return self._campaigns.get((mine or slugs)[0])

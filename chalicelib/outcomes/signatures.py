"""Coalition sign-on letters, part one: organisations sign, confirm by email, and organisers approve or reject.

A signatory is one item in its campaign's partition (pk "SIGNON#<campaign>", sk "SIGNATORY#<id>"), moved by
conditional writes (chalicelib/storage/state_machines.py SIGNATORY):

    pending_confirmation -> awaiting_approval -> approved <-> rejected

- Signing goes through the same screening as a letter (chalicelib/front_door/screening.py): Idempotency-Key,
  bot traps, proof of work when `[bots] proof_of_work` is on, exact rate limits per IP and mailbox, and a
  guard so that one organisation (name and country) signs once; signatory, guard and counters are written in
  one transaction (chalicelib/front_door/admission.py). Then the contact confirms their address (double opt-in).
- An unconfirmed signature disappears when its link expires. A confirmed one is kept until `retention_days`
  after the campaign closes; the contact's name and email are never shown to the public.
- Only approved signatories carry the keys of the `public-lists` index, which projects the organisation's name,
  country and website and nothing else: the public list reads that index, never a contact's details.
The letter itself, with the numbered list, is sent by chalicelib/outcomes/sign_on_sends.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
import uuid
from typing import Any, Callable, Mapping

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.clock import iso
from chalicelib.directory import Directory
from chalicelib.errors import DemarcheError, InvalidField, LinkGone, LinkUnknown, NotFound, StateConflict
from chalicelib.front_door.admission import Admission
from chalicelib.front_door.duplicates import extend, free, guard_key
from chalicelib.front_door.fields import check_country_and_email, clean_fields
from chalicelib.front_door.screening import Screening
from chalicelib.i18n import UI_LANGUAGES, primary
from chalicelib.letters.supporter_mail import campaign_mail, greeting_name
from chalicelib.mail.mail_queue import MailQueue
from chalicelib.mail.mailer import Notice
from chalicelib.signing import Signer, token_hash, token_matches
from chalicelib.storage.paged_query import query_all
from chalicelib.storage.state_machines import SIGNATORY, MoveRefused, move

SIGN_FIELDS = {"organisation": 200, "country": 60, "website": 200, "contact_name": 100, "email": 254, "language": 5}
REQUIRED = ("organisation", "country", "contact_name", "email")
CONFIRM, WITHDRAW = "signature-confirm", "signature-withdraw"  # what a link token is for
PUBLIC_INDEX = "public-lists"
WEBSITE_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
DECISIONS = {"approve": "approved", "reject": "rejected"}
log = logging.getLogger(__name__)


def partition(campaign: str) -> str:
    return f"SIGNON#{campaign}"


def signatory_key(campaign: str, signatory_id: str) -> dict[str, str]:
    return {"pk": partition(campaign), "sk": f"SIGNATORY#{signatory_id}"}


def sort_name(organisation: str) -> str:
    """The key the list is sorted by: case, accents and a leading "The" ignored ("Ñandú" beside "Nandu")."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", organisation) if not unicodedata.combining(ch))
    return re.sub(r"^the\s+", "", plain.casefold().strip())


def links(signer: Signer, campaign: str, signatory_id: str) -> dict[str, str]:
    base = f"/campaigns/{campaign}/signatures/{signatory_id}"
    return {
        "confirm": f"{base}/confirm/{signer.token(CONFIRM, signatory_id)}",
        "withdraw": f"{base}/withdraw/{signer.token(WITHDRAW, signatory_id)}",
    }


def public_view(item: Mapping[str, Any], directory: Directory) -> dict[str, str]:
    return {
        "organisation": item["organisation"],
        "country": item["country"],
        "country_name": directory.country(item["country"]).name,
        "website": item.get("website", ""),
    }


class Signatures:
    def __init__(
        self,
        *,
        table: Any,
        screening: Screening,
        mailer: MailQueue,
        directory: Directory,
        signer: Signer,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._table, self._screening, self._mailer = table, screening, mailer
        self._directory, self._signer, self._clock = directory, signer, clock

    def sign(
        self, campaign: Campaign, payload: Any, ip: str, links_base: str, idempotency_key: str = ""
    ) -> dict[str, str]:
        """Take one organisation's signature and email its contact the confirmation link; with an
        Idempotency-Key, a retry gets the first answer back."""
        now = self._clock()
        self._screening.door_open(campaign, now, sign_on=True)
        return self._screening.once(
            campaign,
            idempotency_key,
            payload,
            now,
            lambda: self._sign(campaign, payload, ip, links_base, now),
            record=dict,
            replay=dict,
            what="signature",
        )

    def _sign(
        self, campaign: Campaign, payload: Any, ip: str, links_base: str, now: dt.datetime
    ) -> tuple[dict[str, str], bool]:
        decoy = {"signatory_id": str(uuid.uuid4()), "status": "pending_confirmation"}, False
        values = self._screening.screen(
            campaign,
            payload,
            now,
            lambda fields: clean_fields(
                fields, SIGN_FIELDS, REQUIRED, "organisation, country, contact_name and email", multiline=()
            ),
            "signatures",
        )
        if values is None:
            return decoy
        country, email = check_country_and_email(values, self._directory)
        if values["website"] and not WEBSITE_RE.match(values["website"]):
            raise InvalidField("website", "The website must be an address starting with https:// (or http://).")
        language = primary(values["language"]) or campaign.languages[0]  # the contact's: emails and pages
        if language not in UI_LANGUAGES:
            raise InvalidField("language", f"The language is one of {', '.join(UI_LANGUAGES)}.")

        signatory_id = str(uuid.uuid4())
        policy = campaign.policies.confirmation
        confirm_by = int((now + policy.expires_after).timestamp())
        expires_at = confirm_by + 86_400  # an unconfirmed signature is deleted a day after its link expires
        key = signatory_key(campaign.slug, signatory_id)
        item = {
            **key,
            "signatory_id": signatory_id,
            "campaign": campaign.slug,
            "status": "pending_confirmation",
            "organisation": values["organisation"],
            "sort_name": sort_name(values["organisation"]),
            "country": country.alpha2,
            "website": values["website"],
            "contact_name": values["contact_name"],
            "contact_email": email,
            "language": language,
            "created_at": iso(now),
            "updated_at": iso(now),
            "confirm_by": confirm_by,
            "expires_at": expires_at,
            "links_base": links_base,
            "confirm_token_hash": token_hash(self._signer.token(CONFIRM, signatory_id)),
            "withdraw_token_hash": token_hash(self._signer.token(WITHDRAW, signatory_id)),
            **_due(key, expires_at),
        }
        organisation = self._signer.keyed_hash("organisation", f"{item['sort_name']}|{country.alpha2}")
        guard = guard_key(campaign.slug, "sign-on", organisation)
        counters = self._screening.counters(campaign, payload, ip, self._screening.mailbox(email), target=None)
        admission = Admission(
            {k: v for k, v in item.items() if v != ""}, signatory_id, expires_at, guard, counters, now
        )
        admitted = self._screening.admit(
            admission,
            # whether an organisation signed (before its approval) is not told to whoever asks: same answer
            on_duplicate=lambda existing: log.info(
                "sign-on %s: a duplicate of %s, nothing kept", campaign.slug, existing
            ),
            announce=lambda: self._mailer.send_notice(self._confirmation(campaign, item)),
            unavailable="We could not take your signature just now; nothing was kept. Please try again.",
        )
        if not admitted:  # kept for an Idempotency-Key retry like a new signature's answer (no oracle there either)
            return {"signatory_id": str(uuid.uuid4()), "status": "pending_confirmation"}, True
        return {"signatory_id": signatory_id, "status": "pending_confirmation"}, True

    def _confirmation(self, campaign: Campaign, item: Mapping[str, Any]) -> Notice:
        paths = links(self._signer, campaign.slug, item["signatory_id"])
        return campaign_mail(
            campaign,
            "sign_on_confirm",
            item["language"],
            item["contact_name"],
            item["contact_email"],
            name=item["contact_name"],
            # typed by anyone, mailed to any address: named only under the greeting's rule (short, plain, no link)
            signatory=greeting_name(item["organisation"]),
            confirm_url=item["links_base"] + paths["confirm"],
            withdraw_url=item["links_base"] + paths["withdraw"],
            expires=dt.datetime.fromtimestamp(int(item["confirm_by"]), dt.timezone.utc).date().isoformat(),
        )

    # --- the contact's links ------------------------------------------------------------------------------

    def look(self, campaign: Campaign, signatory_id: str, token: str, purpose: str = CONFIRM) -> dict[str, Any]:
        item = self._table.get_item(Key=signatory_key(campaign.slug, signatory_id), ConsistentRead=True).get("Item")
        field = "confirm_token_hash" if purpose == CONFIRM else "withdraw_token_hash"
        now = int(self._clock().timestamp())
        if item is None or int(item["expires_at"]) <= now or not token_matches(item.get(field, ""), token):
            raise _told(
                LinkUnknown(
                    "This link is not one we sent, or it expired and the signature was deleted. "
                    "You are welcome to sign again."
                ),
                "unknown",
            )
        if purpose == CONFIRM and item["status"] != "pending_confirmation":
            raise _told(
                LinkGone("This link was already used: your signature is confirmed and waits for the organisers."),
                "used",
            )
        if purpose == CONFIRM and int(item["confirm_by"]) <= now:
            raise _told(LinkGone("This link has expired. You are welcome to sign again."), "expired")
        return item

    def confirm(self, campaign: Campaign, signatory_id: str, token: str) -> dict[str, Any]:
        """The contact's address is theirs: the signature waits for the organisers' approval."""
        item = self.look(campaign, signatory_id, token)
        now = self._clock()
        keep_until = int(
            (dt.datetime.combine(campaign.closes, dt.time(), dt.timezone.utc) + campaign.policies.retention).timestamp()
        )
        keep_until = max(keep_until, int((now + campaign.policies.retention).timestamp()))
        key = signatory_key(campaign.slug, signatory_id)
        try:
            move(
                self._table,
                SIGNATORY,
                key,
                "pending_confirmation",
                "awaiting_approval",
                now,
                changes={"confirmed_at": iso(now), "expires_at": keep_until, "due_at": keep_until},
            )
        except MoveRefused:
            return self.look(campaign, signatory_id, token)
        organisation = self._signer.keyed_hash("organisation", f"{item['sort_name']}|{item['country']}")
        extend(self._table, guard_key(campaign.slug, "sign-on", organisation)["pk"], signatory_id, keep_until)
        return {**item, "status": "awaiting_approval"}

    def withdraw(self, campaign: Campaign, signatory_id: str, token: str) -> dict[str, Any]:
        """The organisation takes its signature back: it is deleted (letters already sent keep their list)."""
        item = self.look(campaign, signatory_id, token, WITHDRAW)
        self._table.delete_item(Key=signatory_key(campaign.slug, signatory_id))
        organisation = self._signer.keyed_hash("organisation", f"{item['sort_name']}|{item['country']}")
        free(self._table, guard_key(campaign.slug, "sign-on", organisation)["pk"], signatory_id)
        return item

    # --- the organisers' decisions --------------------------------------------------------------------------

    def decide(self, campaign: Campaign, signatory_id: str, decision: str, actor: str) -> dict[str, Any]:
        """Approve or reject one confirmed signatory (and change one's mind: approved <-> rejected)."""
        if decision not in DECISIONS:
            raise InvalidField("decision", "The decision is approve or reject.")
        key = signatory_key(campaign.slug, signatory_id)
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        if item is None:
            raise NotFound(f"No signatory {signatory_id!r} in {campaign.slug}.")
        target = DECISIONS[decision]
        if item["status"] == target:
            return self._organiser_view(item, reveal=False)
        if item["status"] == "pending_confirmation":
            raise StateConflict("This signatory has not confirmed their email address yet: it cannot be decided on.")
        now = self._clock()
        listed = {"list_pk": f"SIGNATORIES#{campaign.slug}", "list_sk": f"{item['sort_name']}#{signatory_id}"}
        try:
            if target == "approved":
                move(
                    self._table,
                    SIGNATORY,
                    key,
                    item["status"],
                    target,
                    now,
                    changes={**listed, "decided_at": iso(now), "decided_by": actor},
                )
            else:
                move(
                    self._table,
                    SIGNATORY,
                    key,
                    item["status"],
                    target,
                    now,
                    changes={"decided_at": iso(now), "decided_by": actor},
                    remove=tuple(listed),
                )
        except MoveRefused as refused:
            raise StateConflict(
                f"Another organiser changed this signatory meanwhile (now {refused.current})."
            ) from None
        return self._organiser_view({**item, "status": target, "decided_by": actor}, reveal=False)

    def all(self, campaign: str, *, reveal: bool = False) -> list[dict[str, Any]]:
        """Every signatory, for the organisers, alphabetically; contact details masked unless `reveal`."""
        from boto3.dynamodb.conditions import Key

        now = int(self._clock().timestamp())
        items = query_all(
            self._table,
            KeyConditionExpression=Key("pk").eq(partition(campaign)) & Key("sk").begins_with("SIGNATORY#"),
            ConsistentRead=True,
        )
        live = [i for i in items if int(i["expires_at"]) > now]
        return [self._organiser_view(i, reveal=reveal) for i in sorted(live, key=lambda i: i["sort_name"])]

    def approved(self, campaign: str, *, order: str = "alphabetical") -> list[dict[str, Any]]:
        """The approved signatories, read consistently (for the letter itself): alphabetically, or with
        order="signed" in the order they signed."""
        listed = [i for i in self.all(campaign) if i["status"] == "approved"]
        if order == "signed":
            listed.sort(key=lambda i: (i["signed_at"], i["signatory_id"]))
        return listed

    def public(self, campaign: str) -> list[dict[str, str]]:
        """The public list: approved signatories only, numbered alphabetically, from the index that holds no
        contact details (it may lag a write by a second)."""
        from boto3.dynamodb.conditions import Key

        items = query_all(
            self._table, IndexName=PUBLIC_INDEX, KeyConditionExpression=Key("list_pk").eq(f"SIGNATORIES#{campaign}")
        )
        return [{"number": n, **public_view(i, self._directory)} for n, i in enumerate(items, start=1)]

    def _organiser_view(self, item: Mapping[str, Any], *, reveal: bool) -> dict[str, Any]:
        email = item.get("contact_email", "")
        return {
            "signatory_id": item["signatory_id"],
            "status": item["status"],
            **public_view(item, self._directory),
            "contact_name": item.get("contact_name", "") if reveal else _mask(item.get("contact_name", "")),
            "contact_email": email if reveal else _mask_email(email),
            "signed_at": item["created_at"],
            "decided_by": item.get("decided_by", ""),
        }


def numbered(signatories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The list as printed in the letter: 1. Organisation (Country), the country named in each letter's language."""
    return [
        {"number": n, "organisation": s["organisation"], "country": s["country_name"], "country_code": s["country"]}
        for n, s in enumerate(signatories, start=1)
    ]


def _told(error: DemarcheError, why: str) -> DemarcheError:
    """A link error as a signatory's page says it in their language (`sign_on.link.<why>`), not as a letter's."""
    error.detail = f"sign_on.link.{why}"
    return error


def _due(key: Mapping[str, str], at: int) -> dict[str, Any]:
    from chalicelib.storage.due_index import due_keys

    return due_keys(key["pk"] + key["sk"], at)


def _mask(text: str) -> str:
    return f"{text[:1]}…" if text else ""


def _mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}" if domain else ""

""" "Did they reply?": some days after a letter was delivered, one short email asks the supporter whether the
recipient answered, with one-click answers (yes / no / not yet) and room to paste the reply.

One follow-up item per confirmed letter, beside it (pk LETTER#<id>, sk FOLLOWUP), moved by conditional writes
(chalicelib/storage/state_machines.py FOLLOW_UP) and found by the housekeeping job through the by-due index:

    scheduled -> asked -> answered      scheduled | asked -> cancelled

- Asked only once the letter that went (the supporter's own, or the digest that listed them) is delivered, and
  `after` (14 days) later. A letter that bounced, failed, was complained about or expired is never asked about.
- At most one reminder, `remind_after` (7 days) after the question, and only if there is no answer but "not yet".
- Never after the supporter opted out (a link in every follow-up) or deleted their details.
- The write comes before the email: a crash can lose an email, never send two.
Answers count towards the target's responsiveness in the same transaction (chalicelib/feedback/responsiveness.py). A
pasted reply is kept, for the organisers to read, until the letter's retention date, like everything personal.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Callable

from chalicelib.campaigns.catalogue import Campaign, Campaigns
from chalicelib.clock import iso
from chalicelib.errors import InvalidField, LinkGone, LinkUnknown
from chalicelib.feedback.responsiveness import ANSWERS, answer_deltas, count_entry, counter_key
from chalicelib.front_door.duplicates import mailbox_hash
from chalicelib.letters.letter import Letter, letter_key
from chalicelib.letters.log import LetterLog
from chalicelib.letters.states import FINAL, Status
from chalicelib.letters.supporter_mail import link_paths, mail_to_supporter, supporter_language
from chalicelib.mail.mail_queue import MailQueue
from chalicelib.signing import Signer, token_hash, token_matches
from chalicelib.storage.state_machines import FOLLOW_UP, MoveRefused, move, put_once

log = logging.getLogger(__name__)

FOLLOW_UP_SK = "FOLLOWUP"
PURPOSE, STOP = "follow-up", "follow-up-stop"  # what a link token is for
# The letter reached the recipient's mailbox, as SES feedback reported it (chalicelib/feedback/ses_events.py). A letter only
# `sent` (or `delayed`) waits: SES reports every delivery, and a letter it never delivered is not asked about.
DELIVERED = frozenset({Status.DELIVERED.value})
NEVER_ASKED = frozenset(s.value for s in FINAL)  # bounced, complained, failed, expired
RECHECK = dt.timedelta(days=1)  # a letter not delivered yet (queued, paced, in a coming digest) is looked at again
GIVE_UP = dt.timedelta(days=30)  # a letter with no delivery report this long after it was confirmed is not asked about
LATEST = dt.timedelta(days=3)  # no question this close to the end of the letter's retention: no time to answer
OPT_OUT_KEPT = dt.timedelta(days=730)  # an opt-out (a keyed hash of the mailbox) outlives any letter they write soon
MAX_REPLY = 10_000


def follow_up_key(letter_id: str) -> dict[str, str]:
    return {"pk": letter_key(letter_id)["pk"], "sk": FOLLOW_UP_SK}


def opt_out_key(mailbox: str) -> dict[str, str]:
    return {"pk": f"OPTOUT#{mailbox}", "sk": "OPTOUT"}


def reply_key(campaign: str, asked_at: str, letter_id: str) -> dict[str, str]:
    """Replies organisers may read: one partition per campaign, in the order the questions went."""
    return {"pk": f"REPLIES#{campaign}", "sk": f"{asked_at}#{letter_id}"}


def links(signer: Signer, letter_id: str) -> dict[str, str]:
    base = f"/follow-ups/{letter_id}/{signer.token(PURPOSE, letter_id)}"
    return {"answer": base, "stop": f"/follow-ups/{letter_id}/{signer.token(STOP, letter_id)}/stop"}


def _due(item: dict[str, Any], moment: dt.datetime) -> dict[str, int]:
    """The next due time, never after the follow-up's own end (then the scrub deletes it)."""
    return {"due_at": min(int(moment.timestamp()), int(item["expires_at"]))}


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class FollowUps:
    def __init__(
        self,
        table: Any,
        letters: LetterLog,
        mailer: MailQueue,
        campaigns: Campaigns,
        signer: Signer,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._table, self._letters, self._mailer = table, letters, mailer
        self._campaigns, self._signer, self._clock = campaigns, signer, clock

    def schedule(self, letter: Letter, campaign: Campaign, expires_at: int) -> None:
        """Plan the question for a just-confirmed letter, kept until `expires_at` like the letter (one write;
        looked at first `after` from now, the earliest it can go)."""
        policy = campaign.policies.follow_up
        if not policy.enabled or campaign.is_sign_on:
            return
        from chalicelib.storage.due_index import due_keys

        key = follow_up_key(letter.letter_id)
        now = self._clock()
        put_once(
            self._table,
            {
                **key,
                **due_keys(key["pk"], int((now + policy.after).timestamp())),
                "status": "scheduled",
                "letter_id": letter.letter_id,
                "campaign": campaign.slug,
                "target_set": letter.target_set,
                "country": "" if letter.target_set == "fixed" else letter.country,
                "target_name": letter.target_name,
                "token_hash": token_hash(self._signer.token(PURPOSE, letter.letter_id)),
                "stop_token_hash": token_hash(self._signer.token(STOP, letter.letter_id)),
                "created_at": iso(now),
                "updated_at": iso(now),
                "expires_at": expires_at,
            },
        )

    # --- the housekeeping job ------------------------------------------------------------------------------

    def step(self, key: dict[str, str]) -> str:
        """Do the follow-up's next due action: ask, remind, wait, or give up (never if not delivered)."""
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        if item is None:
            return "gone"
        letter = self._letters.get(item["letter_id"])
        if item["status"] == "scheduled":
            return self._maybe_ask(key, item, letter)
        if item["status"] in ("asked", "answered") and letter is not None and self._may_remind(item, letter):
            return self._remind(key, item, letter)
        self._wait(key, item, dt.datetime.fromtimestamp(int(item["expires_at"]), dt.timezone.utc))
        return "rescheduled"

    def _maybe_ask(self, key: dict[str, str], item: dict[str, Any], letter: Letter | None) -> str:
        now = self._clock()
        if letter is None or not letter.supporter_email:
            return self._cancel(key, "scheduled", "the letter or the supporter's details are gone")
        outcome, delivered_at = self.outcome(letter)
        if outcome == "never":
            return self._cancel(key, "scheduled", "the letter was not delivered")
        if self._opted_out(letter):
            return self._cancel(key, "scheduled", "the supporter opted out")
        campaign = self._campaigns.get(letter.campaign)
        if delivered_at is None:
            if now - _moment(item["created_at"]) > GIVE_UP:
                return self._cancel(key, "scheduled", "no delivery report came for the letter")
            self._wait(key, item, now + RECHECK)
            return "not_yet"
        ask_at = delivered_at + campaign.policies.follow_up.after
        if now < ask_at:
            self._wait(key, item, ask_at)
            return "not_yet"
        if int(item["expires_at"]) - int(now.timestamp()) < LATEST.total_seconds():
            return self._cancel(key, "scheduled", "too late: the letter's details are about to be deleted")
        remind = campaign.policies.follow_up.remind_after
        next_due = now + remind if remind else dt.datetime.fromtimestamp(int(item["expires_at"]), dt.timezone.utc)
        move(
            self._table,
            FOLLOW_UP,
            key,
            "scheduled",
            "asked",
            now,
            changes={"asked_at": iso(now), **_due(item, next_due)},
            also=[
                count_entry(
                    self._table.name,
                    counter_key(item["campaign"], item["target_set"], item["country"]),
                    item["target_name"],
                    asked=1,
                )
            ],
        )
        self._send(letter, campaign, reminder=False)
        return "asked"

    def outcome(self, letter: Letter) -> tuple[str, dt.datetime | None]:
        """What happened to the letter that went: ("delivered", when), ("never", None) or ("waiting", None)."""
        carrier: Letter | None = letter
        if letter.status == Status.IN_DIGEST.value:
            carrier = self._letters.get(letter.digest_letter_id)
        if carrier is None or carrier.status in NEVER_ASKED:
            return "never", None
        if carrier.status in DELIVERED:
            return "delivered", _moment(carrier.delivered_at or carrier.updated_at)
        return "waiting", None

    def _may_remind(self, item: dict[str, Any], letter: Letter) -> bool:
        campaign = self._campaigns.get(item["campaign"])
        remind = campaign.policies.follow_up.remind_after
        if remind is None or "reminded_at" in item or item.get("answer") not in (None, "not_yet"):
            return False
        if self._clock() < _moment(item["asked_at"]) + remind:
            return False
        return bool(letter.supporter_email) and not self._opted_out(letter)

    def _remind(self, key: dict[str, str], item: dict[str, Any], letter: Letter) -> str:
        now = self._clock()
        until = dt.datetime.fromtimestamp(int(item["expires_at"]), dt.timezone.utc)
        move(
            self._table,
            FOLLOW_UP,
            key,
            item["status"],
            item["status"],
            now,
            changes={"reminded_at": iso(now), **_due(item, until)},
            condition="attribute_not_exists(reminded_at)",
        )
        self._send(letter, self._campaigns.get(letter.campaign), reminder=True)
        return "follow_up_reminded"

    def _wait(self, key: dict[str, str], item: dict[str, Any], until: dt.datetime) -> None:
        move(self._table, FOLLOW_UP, key, item["status"], item["status"], self._clock(), changes=_due(item, until))

    def _cancel(self, key: dict[str, str], source: str, why: str) -> str:
        log.info("follow-up %s cancelled: %s", key["pk"], why)
        move(self._table, FOLLOW_UP, key, source, "cancelled", self._clock(), changes={"why": why})
        return "follow_up_cancelled"

    def _send(self, letter: Letter, campaign: Campaign, *, reminder: bool) -> None:
        paths = links(self._signer, letter.letter_id)
        base = letter.links_base + paths["answer"]
        lang = supporter_language(letter)  # the pages the links open speak it too
        self._mailer.send_notice(
            mail_to_supporter(
                letter,
                campaign,
                "follow_up",
                reminder=reminder,
                sent=(letter.confirmed_at or letter.created_at)[:10],
                yes_url=f"{base}?answer=yes&lang={lang}",
                no_url=f"{base}?answer=no&lang={lang}",
                not_yet_url=f"{base}?answer=not_yet&lang={lang}",
                stop_url=f"{letter.links_base}{paths['stop']}?lang={lang}",
                delete_url=letter.links_base + link_paths(self._signer, letter.letter_id).delete,
            )
        )

    # --- the supporter's answer ---------------------------------------------------------------------------

    def look(self, letter_id: str, token: str, purpose: str = PURPOSE) -> dict[str, Any]:
        """The follow-up a link is for: LinkUnknown (404) if we never sent it, LinkGone (410) if it is closed."""
        item = self._table.get_item(Key=follow_up_key(letter_id), ConsistentRead=True).get("Item")
        field = "token_hash" if purpose == PURPOSE else "stop_token_hash"
        if item is None or item["status"] == "scheduled" or not token_matches(item.get(field, ""), token):
            raise LinkUnknown("This link is not one we sent. Please check that you copied all of it.")
        if item["status"] == "cancelled" or int(item["expires_at"]) <= int(self._clock().timestamp()):
            raise LinkGone("This question is closed: we no longer ask about this letter, and hold no answer to it.")
        return item

    def answer(self, letter_id: str, token: str, answer: str, reply: str = "") -> dict[str, Any]:
        """Record (or change) the supporter's answer, and the reply they pasted, if any."""
        if answer not in ANSWERS:
            raise InvalidField("answer", "Choose one answer: yes, no or not yet.")
        reply = check_reply(reply)
        item = self.look(letter_id, token)
        now = self._clock()
        previous = item.get("answer")
        also = []
        deltas = answer_deltas(previous, answer)
        if deltas:
            key = counter_key(item["campaign"], item["target_set"], item["country"])
            also.append(count_entry(self._table.name, key, item["target_name"], **deltas))
        if reply:
            also.append(
                {
                    "Put": {
                        "TableName": self._table.name,
                        "Item": {
                            **reply_key(item["campaign"], item["asked_at"], letter_id),
                            "target_name": item["target_name"],
                            "target_set": item["target_set"],
                            "country": item["country"],
                            "answer": answer,
                            "reply": reply,
                            "answered_at": iso(now),
                            "expires_at": int(item["expires_at"]),
                        },
                    }
                }
            )
        condition, values = (
            ("attribute_not_exists(answer)", {})
            if previous is None
            else ("answer = :previous", {":previous": previous})
        )
        try:
            move(
                self._table,
                FOLLOW_UP,
                follow_up_key(letter_id),
                item["status"],
                "answered",
                now,
                changes={"answer": answer, "answered_at": iso(now), **({"has_reply": True} if reply else {})},
                condition=condition,
                values=values,
                also=also,
            )
        except MoveRefused:  # a second click at the same moment: answer again from what it wrote
            return self.answer(letter_id, token, answer, reply)
        return {**item, "answer": answer}

    def stop(self, letter_id: str, token: str) -> None:
        """The supporter wants no more of these emails, about this letter or any other they write."""
        item = self.look(letter_id, token, STOP)
        letter = self._letters.get(letter_id)
        now = self._clock()
        if letter is not None and letter.supporter_email:
            mailbox = mailbox_hash(self._signer, letter.supporter_email)
            self._table.put_item(
                Item={
                    **opt_out_key(mailbox),
                    "expires_at": int((now + OPT_OUT_KEPT).timestamp()),
                    "created_at": iso(now),
                }
            )
        if item["status"] in ("scheduled", "asked"):
            try:
                self._cancel(follow_up_key(letter_id), item["status"], "the supporter opted out")
            except MoveRefused:
                pass  # answered meanwhile: the answer stays, and no reminder will go (the opt-out is checked first)

    def _opted_out(self, letter: Letter) -> bool:
        key = opt_out_key(mailbox_hash(self._signer, letter.supporter_email))
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return bool(item) and int(item["expires_at"]) > int(self._clock().timestamp())

    def forget(self, letter_id: str) -> None:
        """The supporter deleted their details: their follow-up goes, with any reply they pasted (counts stay)."""
        key = follow_up_key(letter_id)
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        if item is None:
            return
        if "asked_at" in item:
            self._table.delete_item(Key=reply_key(item["campaign"], item["asked_at"], letter_id))
        self._table.delete_item(Key=key)

    # --- what organisers read ---------------------------------------------------------------------------

    def replies(self, campaign: str, limit: int = 100) -> list[dict[str, Any]]:
        """The replies supporters pasted, newest question first; no supporter's name or address comes with them."""
        from boto3.dynamodb.conditions import Key

        now = int(self._clock().timestamp())
        items = self._table.query(
            KeyConditionExpression=Key("pk").eq(f"REPLIES#{campaign}"), ScanIndexForward=False, Limit=limit
        )["Items"]
        return [
            {
                "target_name": i["target_name"],
                "target_set": i["target_set"],
                "country": i["country"],
                "answer": i["answer"],
                "reply": i["reply"],
                "answered_at": i["answered_at"],
            }
            for i in items
            if int(i["expires_at"]) > now
        ]


def check_reply(text: Any) -> str:
    if not isinstance(text, str):
        raise InvalidField("reply", "The reply must be text.")
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_REPLY:
        raise InvalidField("reply", f"The reply is too long: at most {MAX_REPLY} characters (paste the main part).")
    if "\0" in text:
        raise InvalidField("reply", "The reply contains a NUL character.")
    return text

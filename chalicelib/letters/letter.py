"""The letter: one DynamoDB item per letter, its fields, its key and the index keys it is found by.

What happens to it is in states.py (which moves are allowed) and log.py (the conditional writes that move it).

The body is stored zlib-compressed (binary, about half the bytes): every move rewrites the whole item at a write
unit per KB, twice in a transaction, and the body is most of it (bench/letter_cost.py --writes).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from chalicelib.letters.counters import counter_keys
from chalicelib.storage.due_index import due_keys
from chalicelib.storage.packed_text import packed, unpacked
from chalicelib.storage.write_shards import LOG_SHARDS, shard_of

LETTER_SK = "LETTER"
CAMPAIGN_INDEX, COUNTRY_INDEX = "by-campaign", "by-campaign-country"
CAMPAIGN_PK, COUNTRY_PK, LOG_SK = "gsi1pk", "gsi_country_pk", "gsi1sk"  # both indexes sort on LOG_SK
# What the log indexes project: what the log filters and sorts on, never personal data.
LOG_INDEX_FIELDS = ("letter_id", "status", "country", "partner", "created_at")
# What identifies or quotes the supporter: removed when a letter expires unconfirmed or on request.
PERSONAL_FIELDS = ("supporter_name", "supporter_email", "body", "guard", "supporter_city", "supporter_message")
NUMBERS = ("expires_at", "confirm_by", "due_at", "retries", "revision")
# Letters sent on behalf of many (group_letters.py) have no status link, one to a fixed target no country, and one
# nobody could email no address (it is failed at once, and may be delivered by hand: hand_deliveries.py).
MAY_BE_EMPTY = ("status_token_hash", "country", "target_email")


def stored(name: str, value: Any) -> Any:
    """A field's value as the item holds it: the body packed, everything else as it is."""
    return packed(value) if name == "body" and isinstance(value, str) and value else value


def letter_key(letter_id: str) -> dict[str, str]:
    return {"pk": f"LETTER#{letter_id}", "sk": LETTER_SK}


def campaign_partition(campaign: str, shard: int) -> str:
    return f"CAMPAIGN#{campaign}#{shard:02d}"


def country_partition(campaign: str, country: str, shard: int) -> str:
    return f"CAMPAIGN#{campaign}#COUNTRY#{country}#{shard:02d}"


def campaign_index_keys(campaign: str, created_at: str, letter_id: str) -> dict[str, str]:
    """Keys of the `by-campaign` index (newest first per campaign), on the letter's shard (write_shards.py).
    The log indexes hold no personal data."""
    return {
        CAMPAIGN_PK: campaign_partition(campaign, shard_of(letter_id, LOG_SHARDS)),
        LOG_SK: f"{created_at}#{letter_id}",
    }


def index_keys(campaign: str, created_at: str, letter_id: str, country: str) -> dict[str, str]:
    """Keys of both log indexes: `by-campaign`, and `by-campaign-country` (same sort key, same shard)."""
    keys = campaign_index_keys(campaign, created_at, letter_id)
    return {**keys, COUNTRY_PK: country_partition(campaign, country, shard_of(letter_id, LOG_SHARDS))}


@dataclass
class Letter:
    letter_id: str
    campaign: str
    country: str
    target_set: str
    target_name: str
    target_email: str
    language: str
    subject: str
    body: str
    supporter_name: str
    supporter_email: str
    status: str
    created_at: str
    updated_at: str
    status_token_hash: str
    expires_at: int  # epoch seconds: DynamoDB TTL deletes the item (and its personal data) then
    partner: str = ""
    ses_message_id: str = ""
    delivered_at: str = (
        ""  # when SES reported it in the recipient's mailbox (feedback.py); "did they reply?" counts from it
    )
    failure_reason: str = ""
    # The confirmation step (chalicelib/letters/confirmation.py): link tokens are kept only as hashes.
    confirm_token_hash: str = ""
    delete_token_hash: str = ""
    confirm_by: int = 0  # epoch seconds: an unconfirmed letter expires then
    confirmed_at: str = ""
    reminded_at: str = ""
    guard: str = ""  # pk of the duplicate guard this letter holds (chalicelib/front_door/duplicates.py)
    links_base: str = ""  # where the supporter reached us, for the links in a later reminder
    due_at: int = 0  # epoch seconds of the next housekeeping action (chalicelib/storage/due_index.py)
    # Delivery (chalicelib/delivery/worker.py):
    attempt_id: str = ""  # the send attempt in flight or last made; SES events carry it as a tag
    retries: int = 0  # sends SES did not accept (throttled, unreachable): sets the next backoff
    waiting_until: str = ""  # a queued letter held back (pacing, backoff, paused campaign) until about then
    waiting_reason: str = ""
    # "" for a supporter's own letter; "digest" (chalicelib/outcomes/digests.py) or "sign-on" (chalicelib/outcomes/sign_on_sends.py)
    # for a letter the organisers send on behalf of many.
    kind: str = ""
    # Digest campaigns: the supporter's own parts, listed in the digest; and which digest (and which of its
    # letters) carries them. A digest letter has the digest's id too.
    supporter_city: str = ""
    supporter_message: str = ""
    digest_id: str = ""
    digest_letter_id: str = ""
    digest_reason: str = ""  # "overflow": pacing could not send it alone within a day (gates.py); "": the campaign's
    send_id: str = ""  # sign-on letters: the send they belong to
    # How target_email was known when the letter was written (Route.address_origin): sourced, verified, override
    # (an organiser's stored correction) or placeholder (local stage); "" for older letters.
    address_origin: str = ""
    # The language the supporter used our form in: their emails and pages follow it, not the letter's language.
    ui_language: str = ""
    # A letter nobody could email, delivered another way (chalicelib/outcomes/hand_deliveries.py): how, when
    # (a date, YYYY-MM-DD), the organisers' note, and who recorded it.
    delivered_by: str = ""
    delivered_on: str = ""
    delivery_note: str = ""
    delivery_recorded_by: str = ""
    # Rewrites of a queued letter's text (a digest letter losing a supporter who deleted their details): a move
    # from a letter a caller holds is made only at the revision it holds, so nobody sends a text that was replaced.
    revision: int = 0

    def to_item(self) -> dict[str, Any]:
        item = {name: stored(name, value) for name in _FIELD_NAMES if (value := getattr(self, name)) != ""}
        if not self.revision:  # absent until a first rewrite (moves from a held letter check for that)
            item.pop("revision")
        key = letter_key(self.letter_id)
        due = due_keys(key["pk"], self.due_at) if self.due_at else {}
        return {**key, **index_keys(self.campaign, self.created_at, self.letter_id, self.country), **due, **item}

    def counter_keys(self) -> list[dict[str, str]]:
        """The campaign counters this letter counts in (campaign_stats.py)."""
        return counter_keys(self.campaign, self.letter_id, self.created_at, self.country, self.partner)

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Letter":
        values = {k: v for k, v in item.items() if k in _FIELD_NAMES}
        for name in NUMBERS:
            if name in values:
                values[name] = int(values[name])
        if "body" in values:
            values["body"] = unpacked(values["body"])
        for name in (*PERSONAL_FIELDS, *MAY_BE_EMPTY):  # absent once scrubbed, or never had
            values.setdefault(name, "")
        return cls(**values)


_FIELD_NAMES = tuple(f.name for f in fields(Letter))

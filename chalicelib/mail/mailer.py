"""Sending a letter through Amazon SES v2: builds the MIME message and classifies SES's answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from enum import Enum
from typing import Any

from chalicelib.letters.letter import Letter
from chalicelib.mail.addresses import on_behalf_of, without_addresses


class _HeaderClasses(HeaderRegistry):
    """The stdlib registry builds a new class with type() for every header it parses; build each once."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


MAIL_POLICY = SMTP.clone(header_factory=_HeaderClasses())
# Headers are written unfolded (RFC 5322 allows 998 characters; ours are capped far below). Python before the
# gh-80222 fix drops the quotes of a display name it folds: "Doe, Jane via Org" <…> would become two addresses.
UNFOLDED = MAIL_POLICY.clone(max_line_length=998)

# SES errors that no retry will fix: the letter is marked failed with the reason.
PERMANENT_ERRORS = frozenset(
    {
        "MessageRejected",
        "MailFromDomainNotVerifiedException",
        "SendingPausedException",
        "AccountSuspendedException",
        "BadRequestException",
        "NotFoundException",
        "InvalidParameterValue",
    }
)
# SES asking us to slow down: retried later with a growing wait.
THROTTLING_ERRORS = frozenset({"TooManyRequestsException", "Throttling", "ThrottlingException"})
QUOTA_ERRORS = frozenset({"LimitExceededException"})  # the account's 24-hour quota is used up


class Outcome(str, Enum):
    """What a failed send means for the letter."""

    PERMANENT = "permanent"  # SES refused it for good: failed, never retried
    THROTTLED = "throttled"  # too fast for SES now: not sent, retry after a backoff
    QUOTA = "quota"  # the daily quota is used up: not sent, retry after a long wait
    TRANSIENT = "transient"  # SES or the network failed before accepting it: not sent, retry after a backoff
    UNKNOWN = "unknown"  # the request left but no answer came: it may have been sent; reconcile, never resend


class SendFailed(Exception):
    """SES did not (or may not have) taken the letter; `outcome` says what that means."""

    def __init__(self, reason: str, outcome: Outcome) -> None:
        super().__init__(reason)
        self.reason, self.outcome = reason, outcome

    @property
    def permanent(self) -> bool:
        return self.outcome is Outcome.PERMANENT


def classify(code: str, message: str, http_status: int) -> Outcome:
    """SES's error code (and, for SES v1-style throttling, its message) as an Outcome."""
    if code in PERMANENT_ERRORS:
        return Outcome.PERMANENT
    if code in QUOTA_ERRORS or "daily message quota" in message.lower():
        return Outcome.QUOTA
    if code in THROTTLING_ERRORS or "maximum sending rate" in message.lower() or http_status == 429:
        return Outcome.THROTTLED
    return Outcome.TRANSIENT


def message_bytes(letter: Letter, organisation: str, sender_address: str) -> bytes:
    """The letter as SES receives it (the body keeps its 76-character quoted-printable lines)."""
    return build_message(letter, organisation, sender_address).as_bytes(policy=UNFOLDED)


def build_message(letter: Letter, organisation: str, sender_address: str) -> EmailMessage:
    """The letter as an RFC 5322 message: From us on the supporter's behalf, Reply-To the supporter."""
    return _plain_message(
        on_behalf_of(letter.supporter_name, organisation, sender_address),
        _address(letter.target_name, letter.target_email),
        _address(letter.supporter_name, letter.supporter_email),
        letter.subject,
        letter.body,
        letter.language,
    )


@dataclass(frozen=True)
class Notice:
    """A short plain-text email from the campaign: to a supporter (confirmation, reminder) or its organisers."""

    to_name: str
    to_email: str
    organisation: str
    sender_address: str
    subject: str
    body: str
    language: str
    campaign: str


def build_notice(notice: Notice) -> EmailMessage:
    local, _, domain = notice.sender_address.rpartition("@")
    sender = Address(display_name=notice.organisation, username=local, domain=domain)
    return _plain_message(
        sender, _address(notice.to_name, notice.to_email), None, notice.subject, notice.body, notice.language
    )


def _plain_message(
    sender: Address, to: Address, reply_to: Address | None, subject: str, body: str, language: str
) -> EmailMessage:
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["From"] = sender
    msg["To"] = to
    if reply_to is not None:
        msg["Reply-To"] = reply_to
    msg["Subject"] = subject
    msg["Date"] = formatdate(usegmt=True)
    msg["Content-Language"] = language
    msg.set_content(body, charset="utf-8", cte="quoted-printable")
    return msg


def _address(display_name: str, email: str) -> Address:
    local, _, domain = email.rpartition("@")
    return Address(display_name=display_name, username=local, domain=domain)


def _tag(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", value)[:256] or "none"


class Mailer:
    def __init__(self, sesv2: Any, configuration_set: str) -> None:
        self._ses, self._configuration_set = sesv2, configuration_set

    def send(self, letter: Letter, message: bytes, sender_address: str, attempt_id: str) -> str:
        """Hand the built letter to SES; return SES's MessageId or raise SendFailed.

        The letter and attempt ids travel as tags, so SES's events can reconcile a send whose answer was lost.
        """
        return self._send_raw(
            message,
            sender_address,
            letter.target_email,
            {
                "campaign": letter.campaign,
                "country": letter.country,
                "kind": "letter",
                "letter": letter.letter_id,
                "attempt": attempt_id,
            },
        )

    def send_notice(self, notice: Notice) -> str:
        """Send a notice (a supporter's confirmation or reminder, an organiser's alert); SES's MessageId or SendFailed."""
        return self._send_raw(
            build_notice(notice).as_bytes(policy=UNFOLDED),
            notice.sender_address,
            notice.to_email,
            {"campaign": notice.campaign, "kind": "notice"},
        )

    def _send_raw(self, message: bytes, sender_address: str, recipient: str, tags: dict[str, str]) -> str:
        from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

        try:
            response = self._ses.send_email(
                FromEmailAddress=sender_address,
                Destination={"ToAddresses": [recipient]},
                Content={"Raw": {"Data": message}},
                ConfigurationSetName=self._configuration_set,
                EmailTags=[{"Name": name, "Value": _tag(value)} for name, value in tags.items()],
            )
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code, text = error.get("Code", "Unknown"), error.get("Message", "")
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            # SES's message may quote the From display name and addresses: kept out of logs and failure reasons.
            reason = f"{code}: {without_addresses(text)}".strip()
            raise SendFailed(reason, classify(code, text, status)) from None
        except ConnectionError as exc:  # no connection was made: SES never saw the request
            raise SendFailed(f"SES unreachable: {exc}", Outcome.TRANSIENT) from exc
        except HTTPClientError as exc:  # the request may have reached SES; the answer did not reach us
            raise SendFailed(f"No answer from SES: {exc}", Outcome.UNKNOWN) from exc
        return response["MessageId"]

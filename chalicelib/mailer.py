"""Sending a letter through Amazon SES v2: builds the MIME message and classifies SES's answer."""
from __future__ import annotations

import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.headerregistry import HeaderRegistry
from email.policy import SMTP
from email.utils import formatdate
from typing import Any

from .addresses import on_behalf_of
from .letter_log import Letter


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

# SES errors that no retry will fix: the letter is marked failed with the reason.
PERMANENT_ERRORS = frozenset({
    "MessageRejected", "MailFromDomainNotVerifiedException", "SendingPausedException",
    "AccountSuspendedException", "BadRequestException", "NotFoundException", "InvalidParameterValue",
})


class SendFailed(Exception):
    """SES did not take the letter. `permanent` says whether a later try could succeed."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


def build_message(letter: Letter, organisation: str, sender_address: str) -> EmailMessage:
    """The letter as an RFC 5322 message: From us on the supporter's behalf, Reply-To the supporter."""
    return _plain_message(on_behalf_of(letter.supporter_name, organisation, sender_address),
                          _address(letter.target_name, letter.target_email),
                          _address(letter.supporter_name, letter.supporter_email),
                          letter.subject, letter.body, letter.language)


@dataclass(frozen=True)
class Notice:
    """A short plain-text email from the campaign to the supporter (confirmation, reminder)."""

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
    return _plain_message(sender, _address(notice.to_name, notice.to_email), None, notice.subject, notice.body,
                          notice.language)


def _plain_message(sender: Address, to: Address, reply_to: Address | None, subject: str, body: str,
                   language: str) -> EmailMessage:
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

    def send(self, letter: Letter, organisation: str, sender_address: str) -> str:
        """Hand the letter to SES; return SES's MessageId or raise SendFailed."""
        message = build_message(letter, organisation, sender_address)
        return self._send_raw(message, sender_address, letter.target_email,
                              {"campaign": letter.campaign, "country": letter.country, "kind": "letter"})

    def send_notice(self, notice: Notice) -> str:
        """Send a confirmation or reminder to the supporter; SES's MessageId or SendFailed."""
        return self._send_raw(build_notice(notice), notice.sender_address, notice.to_email,
                              {"campaign": notice.campaign, "kind": "notice"})

    def _send_raw(self, message: EmailMessage, sender_address: str, recipient: str, tags: dict[str, str]) -> str:
        from botocore.exceptions import ClientError

        try:
            response = self._ses.send_email(
                FromEmailAddress=sender_address,
                Destination={"ToAddresses": [recipient]},
                Content={"Raw": {"Data": message.as_bytes()}},
                ConfigurationSetName=self._configuration_set,
                EmailTags=[{"Name": name, "Value": _tag(value)} for name, value in tags.items()],
            )
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "Unknown")
            raise SendFailed(f"{code}: {error.get('Message', '')}".strip(), permanent=code in PERMANENT_ERRORS) from exc
        return response["MessageId"]

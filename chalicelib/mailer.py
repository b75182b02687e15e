"""Sending a letter through Amazon SES v2: builds the MIME message and classifies SES's answer."""
from __future__ import annotations

import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from typing import Any

from .addresses import on_behalf_of
from .letter_log import Letter

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
    msg = EmailMessage(policy=SMTP)
    msg["From"] = on_behalf_of(letter.supporter_name, organisation, sender_address)
    msg["To"] = _address(letter.target_name, letter.target_email)
    msg["Reply-To"] = _address(letter.supporter_name, letter.supporter_email)
    msg["Subject"] = letter.subject
    msg["Date"] = formatdate(usegmt=True)
    msg["Content-Language"] = letter.language
    msg.set_content(letter.body, charset="utf-8", cte="quoted-printable")
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
        from botocore.exceptions import ClientError

        message = build_message(letter, organisation, sender_address)
        try:
            response = self._ses.send_email(
                FromEmailAddress=sender_address,
                Destination={"ToAddresses": [letter.target_email]},
                Content={"Raw": {"Data": message.as_bytes()}},
                ConfigurationSetName=self._configuration_set,
                EmailTags=[{"Name": "campaign", "Value": _tag(letter.campaign)},
                           {"Name": "country", "Value": _tag(letter.country)}],
            )
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "Unknown")
            raise SendFailed(f"{code}: {error.get('Message', '')}".strip(), permanent=code in PERMANENT_ERRORS) from exc
        return response["MessageId"]

"""Mail addresses: check supporters' emails and build header values that cannot smuggle extra headers."""
from __future__ import annotations

from email.headerregistry import Address

FORBIDDEN_IN_HEADERS = ("\r", "\n", "\0")


def header_unsafe_reason(value: str) -> str | None:
    """Why `value` may not go into a mail header, or None when it may."""
    if any(ch in value for ch in FORBIDDEN_IN_HEADERS):
        return "must be a single line (no line breaks or NUL characters)"
    if "=?" in value:
        return "must not contain the sequence '=?'"
    return None


def normalise_email(text: str) -> str:
    """The normalised address, or ValueError with a message a supporter understands. Never touches the network."""
    from email_validator import EmailNotValidError, validate_email

    reason = header_unsafe_reason(text)
    if reason:
        raise ValueError(f"The email address {reason}.")
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None
    return result.normalized


def on_behalf_of(supporter_name: str, organisation: str, sender_address: str) -> Address:
    """The From address '"<supporter> via <organisation>" <sender>'; the mail policy encodes it (RFC 2047)."""
    for value in (supporter_name, organisation, sender_address):
        reason = header_unsafe_reason(value)
        if reason:
            raise ValueError(f"A From header value {reason}.")
    local, _, domain = sender_address.rpartition("@")
    return Address(display_name=f"{supporter_name} via {organisation}", username=local, domain=domain)

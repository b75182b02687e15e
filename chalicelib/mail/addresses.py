"""Mail addresses: check supporters' emails and build header values that cannot smuggle extra headers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - imported where an address is built: the form page and the POST need none
    from email.headerregistry import Address

FORBIDDEN_IN_HEADERS = ("\r", "\n", "\0")


def header_unsafe_reason(value: str) -> str | None:
    """Why `value` may not go into a mail header, or None when it may."""
    if any(ch in value for ch in FORBIDDEN_IN_HEADERS):
        return "must be a single line (no line breaks or NUL characters)"
    if "=?" in value:
        return "must not contain the sequence '=?'"
    return None


# Domains that can never receive mail or belong to documentation (RFC 2606, RFC 6761): an example's placeholders.
RESERVED_DOMAIN = re.compile(r"@(.+\.)?(example\.(org|com|net)|[a-z0-9-]+\.(example|invalid|test|localhost))$", re.I)


def is_placeholder(address: str) -> bool:
    """Whether `address` is on a reserved domain (sandbox.invalid, example.org…), so nobody real reads it."""
    return bool(RESERVED_DOMAIN.search(address.strip()))


QUOTED_OR_ADDRESS = re.compile(r'"[^"]*"|<[^>]*>|[^\s,;:<>"]+@[^\s,;:<>"]+')


def without_addresses(text: str) -> str:
    """`text` (an SES error message, say) with every address and quoted display name replaced by "…", so it
    can go into a log line or a letter's failure reason without naming a supporter."""
    return QUOTED_OR_ADDRESS.sub("…", text)


def normalise_email(text: str) -> str:
    """The normalised address, or ValueError with a message a supporter understands. Never touches the network."""
    reason = header_unsafe_reason(text)
    if reason:
        raise ValueError(f"The email address {reason}.")
    plain = plain_address(text)
    if plain is not None:
        return plain
    from email_validator import EmailNotValidError, validate_email

    try:
        # No SMTPUTF8: a non-ASCII mailbox name cannot go into our mail headers safely.
        result = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None
    for label in result.domain.split("."):
        if len(_scripts(label)) > 1:
            raise ValueError(
                "The domain of this email address mixes alphabets (for example Latin and Cyrillic "
                "letters that look alike). Please type it again."
            )
    return result.ascii_email or result.normalized


# The plain ASCII addresses nearly every supporter types, recognised without importing email-validator, whose
# import compiles its Unicode patterns (about 15 ms of a cold POST). Only addresses email-validator accepts
# unchanged but for the domain's case match; everything else, every refusal included, goes to email-validator,
# which decides and words it. tests/mail/test_plain_addresses.py holds this to email-validator's answers.
_ATEXT = r"A-Za-z0-9_!#$%&'*+\-/=?^`{|}~"
_PLAIN_ADDRESS = re.compile(
    rf"([{_ATEXT}]+(?:\.[{_ATEXT}]+)*)@((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z])?)\Z"
)
SPECIAL_USE_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")  # email-validator's list
LOCAL_PART_MAX, LABEL_MAX, DOMAIN_MAX, ADDRESS_MAX = 64, 63, 253, 254  # RFC 5321 and 1035, as email-validator


def plain_address(text: str) -> str | None:
    """`text` normalised (domain in lower case) if it is a plain ASCII address within every limit, else None."""
    match = _PLAIN_ADDRESS.match(text)
    if match is None:
        return None
    local, domain = match.group(1), match.group(2).lower()
    if len(local) > LOCAL_PART_MAX or len(domain) > DOMAIN_MAX or len(local) + 1 + len(domain) > ADDRESS_MAX:
        return None
    for label in domain.split("."):
        if len(label) > LABEL_MAX or label[2:4] == "--":  # Punycode ("xn--") and its look-alikes: the library's
            return None
    if any(domain == name or domain.endswith("." + name) for name in SPECIAL_USE_DOMAINS):
        return None
    return f"{local}@{domain}"


def _scripts(label: str) -> set[str]:
    """The alphabets of the letters in a domain label, e.g. {"LATIN", "CYRILLIC"} for a homoglyph trick."""
    import unicodedata

    return {unicodedata.name(ch, "?").split(" ")[0] for ch in label if ch.isalpha()}


def visible_text(value: str) -> str:
    """`value` without control, format and separator characters: bidi overrides and isolates, zero-width
    characters, BOMs, C0/C1 controls. In a display name they could reverse or hide what the reader sees
    ("Amina via Org" shown as someone else's name)."""
    import unicodedata

    return "".join(ch for ch in value if unicodedata.category(ch) not in INVISIBLE_CATEGORIES)


INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def on_behalf_of(supporter_name: str, organisation: str, sender_address: str) -> Address:
    """The From address '"<supporter> via <organisation>" <sender>'; the mail policy encodes it (RFC 2047)."""
    for value in (supporter_name, organisation, sender_address):
        reason = header_unsafe_reason(value)
        if reason:
            raise ValueError(f"A From header value {reason}.")
    local, _, domain = sender_address.rpartition("@")
    display_name = f"{visible_text(supporter_name).strip()} via {visible_text(organisation).strip()}"
    from email.headerregistry import Address

    return Address(display_name=display_name, username=local, domain=domain)


# Providers that deliver "a.b+tag@" to "ab@": one person, one mailbox. Others may treat dots and tags as
# different mailboxes, so only the case is folded for them.
IGNORES_DOTS = frozenset({"gmail.com", "googlemail.com"})
IGNORES_PLUS_TAGS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "fastmail.com",
    }
)
SAME_MAILBOX_DOMAIN = {"googlemail.com": "gmail.com"}


def mailbox_identity(email: str) -> str:
    """The mailbox behind a (normalised) address, for "one letter per supporter": case, and dots and +tags
    where the provider ignores them, are folded. Used only as input to a keyed hash, never stored."""
    local, _, domain = email.casefold().rpartition("@")
    if domain in IGNORES_PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in IGNORES_DOTS:
        local = local.replace(".", "")
    return f"{local}@{SAME_MAILBOX_DOMAIN.get(domain, domain)}"

"""What kind of address a target's email is, derived from its evidence: every rule lives here.

The kinds, in the order a rule wins:

- `free-mail`: at a public mail provider (a mission's own `…@gmail.com`): real, but worth showing as such;
- `desk`: a press office, distribution list, correspondence or helpline address, not the target's general one;
- `role-unknown`: the evidence says the address's purpose is not stated;
- `registry`: the address a mission registered with UN Protocol (the UN e-Blue Book), or an official registry
  inbox (a ministry's document registry such as `registrator@` or `e-podatelna`);
- `general`: the evidence names the field it was read from and flags nothing of the above.

A row without evidence gets no kind (""): we do not know what its address is.
"""

from __future__ import annotations

import re

ADDRESS_KINDS = ("general", "registry", "free-mail", "desk", "role-unknown")

# Public mail providers: the domain, or its name before any country ending (yahoo.fr, hotmail.co.uk).
FREE_MAIL_DOMAINS = frozenset(
    {"gmail.com", "googlemail.com", "aol.com", "ymail.com", "icloud.com", "me.com", "msn.com"}
)
FREE_MAIL_PROVIDERS = frozenset({"yahoo", "hotmail", "outlook", "live", "protonmail", "gmx", "yandex", "rediffmail"})
FREE_MAIL_EXACT = frozenset({"proton.me", "mail.ru", "mail.com", "zoho.com"})

# Review flags (in `evidence`, after "FLAG:") that make an address a desk's or of unknown purpose.
DESK_FLAGS = (
    "press@",  # RU mission: the press desk
    "distribution list",  # BR mission: distri.…
    "correspondence address",  # SA mission: the ministry's correspondence address
    "helpline",  # CH ministry: the FDFA citizens' helpline
    "public relations officer",  # MY ministry: pro.ukk, the corporate communication unit
    "desk address",  # an organiser's correction said so (overrides.correction_evidence)
)
ROLE_UNKNOWN_FLAGS = ("purpose of",)  # JP ministry: "purpose of mail-han@ not stated in the data"
REGISTRY_FLAGS = ("registry",)  # CZ e-podatelna, SE registrator
REGISTRY_EVIDENCE = ("un e-blue book record",)  # the mission's address as registered with UN Protocol


def is_free_mail(email: str) -> bool:
    domain = email.rpartition("@")[2].strip().lower()
    provider = domain.split(".", 1)[0]
    return domain in FREE_MAIL_DOMAINS or domain in FREE_MAIL_EXACT or provider in FREE_MAIL_PROVIDERS


def review_flags(evidence: str) -> list[str]:
    """The review flags written in `evidence` ("…; FLAG: text"), lower-cased."""
    return [flag.strip().lower() for flag in re.findall(r"FLAG:\s*([^;]*)", evidence, flags=re.IGNORECASE)]


def address_kind(email: str, evidence: str) -> str:
    """The kind of `email` by the rules above; "" when there is no email or no evidence to judge it by."""
    if not email:
        return ""
    if is_free_mail(email):
        return "free-mail"
    if not evidence.strip():
        return ""
    flags = " | ".join(review_flags(evidence))
    if any(phrase in flags for phrase in DESK_FLAGS):
        return "desk"
    if any(phrase in flags for phrase in ROLE_UNKNOWN_FLAGS):
        return "role-unknown"
    if any(phrase in flags for phrase in REGISTRY_FLAGS) or any(p in evidence.lower() for p in REGISTRY_EVIDENCE):
        return "registry"
    return "general"

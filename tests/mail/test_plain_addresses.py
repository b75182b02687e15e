"""The plain-address path of `normalise_email` (chalicelib/mail/addresses.py) never disagrees with
email-validator: whatever it accepts, email-validator accepts and normalises to the same text. Everything it does
not accept goes to email-validator, so refusals and their wording stay the library's."""

from __future__ import annotations

import email_validator
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st

from chalicelib.mail import addresses
from chalicelib.mail.addresses import normalise_email, plain_address

ATEXT = "abcXYZ019_!#$%&'*+-/=?^`{|}~"
LABEL_CHARS = "abzAZ09-"


def library(text: str) -> str | None:
    try:
        result = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None
    return result.ascii_email or result.normalized


labels = st.text(LABEL_CHARS, min_size=1, max_size=66)
tlds = st.sampled_from(["org", "ORG", "co", "b1", "x-y", "xn--p1ai", "test", "local", "arpa", "c0m", "a", "onion"])
domains = st.builds(lambda ls, tld: ".".join([*ls, tld]), st.lists(labels, min_size=0, max_size=4), tlds)
locals_ = st.text(ATEXT + ".", min_size=0, max_size=70)
addresses_ = st.builds(lambda local, domain: f"{local}@{domain}", locals_, domains)


@settings(max_examples=1500, deadline=None)
@given(addresses_ | st.text(ATEXT + ".@ -é", max_size=40))
@example("Amina.W+x@Example.ORG")
@example("a@mail.home.arpa")
@example("ab--cd@ab--cd.org")
@example("x@xn--p1ai.org")
@example(("a" * 64) + "@" + ".".join(["b" * 63] * 3) + ".org")
@example(("a" * 65) + "@example.org")
@example(("a" * 64) + "@" + ".".join(["b" * 60] * 3) + ".org")
def test_what_the_plain_path_accepts_email_validator_accepts_the_same(text):
    plain = plain_address(text)
    if plain is not None:
        assert library(text) == plain


@pytest.mark.parametrize(
    "text", ["amina@example.org", "O'Brien+ngo@Mail.Example.ORG", "a.b@c-d.e-f.org", "x_y{z}@sub.domain.co"]
)
def test_ordinary_addresses_take_the_plain_path(text):
    assert plain_address(text) == library(text) is not None


@pytest.mark.parametrize(
    "text",
    ["amina@localhost", "a..b@example.org", "a@b.c1", "amina@xn--80ak6aa92e.com", "amina@exam_ple.org", " a@b.org"],
)
def test_anything_else_goes_to_email_validator_and_keeps_its_words(text):
    assert plain_address(text) is None
    with pytest.raises(ValueError) if library(text) is None else _no_error():
        normalise_email(text)


def test_the_special_use_names_are_email_validators():
    assert list(addresses.SPECIAL_USE_DOMAINS) == email_validator.SPECIAL_USE_DOMAIN_NAMES


class _no_error:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

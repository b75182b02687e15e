"""The kind of an address follows from its email and its evidence, by the rules in address_kinds.py alone."""

from __future__ import annotations

import pytest

from chalicelib.directory.address_kinds import address_kind, is_free_mail, review_flags

BLUE_BOOK = 'UN e-Blue Book record 5ed5 (Ruritania): MC_eMail="{email}"'
WIKIDATA = 'Govdirectory/Wikidata Q1 "Ministry": P968 email={email}; page https://www.govdirectory.org/x/Q1/'


@pytest.mark.parametrize(
    "email",
    ["mission@gmail.com", "pm@yahoo.fr", "pm@yahoo.co.uk", "a@hotmail.com", "a@outlook.es", "a@proton.me", "a@aol.com"],
)
def test_public_mail_providers_are_free_mail_whatever_the_evidence(email):
    # GIVEN an address at a public mail provider, even one the UN Blue Book lists
    # WHEN it is classified THEN it is free-mail
    assert is_free_mail(email)
    assert address_kind(email, BLUE_BOOK.format(email=email)) == "free-mail"


def test_a_look_alike_government_domain_is_not_free_mail():
    assert not is_free_mail("info@mail.gov.xx") and not is_free_mail("pm@liveoak.gov.xx")


@pytest.mark.parametrize(
    ("email", "flag", "kind"),
    [
        ("press@russiaun.ru", "FLAG: address is press@ (may be a press desk; check the Blue Book)", "desk"),
        ("distri.x@itamaraty.gov.br", "FLAG: address is a distribution list (distri.)", "desk"),
        ("c@mofa.gov.sa", "FLAG: address is the MFA correspondence address, registered as the mission email", "desk"),
        (
            "helpline@eda.admin.ch",
            "FLAG: helpline@ is the FDFA Helpline (a citizen-services/consular helpline)",
            "desk",
        ),
        ("pro.ukk@kln.gov.my", "FLAG: pro.ukk = public relations officer, Corporate Communication Unit", "desk"),
        (
            "mail-han@mofa.go.jp",
            "FLAG: purpose of mail-han@ not stated in the data; verify on mofa.go.jp",
            "role-unknown",
        ),
        ("epodatelna@mzv.cz", "FLAG: epodatelna = electronic filing registry (official general inbox)", "registry"),
        ("priemna@mfa.bg", "FLAG: Priemna = reception/general inbox", "general"),
    ],
)
def test_review_flags_decide_the_kind(email, flag, kind):
    # GIVEN evidence that names the field read and carries a review flag
    evidence = WIKIDATA.format(email=email) + "; " + flag
    # WHEN it is classified THEN the flag decides
    assert address_kind(email, evidence) == kind


def test_blue_book_addresses_are_registry_and_plain_evidence_is_general():
    assert address_kind("nyunprm@mofaic.gov.ae", BLUE_BOOK.format(email="nyunprm@mofaic.gov.ae")) == "registry"
    assert address_kind("info@mfa.gov.cy", WIKIDATA.format(email="info@mfa.gov.cy")) == "general"


def test_without_evidence_or_email_there_is_no_kind():
    # GIVEN a row that cites no record for its address WHEN classified THEN its kind is unknown, not "general"
    assert address_kind("kirjaamo.um@gov.fi", "") == ""
    assert address_kind("", BLUE_BOOK.format(email="")) == ""


def test_review_flags_are_read_from_evidence():
    assert review_flags("record 1; FLAG: Press@ desk; other; flag: second") == ["press@ desk", "second"]

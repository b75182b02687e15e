"""The stage secret comes from Secrets Manager at run time, once per container, and never sits in an environment
variable of a deployed function; each purpose gets its own key, so a link signed for one does not open another."""

from __future__ import annotations

import pytest

from chalicelib.settings import Settings, SettingsError


def _prod_services(clock, **env):
    from chalicelib.services import Services

    settings = Settings.from_env({"DEMARCHE_STAGE": "prod", "DEMARCHE_PUBLIC_URL": "https://l.example.org", **env})
    return Services(settings, clock=clock)


def test_a_deployed_stage_reads_its_secret_from_secrets_manager_once_and_only_when_it_signs(aws, clock):
    import boto3

    boto3.client("secretsmanager").create_secret(Name="demarche-prod-secret", SecretString="s3cr3t value of prod")
    services = _prod_services(clock, DEMARCHE_SECRET_ID="demarche-prod-secret")
    signer = services.signer
    assert _secret_calls() == 0  # built without a call: a function that never signs never reads the secret
    first = signer.token("status", "letter-1")
    assert signer.token("status", "letter-1") == first and signer.keyed_hash("ip", "192.0.2.1")
    assert _secret_calls() == 1  # read once, then cached for the container's life
    # and the value is the secret's: another secret signs otherwise
    boto3.client("secretsmanager").put_secret_value(SecretId="demarche-prod-secret", SecretString="another")
    assert _prod_services(clock, DEMARCHE_SECRET_ID="demarche-prod-secret").signer.token("status", "letter-1") != first


_CALLS: list[str] = []


def _secret_calls() -> int:
    return len(_CALLS)


@pytest.fixture(autouse=True)
def _count_secret_reads():
    from botocore.handlers import BUILTIN_HANDLERS

    def seen(model, **_):
        if model.name == "GetSecretValue":
            _CALLS.append(model.name)

    handler = ("provide-client-params.secrets-manager.GetSecretValue", seen)
    BUILTIN_HANDLERS.append(handler)
    _CALLS.clear()
    yield
    BUILTIN_HANDLERS.remove(handler)


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_a_deployed_stage_without_its_secret_refuses_to_sign_naming_the_variable(stage, clock):
    from chalicelib.services import Services

    services = Services(Settings.from_env({"DEMARCHE_STAGE": stage}), clock=clock)
    with pytest.raises(SettingsError, match="DEMARCHE_SECRET_ID"):
        services.signer.token("status", "x")


def test_a_link_signed_for_one_purpose_opens_nothing_else(services):
    from chalicelib.letters.supporter_mail import link_paths

    # GIVEN every purpose a token or keyed hash is derived for
    purposes = [
        "status",
        "confirm",
        "delete",
        "signature-confirm",
        "signature-withdraw",
        "follow-up",
        "follow-up-stop",
        "form-stamp",
        "ip",
        "mailbox",
        "organisation",
        "idempotency-key",
        "idempotency-body",
    ]
    signer = services.signer
    tokens = {purpose: signer.token(purpose, "the-same-id") for purpose in purposes}
    # THEN no two purposes share a token for the same value, and none verifies for another purpose
    assert len(set(tokens.values())) == len(purposes)
    for purpose, token in tokens.items():
        assert signer.verify(purpose, "the-same-id", token)
        assert not any(signer.verify(other, "the-same-id", token) for other in purposes if other != purpose)
    # e.g. a letter's status link cannot confirm or delete it
    paths = link_paths(signer, "letter-1")
    assert paths.status.rsplit("/", 1)[1] not in (paths.confirm.rsplit("/", 1)[1], paths.delete.rsplit("/", 1)[1])

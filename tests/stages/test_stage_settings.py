"""Stage settings fail safe: no stage is not the local stage, and local-only conveniences stay local."""

from __future__ import annotations

import pytest

from chalicelib.settings import Settings, SettingsError

LETTER = {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org"}


def test_an_unset_stage_refuses_to_start_naming_the_variable():
    # GIVEN an environment with no DEMARCHE_STAGE (a deployment that forgot it)
    # THEN the settings refuse, rather than quietly running as the local stage
    with pytest.raises(SettingsError, match="DEMARCHE_STAGE"):
        Settings.from_env({})
    with pytest.raises(SettingsError, match="DEMARCHE_STAGE"):
        Settings.from_env({"DEMARCHE_STAGE": ""})


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_sandbox_recipients_are_never_honoured_outside_the_local_stage(stage):
    env = {"DEMARCHE_STAGE": stage, "DEMARCHE_SANDBOX_RECIPIENTS": "1"}
    assert Settings.from_env(env).sandbox_recipients is False
    assert Settings.from_env({**env, "DEMARCHE_STAGE": "local"}).sandbox_recipients is True


def test_links_in_dev_or_prod_never_come_from_the_host_header(letters_api, services):
    # GIVEN a deployed stage whose public URL was left empty
    object.__setattr__(services.settings, "stage", "prod")
    object.__setattr__(services.settings, "secret", "a prod secret")
    object.__setattr__(services.settings, "public_base_url", "")

    # WHEN a request arrives with a forged Host header
    # THEN no link is built from it: the request fails (the log names the variable, see the next test)
    refused = letters_api.post("hrd-resolution", LETTER, {"Host": "evil.example.net"})
    assert refused.status_code == 500
    assert "evil.example.net" not in refused.body.decode()

    # AND once the public URL is configured, links use it whatever the Host header says
    object.__setattr__(services.settings, "public_base_url", "https://letters.example.org")
    response = letters_api.post("hrd-resolution", LETTER, {"Host": "evil.example.net"})
    assert response.status_code in (200, 201, 202), response.body
    assert "evil.example.net" not in response.body.decode()
    assert "https://letters.example.org/" in response.body.decode()


def test_links_in_dev_or_prod_without_a_public_url_fail_naming_the_variable(services):
    object.__setattr__(services.settings, "stage", "dev")
    with pytest.raises(SettingsError, match="DEMARCHE_PUBLIC_URL"):
        services.settings.link_base_url()
    object.__setattr__(services.settings, "stage", "local")
    assert services.settings.link_base_url() is None  # local: the request's host (make run, tests)

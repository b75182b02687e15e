"""The CLIs name a deployed stage with --stage: its table and queues come from infra/stages/<stage>.json, so an
organiser never writes to a `demarche` table no stage has. The first organiser token after a deploy, end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.cli.running_stack import stage_environment

PROJECT_DIR = Path(__file__).resolve().parents[2]


def test_the_stage_names_come_from_its_parameters_file():
    env = stage_environment("prod")
    assert env["DEMARCHE_STAGE"] == "prod"
    assert env["DEMARCHE_TABLE"] == "demarche-prod" and env["DEMARCHE_QUEUE"] == "demarche-prod-letters"
    assert env["DEMARCHE_CONFIGURATION_SET"] == "demarche-prod"
    assert "DEMARCHE_MAX_SEND_RATE" not in env  # "" in prod.json: read from SES
    with pytest.raises(SystemExit, match=r"no stage 'staging'.*stages: dev, prod"):
        stage_environment("staging")


def _cli(module, *argv, endpoint):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEMARCHE_", "AWS_"))}
    env.update(
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        DEMARCHE_LOCAL_STATE=str(PROJECT_DIR / ".localdev" / "no-such-state.json"),  # never a `make run` stack
    )
    cmd = [sys.executable, "-m", module, *argv]
    if endpoint:
        cmd[3:3] = ["--endpoint", endpoint]
    return subprocess.run(cmd, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_the_first_organiser_token_of_a_stage_is_created_in_that_stages_table():
    import boto3
    from moto.server import ThreadedMotoServer

    from chalicelib.settings import Settings
    from localdev.local_stack import LOCAL_ENV, free_port
    from localdev.resources import create_resources

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    saved = dict(os.environ)
    try:
        os.environ.update({**LOCAL_ENV, "AWS_ENDPOINT_URL": endpoint})
        # GIVEN a deployed prod stage: its resources under the names of infra/stages/prod.json
        create_resources(Settings.from_env({**stage_environment("prod"), "DEMARCHE_EXPORTS_QUEUE": ""}))
        # WHEN the documented command creates the first token (docs/operations-and-deploy.md)
        done = _cli(
            "chalicelib.cli.admin",
            "--stage", "prod", "token", "create", "--all", "--label", "first owner",
            endpoint=endpoint,
        )  # fmt: skip
        # THEN it is printed, and kept in demarche-prod
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().startswith("dmo_") and "first owner" in done.stderr
        items = boto3.client("dynamodb").scan(TableName="demarche-prod")["Items"]
        assert any("first owner" in str(item) for item in items)
        listed = _cli("chalicelib.cli.admin", "--stage", "prod", "token", "list", endpoint=endpoint)
        assert listed.returncode == 0 and "first owner" in listed.stdout
    finally:
        os.environ.clear()
        os.environ.update(saved)
        server.stop()


def test_without_a_stage_the_cli_asks_for_one_rather_than_use_a_table_no_stage_has():
    done = _cli("chalicelib.cli.admin", "--aws", "token", "list", endpoint="")
    assert done.returncode != 0 and "Give --stage STAGE" in done.stderr


def test_a_subcommands_own_stage_option_is_not_the_aws_stage():
    from chalicelib.cli.directory import _parser

    args = _parser().parse_args(["--stage", "dev", "coverage", "--stage", "local"])
    assert (args.aws_stage, args.stage) == ("dev", "local")
    assert _parser().parse_args(["coverage"]).aws_stage is None

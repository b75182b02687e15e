"""Stage parameters and `make deploy`: checked before anything reaches AWS, and the exact commands it runs."""

from __future__ import annotations

import json
import shutil

import pytest

from infra.deploy import DeployError, commands, main
from infra.package import StageError, stage_parameters, stage_problems
from infra.template import load_template

REAL = {
    "TableName": "ngo-letters",
    "QueueName": "ngo-letters",
    "ConfigurationSetName": "ngo",
    "SenderDomain": "letters.ngo.org",
    "AlarmEmail": "ops@ngo.org",
    "WorkerConcurrency": "3",
    "SecretName": "ngo-letters-secret",
    "ExportsBucketName": "ngo-letters-exports",
    "PublicUrl": "https://letters.ngo.org",
}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_each_shipped_stage_gives_every_parameter_the_template_needs(stage):
    from infra.package import checked_campaign_senders

    assert stage_problems(stage_parameters(stage), load_template(), checked_campaign_senders()) == []


def test_a_bad_stage_file_lists_every_problem():
    parameters = {**REAL, "QueueNmae": "typo"}
    del parameters["AlarmEmail"]
    problems = stage_problems(parameters, load_template(), {"hrd-resolution": "letters@demarche.example.org"})
    assert problems == [
        "parameter AlarmEmail is missing",
        "parameter QueueNmae is not in infra/template.yaml",
        "campaign hrd-resolution sends from letters@demarche.example.org, but the stage's SenderDomain is "
        "'letters.ngo.org': SES (and its IAM policy) allow only that domain",
    ]


def test_an_unknown_stage_says_where_to_put_its_parameters():
    with pytest.raises(StageError, match=r"no parameters for stage 'staging': create .*infra/stages/staging.json"):
        stage_parameters("staging")


@pytest.fixture
def dist(tmp_path, packaged):
    """A packaged stage whose parameters are an organisation's own."""
    shutil.copy(packaged.out_dir / "sam.json", tmp_path / "sam.json")
    (tmp_path / "parameters.json").write_text(json.dumps(REAL), encoding="utf-8")
    return tmp_path


@pytest.mark.slow
def test_deploy_uploads_the_zip_then_deploys_the_stack_with_the_stage_parameters(dist):
    package, deploy, outputs = commands("prod", dist, "ngo-artifacts", region="eu-west-1")
    assert package == [
        "aws",
        "cloudformation",
        "package",
        "--region",
        "eu-west-1",
        "--template-file",
        str(dist / "sam.json"),
        "--s3-bucket",
        "ngo-artifacts",
        "--s3-prefix",
        "demarche/prod",
        "--output-template-file",
        str(dist / "packaged.json"),
        "--use-json",
    ]
    assert deploy == [
        "aws",
        "cloudformation",
        "deploy",
        "--region",
        "eu-west-1",
        "--template-file",
        str(dist / "packaged.json"),
        "--stack-name",
        "demarche-prod",
        "--capabilities",
        "CAPABILITY_IAM",
        "CAPABILITY_AUTO_EXPAND",
        "--parameter-overrides",
        "AlarmEmail=ops@ngo.org",
        "ConfigurationSetName=ngo",
        "ExportsBucketName=ngo-letters-exports",
        "PublicUrl=https://letters.ngo.org",
        "QueueName=ngo-letters",
        "SecretName=ngo-letters-secret",
        "SenderDomain=letters.ngo.org",
        "TableName=ngo-letters",
        "WorkerConcurrency=3",
        "--tags",
        "app=demarche",
        "stage=prod",
        "--no-fail-on-empty-changeset",
    ]
    assert outputs[:5] == ["aws", "cloudformation", "describe-stacks", "--region", "eu-west-1"]
    _, preview, _ = commands("prod", dist, "ngo-artifacts", preview=True)
    assert preview[-1] == "--no-execute-changeset" and "--region" not in preview


@pytest.mark.slow
def test_deploy_refuses_example_values_and_a_missing_bucket(dist, tmp_path):
    (dist / "parameters.json").write_text(
        json.dumps({**REAL, "AlarmEmail": "organiser@example.org", "SenderDomain": "demarche.example.org"}),
        encoding="utf-8",
    )
    with pytest.raises(DeployError, match="still has example values for AlarmEmail, SenderDomain"):
        commands("prod", dist, "ngo-artifacts")
    with pytest.raises(DeployError, match="no artefact bucket: pass DEPLOY_BUCKET"):
        commands("prod", dist, "")
    with pytest.raises(DeployError, match=r"run `make package STAGE=prod` first"):
        commands("prod", tmp_path / "nothing", "ngo-artifacts")


def test_dry_run_prints_the_commands_and_runs_nothing(monkeypatch, capsys, tmp_path):
    import infra.deploy as deploy_module

    (tmp_path / "dist" / "dev").mkdir(parents=True)
    (tmp_path / "dist" / "dev" / "sam.json").write_text("{}", encoding="utf-8")
    (tmp_path / "dist" / "dev" / "parameters.json").write_text(json.dumps(REAL), encoding="utf-8")
    monkeypatch.setattr(deploy_module, "PROJECT_DIR", tmp_path)
    monkeypatch.setattr(deploy_module.subprocess, "run", lambda *a, **k: pytest.fail("dry run ran a command"))
    assert main(["--stage", "dev", "--bucket", "ngo-artifacts", "--dry-run"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert [line.split()[:4] for line in printed] == [
        ["+", "aws", "cloudformation", "package"],
        ["+", "aws", "cloudformation", "deploy"],
        ["+", "aws", "cloudformation", "describe-stacks"],
    ]
    assert "SenderDomain=letters.ngo.org" in printed[1]


def test_packaging_prod_refuses_the_shipped_example_values_naming_each_and_what_to_set(tmp_path):
    from infra.package import package

    with pytest.raises(StageError) as refused:
        package("prod", tmp_path / "prod")
    message = str(refused.value)
    for name in ("SenderDomain", "AlarmEmail", "PublicUrl", "ExportsBucketName"):
        assert f"parameter {name} is the example value" in message
    assert "set it to the domain you verified in SES" in message
    assert "campaign hrd-resolution sends from the example address" in message
    assert not (tmp_path / "prod").exists()


@pytest.mark.parametrize(
    "name, value",
    [
        ("AlarmEmail", "ops@ngo.example"),
        ("AlarmEmail", "ops@example.net"),
        ("PublicUrl", "https://letters.ngo.test/"),
        ("PublicUrl", "https://example.com"),
        ("SenderDomain", "letters.ngo.invalid"),
        ("ExportsBucketName", ""),
        ("ExportsBucketName", "demarche-prod-exports"),
    ],
)
def test_each_placeholder_or_unset_value_is_named(name, value):
    from infra.package import placeholder_problems

    problems = placeholder_problems({**REAL, name: value}, {"hrd-resolution": "letters@letters.ngo.org"})
    assert len(problems) == 1 and problems[0].startswith(f"parameter {name} is ")
    assert placeholder_problems(REAL, {"hrd-resolution": "letters@letters.ngo.org"}) == []
    assert placeholder_problems(REAL, {"x": "a@ngo.example.com"}) == [
        "campaign x sends from the example address 'a@ngo.example.com': set its sender_address "
        "(templates/campaigns/x/) on your SenderDomain"
    ]


def test_the_dev_stage_packages_the_example_with_a_warning_per_placeholder(tmp_path, monkeypatch):
    import infra.package as package_module

    warnings = []
    monkeypatch.setattr(package_module.subprocess, "run", lambda *a, **k: _fake_chalice(tmp_path / "dev"))
    package_module.package("dev", tmp_path / "dev", warn=warnings.append)
    assert any("PublicUrl is the example value" in w and "allowed in dev only" in w for w in warnings)
    assert json.loads((tmp_path / "dev" / "parameters.json").read_text())["SenderDomain"] == "demarche.example.org"


def _fake_chalice(out_dir):
    out_dir.mkdir(parents=True)
    (out_dir / "sam.json").write_text("{}", encoding="utf-8")

"""The deployment artefact: `make package STAGE=prod` output is small, lint-clean, and renders a letter from the zip."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

RENDER = """
import sys, os
sys.path.insert(0, os.getcwd())
import app  # the packaged app, imported from the unzipped artefact
from chalicelib.campaigns.catalogue import default_campaigns
from chalicelib.directory import default_directory
from chalicelib.letters.composing import Supporter, compose, resolve_target
c = default_campaigns().get("hrd-resolution"); d = default_directory(); k = d.country("KE")
print(compose(c, k, resolve_target(c, k, d), Supporter("Packaged Person", "p@example.org")).body)
from chalicelib import rendering
print("TEMPLATES_FROM", rendering.TEMPLATES_DIR)
print("COMPILED_TEMPLATES", [type(loader).__name__ for loader in rendering.environment().loader.loaders])
"""


@pytest.mark.slow
def test_the_packaged_zip_imports_and_renders_a_letter(packaged, tmp_path: Path):
    names = zipfile.ZipFile(packaged.zip_path).namelist()
    assert {"app.py", "chalicelib/campaigns/catalogue.py", "chalicelib/http/organisers.py"} <= set(names)
    assert "templates/campaigns/hrd-resolution/letter.fr.txt" in names
    assert "chalicelib/data/targets/foreign-ministry.csv" in names
    assert not any(n.startswith(("moto/", "localdev/", "tests/", "infra/")) for n in names)
    assert (packaged.out_dir / "sam.json").exists() and (packaged.out_dir / "parameters.json").exists()

    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(packaged.zip_path).extractall(unpacked)
    result = subprocess.run(
        [sys.executable, "-I", "-c", RENDER],
        cwd=unpacked,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "us-east-1"},
    )
    assert result.returncode == 0, result.stderr
    assert "Packaged Person" in result.stdout
    assert f"TEMPLATES_FROM {unpacked / 'templates'}" in result.stdout
    # the templates compiled at packaging time come first: no cold start compiles a template it ships
    assert "COMPILED_TEMPLATES ['ModuleLoader', 'FileSystemLoader']" in result.stdout
    assert sum(n.startswith("templates_compiled/tmpl_") and n.endswith(".py") for n in names) > 50


@pytest.mark.slow
def test_the_zip_stays_small_because_boto3_comes_from_the_lambda_runtime(packaged):
    from infra.package import ZIP_LIMIT

    names = zipfile.ZipFile(packaged.zip_path).namelist()
    assert packaged.zip_path.stat().st_size <= ZIP_LIMIT
    assert not {n.split("/")[0] for n in names} & {"boto3", "botocore", "s3transfer", "moto", "cfnlint"}


@pytest.mark.slow
def test_the_packaged_template_is_cfn_lint_clean(packaged):
    import datetime as dt

    import time_machine

    from infra.package import lint

    # cfn-lint judges the Lambda runtime against today's date (python3.11: deprecated 2027-06-30, see
    # docs on deploying); the test judges it at the fixtures' moment, so it passes on any date.
    # `make package` lints with the real date, so a deploy still hears about the deprecation.
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc), tick=False):
        assert lint(packaged.out_dir / "sam.json") == []


@pytest.mark.slow
def test_cfn_lint_would_catch_a_broken_template(packaged, tmp_path):
    # GIVEN the packaged template with a queue's visibility timeout that is not a number: the lint test can fail
    import json

    from infra.package import lint

    queue = copy.deepcopy(packaged.template["Resources"]["LetterDeadLetterQueue"])
    queue["Properties"]["VisibilityTimeout"] = "soon"
    broken = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"LetterDeadLetterQueue": queue}}
    path = tmp_path / "sam.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    assert any("VisibilityTimeout" in finding or "soon" in finding for finding in lint(path))


def sam_transformed(packaged, monkeypatch) -> dict:
    """What CloudFormation runs at deploy time (the SAM transform), run here offline on the packaged template."""
    from samtranslator.translator.transform import transform

    monkeypatch.setenv("AWS_DEFAULT_REGION", os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    template = copy.deepcopy(packaged.template)
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":  # as `aws cloudformation package` rewrites it
            resource["Properties"]["CodeUri"] = "s3://demarche-artifacts/deployment.zip"

    class NoManagedPolicies:
        def load(self):
            return {}

    return transform(template, {}, NoManagedPolicies())["Resources"]


@pytest.mark.slow
def test_the_sam_transform_turns_the_worker_event_into_a_mapping_with_partial_batch_responses(packaged, monkeypatch):
    resources = sam_transformed(packaged, monkeypatch)
    mappings = {
        r["Properties"]["FunctionName"]["Ref"]: r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::Lambda::EventSourceMapping"
    }
    assert set(mappings) == {
        "OnSqsMessage",
        "OnDeadLetter",
        "OnSupporterMail",
        "OnSupporterMailDeadLetter",
        "OnExportMessage",
    }
    assert mappings["OnExportMessage"]["EventSourceArn"] == {"Fn::GetAtt": ["ExportsQueue", "Arn"]}
    mapping = mappings["OnSqsMessage"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["LetterQueue", "Arn"]}
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": {"Ref": "WorkerConcurrency"}}
    # The dead-letter queue's handler marks its letters failed, with partial batch responses too.
    assert mappings["OnDeadLetter"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mappings["OnDeadLetter"]["EventSourceArn"] == {"Fn::GetAtt": ["LetterDeadLetterQueue", "Arn"]}
    # The supporter-mail sender and its dead-letter handler, the same way.
    mail = mappings["OnSupporterMail"]
    assert mail["EventSourceArn"] == {"Fn::GetAtt": ["MailQueue", "Arn"]}
    assert mail["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mail["ScalingConfig"] == {"MaximumConcurrency": {"Ref": "WorkerConcurrency"}}
    assert mappings["OnSupporterMailDeadLetter"]["EventSourceArn"] == {"Fn::GetAtt": ["MailDeadLetterQueue", "Arn"]}
    assert mappings["OnSupporterMailDeadLetter"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


@pytest.mark.slow
def test_the_api_stage_throttles_every_method_to_the_stage_parameters(packaged, monkeypatch):
    # a flood of form posts or link clicks is refused by API Gateway (429) before it costs Lambda and DynamoDB
    [stage] = [
        r["Properties"]
        for r in sam_transformed(packaged, monkeypatch).values()
        if r["Type"] == "AWS::ApiGateway::Stage"
    ]
    assert stage["MethodSettings"] == [
        {
            "ResourcePath": "/*",
            "HttpMethod": "*",
            "ThrottlingRateLimit": {"Ref": "ApiRateLimit"},
            "ThrottlingBurstLimit": {"Ref": "ApiBurstLimit"},
        }
    ]
    parameters = packaged.template["Parameters"]
    assert (parameters["ApiRateLimit"]["Default"], parameters["ApiBurstLimit"]["Default"]) == (2500, 5000)


@pytest.mark.slow
def test_the_zip_ships_bytecode_lambda_can_load_without_the_source_clock(packaged):
    # Lambda's /var/task is read-only: without .pyc files in the zip every cold start compiles every module
    import importlib.util

    from infra.bytecode import pyc_name

    archive = zipfile.ZipFile(packaged.zip_path)
    names = set(archive.namelist())
    sources = [n for n in names if n.endswith(".py")]
    assert "app.py" in sources and "jinja2/environment.py" in sources
    for source in sources:
        pyc = archive.read(pyc_name(source))
        assert pyc[:4] == importlib.util.MAGIC_NUMBER, source
        assert int.from_bytes(pyc[4:8], "little") == 0b01, source  # hash-based, unchecked (PEP 552)
        assert pyc[8:16] == importlib.util.source_hash(archive.read(source)), source


def test_no_bytecode_is_compiled_for_another_python(tmp_path):
    from infra.bytecode import add_bytecode

    zip_path = tmp_path / "deployment.zip"
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr("app.py", "x = 1\n")
    assert add_bytecode(zip_path, "python2.7") == 0
    assert zipfile.ZipFile(zip_path).namelist() == ["app.py"]
    assert add_bytecode(zip_path, f"python{sys.version_info.major}.{sys.version_info.minor}") == 1
    assert zipfile.ZipFile(zip_path).namelist() == ["app.py", f"__pycache__/app.{sys.implementation.cache_tag}.pyc"]

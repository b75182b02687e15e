"""`make package STAGE=…`: the CloudFormation template and deployment zip for one stage, built offline.

1. Checks every campaign deeply, and the stage's parameters (infra/stages/<stage>.json) against the template
   and the campaigns' sender domain.
2. Copies templates/ to vendor/templates/: Chalice zips only app.py, chalicelib/ and vendor/ (at the zip's
   root), so in Lambda the templates then sit next to app.py, exactly where they are locally. Each template is
   also compiled to a Python module in vendor/templates_compiled/, which step 5 turns into bytecode.
3. Runs `chalice package --merge-template` with infra/template.yaml (as JSON, so the output stays sam.json).
4. Puts our intrinsic functions back where Chalice's merge mixed them with its own (`replace_intrinsics`).
5. Adds compiled bytecode for the functions' Python to the zip (infra/bytecode.py): /var/task is read-only.
6. Writes dist/<stage>/: sam.json, deployment.zip, parameters.json; `main` also lints sam.json with cfn-lint.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping

PROJECT_DIR = Path(__file__).resolve().parent.parent
STAGES_DIR = PROJECT_DIR / "infra" / "stages"
ZIP_LIMIT = 5_000_000  # bytes: keeps cold starts short; boto3 comes with the Lambda runtime


class StageError(Exception):
    """The stage cannot be packaged as configured; the message lists every problem."""


def stage_parameters(stage: str, stages_dir: Path = STAGES_DIR) -> dict[str, str]:
    path = stages_dir / f"{stage}.json"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in stages_dir.glob("*.json")))
        raise StageError(f"no parameters for stage {stage!r}: create {path} (stages so far: {known})")
    return {key: str(value) for key, value in json.loads(path.read_text(encoding="utf-8")).items()}


def stage_problems(
    parameters: Mapping[str, str], template: Mapping[str, Any], sender_addresses: Mapping[str, str]
) -> list[str]:
    """Everything wrong with a stage's parameters: missing, unknown, or a campaign sending from another domain."""
    declared = template["Parameters"]
    problems = [
        f"parameter {name} is missing"
        for name, spec in declared.items()
        if name not in parameters and "Default" not in spec
    ]
    problems += [f"parameter {name} is not in infra/template.yaml" for name in parameters if name not in declared]
    domain = parameters.get("SenderDomain", "").lower()
    problems += [
        f"campaign {slug} sends from {address}, but the stage's SenderDomain is {domain!r}: SES (and its "
        f"IAM policy) allow only that domain"
        for slug, address in sorted(sender_addresses.items())
        if address.rpartition("@")[2].lower() != domain
    ]
    return problems


# The exports bucket names infra/stages/*.json ship with: S3 names are global, so someone else may own them.
SHIPPED_BUCKET = re.compile(r"^(demarche-[a-z0-9]+-exports|.*example.*)$", re.IGNORECASE)
# The stages whose example values may be packaged (with a warning), so the shipped example can be tried.
EXAMPLE_STAGES = frozenset({"dev"})
_PLACEHOLDER_HINTS = {
    "SenderDomain": "the domain you verified in SES, e.g. letters.your-org.org",
    "AlarmEmail": "the address of the organiser who receives alarms",
    "ExportsBucketName": "an S3 bucket name of your own (names are global), e.g. your-org-demarche-exports",
    "PublicUrl": "the address links in our mail point to: your custom domain, or the EndpointURL of a first deploy",
}


def placeholder_problems(parameters: Mapping[str, str], sender_addresses: Mapping[str, str]) -> list[str]:
    """Every example value (example.org/.com/.net, .invalid/.test/.example) a stage or campaign still has."""
    from infra.deploy import PLACEHOLDER

    problems = []
    for name in ("SenderDomain", "AlarmEmail", "PublicUrl", "ExportsBucketName"):
        value = parameters.get(name, "").strip()
        if not value:
            problems.append(f"parameter {name} is not set: set it to {_PLACEHOLDER_HINTS[name]}")
        elif PLACEHOLDER.search(value) or (name == "ExportsBucketName" and SHIPPED_BUCKET.match(value)):
            problems.append(f"parameter {name} is the example value {value!r}: set it to {_PLACEHOLDER_HINTS[name]}")
    problems += [
        f"parameter {name} is the example value {value!r}: set your own"
        for name, value in sorted(parameters.items())
        if name not in _PLACEHOLDER_HINTS and PLACEHOLDER.search(value.strip())
    ]
    problems += [
        f"campaign {slug} sends from the example address {address!r}: set its sender_address "
        f"(templates/campaigns/{slug}/) on your SenderDomain"
        for slug, address in sorted(sender_addresses.items())
        if PLACEHOLDER.search(address.strip())
    ]
    return problems


def checked_campaign_senders() -> dict[str, str]:
    """Each campaign's sender address; refuses to package a campaign whose files or letter templates are broken."""
    sys.path.insert(0, str(PROJECT_DIR))
    from chalicelib.campaigns.catalogue import Campaigns, check_campaign_deeply
    from chalicelib.directory import default_directory
    from chalicelib.letters.letter_check import letter_problems

    senders, problems = {}, []
    for campaign in Campaigns().all():
        check_campaign_deeply(campaign)
        problems += letter_problems(campaign, default_directory())  # every language x every country
        senders[campaign.slug] = campaign.sender_address
    if problems:
        raise StageError("letters that do not render:\n" + "\n".join(problems[:20]))
    return senders


def stage_templates(project_dir: Path = PROJECT_DIR) -> Path:
    """templates/ into vendor/templates/, and each template compiled into vendor/templates_compiled/ (the zip
    then holds their bytecode: chalicelib/rendering.py loads them from there)."""
    sys.path.insert(0, str(PROJECT_DIR))
    from chalicelib.rendering import compile_templates

    vendored = project_dir / "vendor" / "templates"
    compiled = project_dir / "vendor" / "templates_compiled"
    for stale in (vendored, compiled):
        if stale.exists():
            shutil.rmtree(stale)
    shutil.copytree(project_dir / "templates", vendored)
    compile_templates(compiled)
    return vendored


def package(
    stage: str,
    out_dir: Path,
    project_dir: Path = PROJECT_DIR,
    *,
    stages_dir: Path = STAGES_DIR,
    senders: Callable[[], Mapping[str, str]] = checked_campaign_senders,
    warn: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
) -> Path:
    """Package `stage` into `out_dir` (emptied first); returns the deployment zip's path.

    Example values (example.org, .invalid…) in the stage's parameters or a campaign's sender are refused,
    except in the EXAMPLE_STAGES (dev), where each is only a warning so the shipped example still packages."""
    from infra.template import load_template

    template = load_template()
    parameters = stage_parameters(stage, stages_dir)
    sender_addresses = senders()
    problems = stage_problems(parameters, template, sender_addresses)
    placeholders = placeholder_problems(parameters, sender_addresses)
    if stage in EXAMPLE_STAGES:
        for line in placeholders:
            warn(f"warning: stage {stage}: {line} (allowed in {stage} only)")
    else:
        problems += placeholders
    if problems:
        raise StageError(f"stage {stage} ({stages_dir / f'{stage}.json'}):\n  - " + "\n  - ".join(problems))
    stage_templates(project_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")}
    chalice = Path(sys.executable).with_name("chalice")
    with tempfile.TemporaryDirectory() as scratch:
        merge = Path(scratch) / "merge.json"  # JSON, so Chalice keeps writing sam.json (YAML would switch it)
        merge.write_text(json.dumps(template), encoding="utf-8")
        subprocess.run(
            [
                str(chalice),
                "--project-dir",
                str(project_dir),
                "package",
                "--stage",
                stage,
                "--merge-template",
                str(merge),
                str(out_dir),
            ],
            check=True,
            env=env,
        )
    sam = out_dir / "sam.json"
    packaged = replace_intrinsics(json.loads(sam.read_text(encoding="utf-8")), template)
    sam.write_text(json.dumps(packaged, indent=2) + "\n", encoding="utf-8")
    ship_bytecode(out_dir / "deployment.zip", packaged, warn)
    (out_dir / "parameters.json").write_text(json.dumps(parameters, indent=2) + "\n", encoding="utf-8")
    return out_dir / "deployment.zip"


def ship_bytecode(zip_path: Path, sam: Mapping[str, Any], warn: Callable[[str], None]) -> None:
    """Compiles the zip's modules for the functions' runtime, so no cold start compiles them (infra/bytecode.py)."""
    from infra.bytecode import add_bytecode, this_runtime

    runtimes = {
        resource["Properties"]["Runtime"]
        for resource in sam.get("Resources", {}).values()
        if resource.get("Type") == "AWS::Serverless::Function" and "Runtime" in resource.get("Properties", {})
    }
    if len(runtimes) != 1 or not add_bytecode(zip_path, runtimes.pop()):
        warn(
            f"warning: no bytecode in the zip: the functions run {sorted(runtimes) or 'no runtime'}, this Python is "
            f"{this_runtime()}; every cold start will compile the modules it imports"
        )


INTRINSICS = {"Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::If", "Fn::Select", "Fn::ImportValue"}


def _is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in INTRINSICS


def replace_intrinsics(merged: dict[str, Any], ours: Mapping[str, Any]) -> dict[str, Any]:
    """Where our template gives an intrinsic function, it replaces Chalice's value whole.

    Chalice's merge goes key by key into any dict, so `Queue: !GetAtt LetterQueue.Arn` merged over Chalice's
    `Queue: {Fn::Sub: ...}` would become one dict holding both functions, which CloudFormation rejects.
    """
    for key, value in ours.items():
        if _is_intrinsic(value):
            merged[key] = value
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            replace_intrinsics(merged[key], value)
    return merged


def lint(template_path: Path) -> list[str]:
    """cfn-lint's findings (errors and warnings) for a packaged template, one line each."""
    from cfnlint.api import ManualArgs, lint_file

    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    matches = lint_file(template_path, ManualArgs(regions=[region]))
    return [f"{m.rule.id} {m.message} ({m.filename}:{m.linenumber})" for m in matches]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.package", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--out", type=Path, default=None, help="default: dist/<stage>")
    args = parser.parse_args(argv)
    try:
        zip_path = package(args.stage, args.out or PROJECT_DIR / "dist" / args.stage)
    except StageError as exc:
        print(exc, file=sys.stderr)
        return 2
    findings = lint(zip_path.with_name("sam.json"))
    for finding in findings:
        print(finding, file=sys.stderr)
    size = zip_path.stat().st_size
    print(
        f"{zip_path.parent}/: sam.json ({'cfn-lint clean' if not findings else f'{len(findings)} cfn-lint findings'}),"
        f" deployment.zip ({size / 1e6:.2f} MB), parameters.json"
    )
    if size > ZIP_LIMIT:
        print(f"deployment.zip is over {ZIP_LIMIT / 1e6:.0f} MB: a runtime dependency grew", file=sys.stderr)
        return 1
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())

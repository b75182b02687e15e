"""`make deploy STAGE=… DEPLOY_BUCKET=…`: deploy what `make package` wrote to dist/<stage>/, with the AWS CLI.

1. `aws cloudformation package` uploads deployment.zip to the artefact bucket and rewrites CodeUri.
2. `aws cloudformation deploy` creates or updates the stack `demarche-<stage>` with the stage's parameters
   (CloudFormation rolls the whole stack back by itself if any resource fails).
3. `aws cloudformation describe-stacks` prints the outputs (EndpointURL, queue and table names).

`--preview` stops at a change set to review in the CloudFormation console; `--dry-run` only prints the commands.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Mapping

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Reserved example names (RFC 2606, RFC 6761): a stage still using them has not been configured yet.
PLACEHOLDER = re.compile(r"(^|[.@/])(example\.(org|com|net)|[a-z0-9-]+\.(example|invalid|test))($|[/:])", re.IGNORECASE)


class DeployError(Exception):
    """Deploying cannot start; the message says what to do first."""


def stack_name(stage: str) -> str:
    return f"demarche-{stage}"


def placeholder_parameters(parameters: Mapping[str, str]) -> list[str]:
    return sorted(name for name, value in parameters.items() if PLACEHOLDER.search(value.strip()))


def commands(stage: str, dist_dir: Path, bucket: str, *, region: str = "", preview: bool = False) -> list[list[str]]:
    """The AWS CLI commands that deploy dist_dir (as written by `make package STAGE=stage`)."""
    template, parameters_file = dist_dir / "sam.json", dist_dir / "parameters.json"
    if not template.exists() or not parameters_file.exists():
        raise DeployError(f"{dist_dir} has no packaged stage: run `make package STAGE={stage}` first")
    if not bucket:
        raise DeployError(
            "no artefact bucket: pass DEPLOY_BUCKET=<an S3 bucket in the deploy region> "
            "(create one once with `aws s3 mb s3://<name>`)"
        )
    parameters = json.loads(parameters_file.read_text(encoding="utf-8"))
    unset = placeholder_parameters(parameters)
    if unset:
        raise DeployError(
            f"infra/stages/{stage}.json still has example values for {', '.join(unset)}: "
            "set your own (README, Deploying), then `make package` again"
        )
    packaged = dist_dir / "packaged.json"
    where = ["--region", region] if region else []
    name = stack_name(stage)
    deploy = [
        "aws",
        "cloudformation",
        "deploy",
        *where,
        "--template-file",
        str(packaged),
        "--stack-name",
        name,
        "--capabilities",
        "CAPABILITY_IAM",
        "CAPABILITY_AUTO_EXPAND",
        "--parameter-overrides",
        *(f"{key}={value}" for key, value in sorted(parameters.items())),
        "--tags",
        "app=demarche",
        f"stage={stage}",
        "--no-fail-on-empty-changeset",
    ]
    if preview:
        deploy.append("--no-execute-changeset")
    return [
        [
            "aws",
            "cloudformation",
            "package",
            *where,
            "--template-file",
            str(template),
            "--s3-bucket",
            bucket,
            "--s3-prefix",
            f"demarche/{stage}",
            "--output-template-file",
            str(packaged),
            "--use-json",
        ],
        deploy,
        [
            "aws",
            "cloudformation",
            "describe-stacks",
            *where,
            "--stack-name",
            name,
            "--query",
            "Stacks[0].Outputs",
            "--output",
            "table",
        ],
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.deploy", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--bucket", default="", help="S3 bucket for the deployment zip (same region)")
    parser.add_argument("--region", default="", help="default: the AWS CLI's configured region")
    parser.add_argument("--preview", action="store_true", help="create a change set to review; change nothing")
    parser.add_argument("--dry-run", action="store_true", help="print the commands; run nothing")
    args = parser.parse_args(argv)
    try:
        steps = commands(
            args.stage, PROJECT_DIR / "dist" / args.stage, args.bucket, region=args.region, preview=args.preview
        )
        if not args.dry_run and shutil.which("aws") is None:
            raise DeployError("the AWS CLI (v2) is not installed: see README, Deploying")
    except DeployError as exc:
        print(exc, file=sys.stderr)
        return 2
    for step in steps:
        print("+ " + shlex.join(step), flush=True)
        if not args.dry_run:
            subprocess.run(step, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

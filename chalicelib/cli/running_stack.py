"""How another process (the CLIs) finds a running `make run` stack: a small state file, removed on exit.

The file holds the environment that points boto3 at the local AWS stand-in (its endpoint, dummy credentials,
table and queue names) and the API's address. It lives in .localdev/ (git-ignored) unless
DEMARCHE_LOCAL_STATE names another path. Nothing here is used in Lambda.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any, TextIO

PROJECT_DIR = Path(__file__).resolve().parents[2]
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}


def state_path() -> Path:
    return Path(os.environ.get("DEMARCHE_LOCAL_STATE") or PROJECT_DIR / ".localdev" / "state.json")


def write_state(*, api: str, env: dict[str, str]) -> Path:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pid": os.getpid(), "api": api, "env": env}, indent=2), encoding="utf-8")
    return path


def remove_state() -> None:
    path = state_path()
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def running_stack() -> dict[str, Any] | None:
    """The state of a local stack whose process is still alive, else None."""
    try:
        state = json.loads(state_path().read_text(encoding="utf-8"))
        os.kill(int(state["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return state


# What each stage parameter (infra/stages/<stage>.json) is called in the functions' environment (infra/template.yaml).
STAGE_ENVIRONMENT = {
    "TableName": "DEMARCHE_TABLE",
    "QueueName": "DEMARCHE_QUEUE",
    "ConfigurationSetName": "DEMARCHE_CONFIGURATION_SET",
    "ExportsBucketName": "DEMARCHE_EXPORTS_BUCKET",
    "PublicUrl": "DEMARCHE_PUBLIC_URL",
    "MaxSendRate": "DEMARCHE_MAX_SEND_RATE",
    "SecretName": "DEMARCHE_SECRET_ID",  # commands that sign or hash read the stage secret as the functions do
}


def stage_environment(stage: str, stages_dir: Path | None = None) -> dict[str, str]:
    """The environment a deployed stage's functions get, from infra/stages/<stage>.json: its table, queue…"""
    path = (stages_dir or PROJECT_DIR / "infra" / "stages") / f"{stage}.json"
    try:
        parameters = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        known = ", ".join(sorted(p.stem for p in path.parent.glob("*.json")))
        raise SystemExit(f"error: no stage {stage!r}: {path} does not exist (stages: {known})") from None
    env = {"DEMARCHE_STAGE": stage}
    env.update({name: str(parameters[key]) for key, name in STAGE_ENVIRONMENT.items() if str(parameters.get(key, ""))})
    return env


def add_aws_options(parser: argparse.ArgumentParser) -> None:
    """--stage, and --endpoint URL or --aws: which AWS a command talks to, and which stage's table and queues."""
    parser.add_argument(
        "--stage",
        dest="aws_stage",  # not `stage`: a subcommand may have its own --stage (directory coverage)
        metavar="STAGE",
        help="a deployed stage (dev, prod…): its table, queues and bucket named in infra/stages/STAGE.json, "
        "in your environment's AWS (or --endpoint's)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--endpoint", help="an AWS endpoint URL, e.g. a local stand-in")
    where.add_argument("--aws", action="store_true", help="use your environment's AWS even if `make run` is running")


def connect(args: argparse.Namespace, err: TextIO) -> None:
    """Point boto3 (through the environment) at the AWS this command should use: --endpoint if given; else a
    running `make run` stack unless --aws or --stage; else the AWS of your environment (profile, region,
    credentials). With --stage, the names (table, queues, bucket) are that stage's, from infra/stages/."""
    stage = getattr(args, "aws_stage", None)
    if stage:
        os.environ.update(stage_environment(stage))
    if args.endpoint:
        os.environ["AWS_ENDPOINT_URL"] = args.endpoint
        for name, value in LOCAL_CREDENTIALS.items():
            os.environ.setdefault(name, value)
        return
    stack = None if (args.aws or stage) else running_stack()
    if stack:
        os.environ.update(stack["env"])
        print(f"(using the local stack of `make run` at {stack['api']}; --aws to use AWS instead)", file=err)
    elif not stage and not os.environ.get("DEMARCHE_TABLE") and os.environ.get("DEMARCHE_STAGE") != "local":
        # Without a stage the names would fall back to `demarche`, which no deployed stage uses.
        raise SystemExit("error: which stage? Give --stage STAGE (dev, prod…: names from infra/stages/STAGE.json)")

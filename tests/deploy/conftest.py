"""Packaging fixtures: `make package STAGE=prod` once per session, for every test that reads its output."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class Packaged:
    stage: str
    out_dir: Path
    zip_path: Path
    template: dict[str, Any]


@pytest.fixture(scope="session")
def packaged(tmp_path_factory) -> Packaged:
    """`make package STAGE=prod`, once per session (seconds): the template and zip every packaging test reads."""
    from infra.package import package

    out_dir = tmp_path_factory.mktemp("dist") / "prod"
    zip_path = package("prod", out_dir)
    return Packaged("prod", out_dir, zip_path, json.loads((out_dir / "sam.json").read_text(encoding="utf-8")))

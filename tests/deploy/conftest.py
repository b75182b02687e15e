"""Packaging fixtures: `make package STAGE=prod` once per session, for every test that reads its output."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# An organisation's own prod values: infra/stages/prod.json ships example ones, which packaging refuses.
OWN_PROD = {
    "SenderDomain": "letters.ngo.org",
    "AlarmEmail": "ops@ngo.org",
    "ExportsBucketName": "ngo-letters-exports",
    "PublicUrl": "https://letters.ngo.org",
}


@dataclass(frozen=True)
class Packaged:
    stage: str
    out_dir: Path
    zip_path: Path
    template: dict[str, Any]


def own_stages_dir(tmp: Path) -> Path:
    """A stages folder holding infra/stages/prod.json with OWN_PROD's values instead of the examples."""
    from infra.package import STAGES_DIR

    stages = tmp / "stages"
    stages.mkdir()
    shipped = json.loads((STAGES_DIR / "prod.json").read_text(encoding="utf-8"))
    (stages / "prod.json").write_text(json.dumps({**shipped, **OWN_PROD}), encoding="utf-8")
    return stages


def own_senders() -> dict[str, str]:
    """Every campaign's sender, checked deeply as packaging does, moved onto OWN_PROD's SenderDomain."""
    from infra.package import checked_campaign_senders

    return {
        slug: f"{address.rpartition('@')[0]}@{OWN_PROD['SenderDomain']}"
        for slug, address in checked_campaign_senders().items()
    }


@pytest.fixture(scope="session")
def packaged(tmp_path_factory) -> Packaged:
    """`make package STAGE=prod`, once per session (seconds): the template and zip every packaging test reads."""
    from infra.package import package

    tmp = tmp_path_factory.mktemp("dist")
    out_dir = tmp / "prod"
    zip_path = package("prod", out_dir, stages_dir=own_stages_dir(tmp), senders=own_senders)
    return Packaged("prod", out_dir, zip_path, json.loads((out_dir / "sam.json").read_text(encoding="utf-8")))

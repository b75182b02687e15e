"""The deployment artefact: `chalice package` output holds app.py, chalicelib/ and templates/, and renders a letter."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

RENDER = """
import sys, os
sys.path.insert(0, os.getcwd())
import app  # the packaged app, imported from the unzipped artefact
from chalicelib.campaigns import default_campaigns
from chalicelib.directory import default_directory
from chalicelib.letters import Supporter, compose, resolve_target
c = default_campaigns().get("hrd-resolution"); d = default_directory(); k = d.country("KE")
print(compose(c, k, resolve_target(c, k, d), Supporter("Packaged Person", "p@example.org")).body)
print("TEMPLATES_FROM", __import__("chalicelib.campaigns").campaigns.TEMPLATES_DIR)
"""


@pytest.mark.slow
def test_the_packaged_zip_imports_and_renders_a_letter(tmp_path: Path):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "infra"))
    from package import package

    zip_path = package("dev", tmp_path / "out")

    names = zipfile.ZipFile(zip_path).namelist()
    assert "app.py" in names and "chalicelib/campaigns.py" in names
    assert "templates/campaigns/hrd-resolution/letter.fr.txt" in names
    assert "chalicelib/data/targets/foreign-ministry.csv" in names
    assert not any(n.startswith(("moto/", "localdev/", "tests/")) for n in names)
    assert (tmp_path / "out" / "sam.json").exists()

    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(zip_path).extractall(unpacked)
    result = subprocess.run([sys.executable, "-I", "-c", RENDER], cwd=unpacked, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "us-east-1"})
    assert result.returncode == 0, result.stderr
    assert "Packaged Person" in result.stdout
    assert f"TEMPLATES_FROM {unpacked / 'templates'}" in result.stdout

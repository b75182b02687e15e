"""Build the deployment artefact offline: `chalice package` with the top-level templates/ inside the zip.

Chalice zips only app.py, chalicelib/ and the contents of vendor/ (at the zip's root), so templates/ is
copied to vendor/templates/ first: in Lambda it then sits next to app.py, exactly where it is locally.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def stage_templates(project_dir: Path = PROJECT_DIR) -> Path:
    vendored = project_dir / "vendor" / "templates"
    if vendored.exists():
        shutil.rmtree(vendored)
    shutil.copytree(project_dir / "templates", vendored)
    return vendored


def check_campaigns() -> None:
    """Refuse to package a campaign whose files or letter templates are broken."""
    sys.path.insert(0, str(PROJECT_DIR))
    from chalicelib.campaigns import Campaigns, check_campaign_deeply

    for campaign in Campaigns().all():
        check_campaign_deeply(campaign)


def package(stage: str, out_dir: Path, project_dir: Path = PROJECT_DIR) -> Path:
    """Run `chalice package` for `stage` into `out_dir`; returns the deployment zip's path."""
    check_campaigns()
    stage_templates(project_dir)
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")}
    if out_dir.exists():
        shutil.rmtree(out_dir)
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run([str(chalice), "--project-dir", str(project_dir), "package", "--stage", stage, str(out_dir)],
                   check=True, env=env)
    return out_dir / "deployment.zip"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    zip_path = package(args.stage, args.out or PROJECT_DIR / "dist" / args.stage)
    print(f"{zip_path} ({zip_path.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Only app.py and chalicelib/http/ import Chalice: the domain code stays testable and importable without it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {ROOT / "app.py"}
ALLOWED_UNDER = ROOT / "chalicelib" / "http"


def imports_chalice(source: str, filename: str) -> list[int]:
    """Line numbers of every `import chalice…` or `from chalice… import …`, at any depth (functions included)."""
    lines = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(name == "chalice" or name.startswith("chalice.") for name in names):
            lines.append(node.lineno)
    return lines


def test_the_checker_sees_top_level_nested_and_from_imports():
    source = (
        "import chalice\ndef f():\n    from chalice.local import X\n"
        "import chalicelib.errors\nfrom chalicelib import x\n"
    )
    assert imports_chalice(source, "example.py") == [1, 3]


def test_only_app_py_and_chalicelib_http_import_chalice():
    files = [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in files
        if path not in ALLOWED and ALLOWED_UNDER not in path.parents
        for line in imports_chalice(path.read_text(encoding="utf-8"), str(path))
    ]
    assert offenders == [], f"these modules import chalice; move that code to chalicelib/http/: {offenders}"
    assert any(imports_chalice(path.read_text(encoding="utf-8"), str(path)) for path in ALLOWED_UNDER.glob("*.py")), (
        "the walk should see the blueprints' own chalice imports"
    )

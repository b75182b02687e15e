"""The domain does not import presentation: chalicelib.web (views, pages) and chalicelib.http (routes) are the
HTTP layer's, which calls the domain and turns its answers and errors into responses, never the other way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"
DOMAIN = (
    "front_door",
    "letters",
    "delivery",
    "mail",
    "feedback",
    "outcomes",
    "console",
    "campaigns",
    "directory",
    "storage",
)
PRESENTATION = ("chalicelib.web", "chalicelib.http")
# Known offenders, each to be moved out, never added to: a new import fails the test, and so does an entry here
# once its import is gone (so the list only shrinks).
KNOWN: set[tuple[str, str]] = set()


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module a file imports, anywhere in it (inside functions too), with its line."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if is_presentation(node.module):
                found.append((node.lineno, node.module))
            else:  # `from chalicelib import web`
                found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def is_presentation(module: str) -> bool:
    return any(module == layer or module.startswith(layer + ".") for layer in PRESENTATION)


@pytest.mark.parametrize("package", DOMAIN)
def test_no_domain_module_imports_the_http_layer(package):
    # GIVEN every module of a domain package
    files = sorted((CHALICELIB / package).rglob("*.py"))
    assert files, f"chalicelib/{package} has no modules: is DOMAIN out of date?"
    # WHEN its imports are read (as written: `import`, `from ... import`, at the top or inside a function)
    imports = {
        (str(path.relative_to(CHALICELIB.parent)), line, module)
        for path in files
        for line, module in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if is_presentation(module)
    }
    # THEN none of them is chalicelib.web or chalicelib.http (but the known offenders, still there)
    offenders = sorted(
        f"{path}:{line} imports {module}" for path, line, module in imports if (path, module) not in KNOWN
    )
    assert not offenders, "domain code imports presentation:\n" + "\n".join(offenders)
    mine = {known for known in KNOWN if known[0].startswith(f"chalicelib/{package}/")}
    gone = mine - {(path, module) for path, _, module in imports}
    assert not gone, f"no longer imported, take them off KNOWN: {sorted(gone)}"


def test_the_check_names_an_offender():
    # GIVEN a module that builds a view inside a function, as front_door/door.py once did
    tree = ast.parse("def f():\n    from chalicelib.web.api_views import delivery_view\n")
    # THEN it is seen, and so is `from chalicelib import web`; a sibling name is not mistaken for it
    assert [m for _, m in imported_modules(tree) if is_presentation(m)] == ["chalicelib.web.api_views"]
    assert any(is_presentation(m) for _, m in imported_modules(ast.parse("from chalicelib import web")))
    assert not any(is_presentation(m) for _, m in imported_modules(ast.parse("import chalicelib.webhooks")))

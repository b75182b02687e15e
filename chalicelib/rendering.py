"""The one Jinja2 environment: sandboxed, strict, HTML autoescaped. Supporter text is only ever a value."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

# Beside chalicelib/ here and in the Lambda zip (infra/package.py copies templates/ there).
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
# The same templates compiled to Python modules by `make package` (`compile_templates`), in the zip only: a cold
# start imports their bytecode instead of lexing, parsing and compiling each template it renders.
COMPILED_DIR = Path(__file__).resolve().parent.parent / "templates_compiled"
TEMPLATE_SUFFIXES = (".html", ".svg", ".txt")


@lru_cache(maxsize=1)
def environment() -> "SandboxedEnvironment":
    return build_environment(COMPILED_DIR if COMPILED_DIR.is_dir() else None)


def build_environment(compiled: Path | None = None) -> "SandboxedEnvironment":
    """The environment over the templates folder; with `compiled`, templates compiled there are loaded from it."""
    from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, ModuleLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    loader: BaseLoader = FileSystemLoader(str(TEMPLATES_DIR))
    if compiled is not None:
        loader = ChoiceLoader([ModuleLoader(str(compiled)), loader])
    return SandboxedEnvironment(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "svg"]),
        keep_trailing_newline=True,
        auto_reload=False,  # deployed templates never change: skip a stat() per render
    )


def compile_templates(target: Path) -> None:
    """Every template of the folder compiled by the environment itself (so sandbox, escaping and whitespace rules
    are the ones it renders with) into `target` as Python modules. A broken template raises."""
    build_environment().compile_templates(
        str(target), filter_func=lambda name: name.endswith(TEMPLATE_SUFFIXES), zip=None, ignore_errors=False
    )


def render(template_name: str, **context: Any) -> str:
    return environment().get_template(template_name).render(**context)


@lru_cache(maxsize=1)
def _no_files() -> "SandboxedEnvironment":
    from jinja2 import DictLoader

    return environment().overlay(loader=DictLoader({}), autoescape=False)  # letters are plain text, as their .txt files


@lru_cache(maxsize=256)
def from_source(source: str) -> "Template":
    """A letter template from its text (a campaign built in the console): the same sandbox, and no loader, so
    `{% include %}` or `{% extends %}` reach no file. Compiled once per text per process."""
    return _no_files().from_string(source)


def template_for(name: str, source: str | None) -> "Template":
    """A letter's template: from the templates folder by `name`, or compiled from `source` (a console campaign)."""
    return from_source(source) if source is not None else environment().get_template(name)


def render_block(template: "Template", block: str, **context: Any) -> str:
    """One `{% block %}` of `template` alone, rendered with `context` (the text a supporter starts editing from)."""
    return template.environment.concat(template.blocks[block](template.new_context(context)))  # type: ignore[attr-defined]


def render_replacing_block(template: "Template", block: str, text: str, **context: Any) -> str:
    """`template` rendered with its `block` replaced by `text`, which is output as it is: a value, never template
    source, and never escaped (plain-text letters only: never use it for HTML)."""
    ctx = template.new_context(context)
    ctx.blocks[block] = [lambda _ctx: iter((text,))]
    return template.environment.concat(template.root_render_func(ctx))  # type: ignore[attr-defined]

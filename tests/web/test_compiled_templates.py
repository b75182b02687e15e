"""Templates compiled at packaging time (chalicelib/rendering.py `compile_templates`) render exactly what the
templates folder renders: the zip loads them as modules so a cold start skips Jinja2's lexer and compiler."""

from __future__ import annotations

import re

import pytest

from chalicelib import rendering


@pytest.fixture(scope="module")
def compiled_dir(tmp_path_factory):
    target = tmp_path_factory.mktemp("templates_compiled")
    rendering.compile_templates(target)
    return target


def test_every_template_is_compiled_and_loads_from_its_module(compiled_dir):
    names = [n for n in rendering.build_environment().list_templates() if n.endswith(rendering.TEMPLATE_SUFFIXES)]
    assert len(names) > 50 and len(list(compiled_dir.glob("tmpl_*.py"))) == len(names)
    modules = rendering.build_environment(compiled_dir).loader.loaders[0]  # the ModuleLoader, before the files
    env = rendering.build_environment(compiled_dir)
    for name in names:
        assert modules.load(env, name) is not None  # raises TemplateNotFound if it fell back to the files


def test_a_broken_template_stops_the_compile(tmp_path, monkeypatch):
    from jinja2 import TemplateSyntaxError

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "broken.txt").write_text("{% if %}", encoding="utf-8")
    monkeypatch.setattr(rendering, "TEMPLATES_DIR", folder)
    with pytest.raises(TemplateSyntaxError):
        rendering.compile_templates(tmp_path / "out")


def test_every_campaigns_letter_renders_the_same_compiled(compiled_dir, monkeypatch):
    from chalicelib.campaigns.catalogue import default_campaigns
    from chalicelib.directory import default_directory
    from chalicelib.letters.composing import Supporter, compose, resolve_target

    directory = default_directory()

    def letters() -> list[str]:
        out = []
        for campaign in default_campaigns().all():
            for language in campaign.languages:
                for code in ("KE", "FR", "CN", "EG"):
                    country = directory.country(code)
                    supporter = Supporter("Amina <W>", "amina@example.org", message="{{ 7*7 }} & words")
                    target = resolve_target(campaign, country, directory)
                    out.append(compose(campaign, country, target, supporter, language=language).body)
        return out

    from_files = letters()
    monkeypatch.setattr(rendering, "environment", lambda: rendering.build_environment(compiled_dir))
    assert letters() == from_files
    assert any("{{ 7*7 }} &amp; words" in b or "{{ 7*7 }} & words" in b for b in from_files)  # text stays data


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_form_page_and_the_confirmation_email_render_the_same_compiled(client, compiled_dir, monkeypatch, lang):
    from chalicelib.campaigns.catalogue import default_campaigns
    from chalicelib.letters.supporter_mail import campaign_mail

    campaign = default_campaigns().get("hrd-resolution")

    def rendered() -> list[str]:
        # the form's stamp is new each time (random): everything else must match
        form = client.http.get(f"/campaigns/hrd-resolution/form?lang={lang}").body.decode()
        mail = campaign_mail(
            campaign,
            "confirm",
            lang,
            "Amina",
            "amina@example.org",
            name="Amina <b>",
            target="Ministry & Co",
            confirm_url="https://x.test/c",
            delete_url="https://x.test/d",
            expires="2026-12-05",
            reminder=False,
        )
        return [re.sub(r'name="form_token" value="[^"]*"', "", form), mail.subject, mail.body]

    from_files = rendered()
    assert "<form" in from_files[0] and "https://x.test/c" in from_files[2]
    monkeypatch.setattr(rendering, "environment", lambda: rendering.build_environment(compiled_dir))
    assert rendered() == from_files

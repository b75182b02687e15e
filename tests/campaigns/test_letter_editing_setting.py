"""`[letter] editing` in campaign.toml: its modes, where it may not be used, the body block it needs, and the
linter's checks of that block."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chalicelib.campaigns.catalogue import CAMPAIGNS_DIR, check_campaign_deeply, load_campaign
from chalicelib.errors import CampaignFileError

ANCHOR = "[delivery]\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "editing-campaign"
    shutil.copytree(CAMPAIGNS_DIR / "hrd-resolution", copy)
    return copy


def set_editing(folder: Path, table: str) -> None:
    path = folder / "campaign.toml"
    text = path.read_text(encoding="utf-8")
    assert ANCHOR in text, "fixture drifted"
    path.write_text(text.replace(ANCHOR, table + "\n" + ANCHOR, 1), encoding="utf-8")


def test_add_paragraph_is_the_default_and_each_mode_reads_as_written(folder):
    assert load_campaign(folder).editing == "add_paragraph"
    set_editing(folder, '[letter]\nediting = "own_letter"\n')
    campaign = load_campaign(folder)
    assert campaign.editing == "own_letter" and campaign.supporter_writes_body
    check_campaign_deeply(campaign)  # hrd-resolution's letters mark their body


@pytest.mark.parametrize(
    "table, message",
    [
        ('[letter]\nediting = "rewrite"\n', "must be one of add_paragraph, edit_body, own_letter"),
        ('[letter]\nedit = "edit_body"\n', "is not a letter setting"),
    ],
)
def test_a_wrong_setting_is_named(folder, table, message):
    set_editing(folder, table)
    with pytest.raises(CampaignFileError, match=message) as info:
        load_campaign(folder)
    assert info.value.field.startswith("letter.")


def test_a_digest_lists_everyone_under_one_text_so_it_keeps_add_paragraph():
    shutil_folder = CAMPAIGNS_DIR / "defenders-digest"
    import tomllib

    from chalicelib.campaigns.catalogue import parse_campaign

    data = tomllib.loads((shutil_folder / "campaign.toml").read_text(encoding="utf-8"))
    with pytest.raises(CampaignFileError, match="must be add_paragraph here") as info:
        parse_campaign("defenders-digest", {**data, "letter": {"editing": "edit_body"}}, "digest", shutil_folder)
    assert info.value.field == "letter.editing"


def test_a_letter_without_a_body_block_is_refused_by_the_deep_check(folder):
    set_editing(folder, '[letter]\nediting = "edit_body"\n')
    letter = folder / "letter.fr.txt"
    letter.write_text(
        letter.read_text(encoding="utf-8").replace("{% block body %}", "").replace("{% endblock %}", ""),
        encoding="utf-8",
    )
    campaign = load_campaign(folder)
    with pytest.raises(CampaignFileError, match=r"mark the part a supporter edits") as info:
        check_campaign_deeply(campaign)
    assert "letter.fr.txt" in str(info.value)


def test_the_linter_wants_a_body_that_reads_the_same_for_every_country(folder, monkeypatch):
    from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

    from chalicelib.directory import default_directory
    from chalicelib.letters.letter_check import letter_problems
    from chalicelib.rendering import environment

    env = environment()  # the copy lives in tmp_path: let the one environment find it as campaigns/<slug>/
    loader = ChoiceLoader([PrefixLoader({"campaigns": FileSystemLoader(str(folder.parent))}), env.loader])
    monkeypatch.setattr(env, "loader", loader)
    set_editing(folder, '[letter]\nediting = "edit_body"\n')
    campaign = load_campaign(folder)
    assert letter_problems(campaign, default_directory()) == []

    # GIVEN a body that names the country: the form could not show it before a country is chosen
    letter = folder / "letter.en.txt"
    letter.write_text(
        letter.read_text(encoding="utf-8").replace("{% block body %}", "{% block body %}{{ country.name }}: "),
        encoding="utf-8",
    )
    env.cache.clear()  # compiled templates are kept (deployed ones never change): this one did
    problems = letter_problems(load_campaign(folder), default_directory())

    assert problems and all("the body block reads differently for this country" in p for p in problems)
    assert any("letter.en.txt for FI" in p for p in problems)

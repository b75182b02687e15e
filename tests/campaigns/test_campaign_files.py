"""Campaign files: the shipped ones load and render; a broken one fails at load naming the file and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chalicelib.campaigns.catalogue import CAMPAIGNS_DIR, Campaigns, check_campaign_deeply, load_campaign
from chalicelib.errors import CampaignFileError, NotFound

SHIPPED = ["hrd-resolution", "whrd-resolution", "hrd-mandate", "sg-defenders"]


SIX = ["en", "fr", "es", "ar", "ru", "zh"]


def test_every_example_campaign_carries_its_letter_in_the_six_un_languages():
    campaigns = Campaigns()
    for slug in [*SHIPPED, "defenders-digest", "ga-defenders-sign-on", "sg-defenders-agenda"]:
        campaign = campaigns.get(slug)
        assert set(campaign.languages) == set(SIX), slug
        for texts in (campaign.title, campaign.summary, campaign.subject):
            assert set(texts) == set(SIX), slug
    assert campaigns.get("sg-defenders").fixed_target.name == "Secretary-General of the United Nations"
    assert campaigns.get("hrd-mandate").target_set == "un-mission-geneva"


@pytest.mark.parametrize("slug", SHIPPED)
@pytest.mark.parametrize("language", SIX)
def test_every_shipped_letter_renders_with_and_without_optional_parts(slug, language):
    from chalicelib.directory import default_directory
    from chalicelib.letters.composing import Supporter, compose, resolve_target

    campaign = Campaigns().get(slug)
    directory = default_directory()
    country = directory.country("KE")
    target = resolve_target(campaign, country, directory)
    full = compose(campaign, country, target, Supporter("Jo Doe", "jo@example.org", "Mombasa", "My words."), language)
    bare = compose(campaign, country, target, Supporter("Jo Doe", "jo@example.org"), language)

    assert full.language == bare.language == language
    assert "My words." in full.body and "Mombasa" in full.body and "Jo Doe" in bare.body
    assert "\n\n\n" not in bare.body and "{{" not in bare.body


def test_the_linter_renders_every_campaign_in_every_language_for_every_country():
    from chalicelib.directory import default_directory
    from chalicelib.letters.letter_check import letter_problems

    directory = default_directory()
    for campaign in Campaigns().all():
        assert letter_problems(campaign, directory) == [], campaign.slug


def test_the_linter_finds_a_letter_that_breaks_for_one_country_only(broken, monkeypatch):
    from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

    from chalicelib.directory import default_directory
    from chalicelib.letters.letter_check import letter_problems
    from chalicelib.rendering import environment

    env = environment()  # the copy lives in tmp_path: let the one environment find it as campaigns/<slug>/
    loader = ChoiceLoader([PrefixLoader({"campaigns": FileSystemLoader(str(broken.parent))}), env.loader])
    monkeypatch.setattr(env, "loader", loader)

    # GIVEN a letter that fails only for Egypt (the one-sample deep check renders it for Kenya)
    letter = broken / "letter.en.txt"
    letter.write_text(
        letter.read_text(encoding="utf-8") + "{% if country.name == 'Egypt' %}{{ no_such_name }}{% endif %}\n",
        encoding="utf-8",
    )
    campaign = load_campaign(broken)
    check_campaign_deeply(campaign)  # passes: Kenya is fine

    problems = letter_problems(campaign, default_directory())

    assert problems == [f"{campaign.slug}: letter.en.txt for EG: UndefinedError: 'no_such_name' is undefined"]


@pytest.mark.parametrize("language", ["ar", "ru", "zh"])
@pytest.mark.parametrize("slug", ["hrd-resolution", "defenders-digest", "ga-defenders-sign-on", "sg-defenders-agenda"])
def test_a_letter_in_arabic_russian_or_chinese_names_countries_in_its_own_language(slug, language):
    from chalicelib.directory import default_directory
    from chalicelib.directory.country_names import country_name
    from chalicelib.letters.composing import compose, resolve_target
    from chalicelib.letters.letter_check import FULL, signed_sample

    # GIVEN a supporter (or a signatory) in Côte d'Ivoire, and the letter in a non-Latin-script language
    campaign = Campaigns().get(slug)
    directory = default_directory()
    country = directory.country("CI")
    target = resolve_target(campaign, country, directory)

    # WHEN the letter is written (as a supporter's, or as sent with its list of signatories)
    letters = [compose(campaign, country, target, FULL, language), *signed_sample(campaign, country, target, language)]

    # THEN it names the state in its own language (CLDR), and never in English
    body = letters[-1].body
    assert letters[-1].language == language
    assert country_name("CI", language) in body
    assert "Ivoire" not in body


def test_the_linter_finds_a_country_named_in_english_in_an_arabic_letter(broken, monkeypatch):
    from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

    from chalicelib.directory import default_directory
    from chalicelib.letters.letter_check import letter_problems
    from chalicelib.rendering import environment

    env = environment()
    loader = ChoiceLoader([PrefixLoader({"campaigns": FileSystemLoader(str(broken.parent))}), env.loader])
    monkeypatch.setattr(env, "loader", loader)

    # GIVEN an Arabic letter that spells one state's name out in English by hand
    letter = broken / "letter.ar.txt"
    letter.write_text(
        letter.read_text(encoding="utf-8") + "{% if country.name == 'كينيا' %}Kenya{% endif %}\n", encoding="utf-8"
    )

    problems = letter_problems(load_campaign(broken), default_directory())

    assert (
        problems == ["broken-campaign: letter.ar.txt for KE: the country is named in English ('Kenya'), not in ar"] * 2
    )


def test_supporter_text_is_data_not_template_source(services):
    from chalicelib.letters.composing import Supporter, compose, resolve_target

    campaign = services.campaigns.get("hrd-resolution")
    country = services.directory.country("KE")
    target = resolve_target(campaign, country, services.directory)
    letter = compose(
        campaign, country, target, Supporter("{{ 7*7 }}", "x@example.org", "", "{% if 1 %}boom{% endif %}")
    )
    assert "{{ 7*7 }}" in letter.body and "{% if 1 %}boom{% endif %}" in letter.body
    assert "49" not in letter.body


@pytest.fixture
def broken(tmp_path: Path):
    """A copy of a good campaign that each test damages in one place."""
    folder = tmp_path / "broken-campaign"
    shutil.copytree(CAMPAIGNS_DIR / "hrd-resolution", folder)
    return folder


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "campaign.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture drifted: {old!r} not in campaign.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_campaign_may_opt_out_of_overflow_digests(broken):
    assert load_campaign(broken).delivery.overflow_digests is True  # the default
    edit(broken, "max_per_target_per_hour = 30", "max_per_target_per_hour = 30\noverflow_digests = false")
    assert load_campaign(broken).delivery.overflow_digests is False


@pytest.mark.parametrize(
    "old,new,field",
    [
        ('"foreign-ministry", "un-mission-new-york"]', '"foreign-ministry", "parliament"]', "target_sets"),
        ('"foreign-ministry", "un-mission-new-york"]', '"foreign-ministry", "foreign-ministry"]', "target_sets"),
        ('sender_address = "letters@demarche.example.org"', 'sender_address = "not an address"', "sender_address"),
        ('languages = ["en", "fr", "es", "ar", "ru", "zh"]', 'languages = ["en", "xx"]', "languages"),
        ('languages = ["en", "fr", "es", "ar", "ru", "zh"]', 'languages = "en"', "languages"),
        ("closes = 2027-12-31", "closes = 2020-01-01", "closes"),
        ("closes = 2027-12-31", 'closes = "soon"', "closes"),
        ("max_per_target_per_hour = 30", "max_per_target_per_hour = 0", "delivery.max_per_target_per_hour"),
        ('mode = "direct"', 'mode = "carrier-pigeon"', "delivery.mode"),
        (
            "max_per_target_per_hour = 30",
            'max_per_target_per_hour = 30\noverflow_digests = "no"',
            "delivery.overflow_digests",
        ),
        ('allowed_origins = ["https://www.partner.example.org"]', 'allowed_origins = ["*"]', "allowed_origins[0]"),
        (
            'allowed_origins = ["https://www.partner.example.org"]',
            'allowed_origins = ["https://ok.example.org", "https://x.example.org/page"]',
            "allowed_origins[1]",
        ),
        (
            'allowed_origins = ["https://www.partner.example.org"]',
            'allowed_origins = ["http://partner.example.org"]',
            "allowed_origins[0]",
        ),
        ('allowed_origins = ["https://www.partner.example.org"]', "allowed_origins = [42]", "allowed_origins[0]"),
        (
            'allowed_origins = ["https://www.partner.example.org"]',
            'allowed_origins = "https://a.example.org"',
            "allowed_origins",
        ),
        (
            'allowed_origins = ["https://www.partner.example.org"]',
            'embed_origins = ["partner.example.org"]',
            "embed_origins[0]",
        ),
    ],
)
def test_a_broken_field_is_named(broken, old, new, field):
    edit(broken, old, new)
    with pytest.raises(CampaignFileError) as info:
        load_campaign(broken)
    assert info.value.field == field
    assert str(broken / "campaign.toml") in str(info.value)


def test_a_missing_field_is_named(broken):
    path = broken / "campaign.toml"
    path.write_text("\n".join(line for line in path.read_text().splitlines() if not line.startswith("organisation")))
    with pytest.raises(CampaignFileError, match="organisation: is required"):
        load_campaign(broken)


def test_a_subject_with_a_line_break_is_refused(broken):
    path = broken / "campaign.toml"
    text = path.read_text(encoding="utf-8")
    six = 'en = "a\\nb", fr = "x", es = "y", ar = "x", ru = "x", zh = "x"'
    path.write_text(text.replace("subject = {", f"subject = {{ {six} }}\nignored = {{", 1))
    with pytest.raises(CampaignFileError) as info:
        load_campaign(broken)
    assert info.value.field == "subject.en"


def test_invalid_toml_and_missing_letter_template_are_reported(broken):
    (broken / "letter.fr.txt").unlink()
    with pytest.raises(CampaignFileError, match="letter.fr.txt"):
        load_campaign(broken)
    (broken / "campaign.toml").write_text("title = [unclosed")
    with pytest.raises(CampaignFileError, match="not valid TOML"):
        load_campaign(broken)


@pytest.mark.parametrize("slug", SHIPPED)
def test_shipped_letter_templates_compile(slug):
    check_campaign_deeply(Campaigns().get(slug))


def test_a_letter_template_with_a_syntax_error_is_reported_with_file_and_line(broken):
    (broken / "letter.es.txt").write_text("Estimado {{ target.addressee ,\n")
    with pytest.raises(CampaignFileError) as info:
        check_campaign_deeply(load_campaign(broken))
    assert info.value.field == "template" and "letter.es.txt:1" in str(info.value)


def test_origins_are_kept_as_browsers_send_them(broken):
    edit(
        broken,
        'allowed_origins = ["https://www.partner.example.org"]',
        'allowed_origins = ["HTTPS://WWW.Partner.example.org:443/", "http://localhost:3000", "https://bücher.example"]\n'
        "embed_origins = []",
    )
    campaign = load_campaign(broken)
    assert campaign.allowed_origins == (
        "https://www.partner.example.org",
        "http://localhost:3000",
        "https://xn--bcher-kva.example",
    )
    assert campaign.embed_origins == ()  # listed but empty: no other site may frame the form


def test_a_campaign_without_origin_lists_allows_no_cors_and_any_framing(broken):
    edit(broken, 'allowed_origins = ["https://www.partner.example.org"]', "")
    campaign = load_campaign(broken)
    assert campaign.allowed_origins == () and campaign.embed_origins is None


def test_a_campaign_is_parsed_when_first_asked_for_and_once(monkeypatch):
    # a cold start serving one campaign's page parses that campaign's files alone
    from chalicelib.campaigns import catalogue

    parsed = []
    real = catalogue.load_campaign
    monkeypatch.setattr(catalogue, "load_campaign", lambda folder: parsed.append(folder.name) or real(folder))
    campaigns = catalogue.Campaigns()
    assert parsed == []
    assert campaigns.get("hrd-resolution").slug == "hrd-resolution"
    assert campaigns.get("hrd-resolution") is campaigns.get("hrd-resolution")
    assert parsed == ["hrd-resolution"]
    with pytest.raises(NotFound):
        campaigns.get("no-such-campaign")
    assert [c.slug for c in campaigns.all()] == sorted(parsed) and parsed.count("hrd-resolution") == 1

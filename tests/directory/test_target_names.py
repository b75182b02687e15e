"""A target's name as a supporter reads it (chalicelib/directory/target_names.py): a pattern per target set in each
language's catalogue, filled with the state's CLDR name; English shows the sourced official name."""

from __future__ import annotations

import pytest

from chalicelib.directory import DIRECTORY_SETS, default_directory
from chalicelib.directory.country_names import country_name
from chalicelib.directory.target_names import pattern_keys, shown_name
from chalicelib.i18n import UI_LANGUAGES, catalogue


def test_every_directory_set_has_a_pattern_and_observers_missions_their_own():
    english = catalogue("en")
    for target_set in DIRECTORY_SETS:
        assert f"target_name.{target_set}" in english
    for target_set in ("un-mission-new-york", "un-mission-geneva"):
        assert pattern_keys(target_set, "PS")[1] == f"target_name.{target_set}.observer" in english
    # an observer's foreign ministry is a ministry like any other
    assert shown_name("x", "foreign-ministry", "PS", "ru") == "Министерство иностранных дел — Государство Палестина"


@pytest.mark.parametrize("language", [lang for lang in UI_LANGUAGES if lang != "en"])
def test_every_target_of_every_state_is_named_in_the_language_with_the_states_own_name_there(language):
    directory = default_directory()
    for target_set in DIRECTORY_SETS:
        for target in directory.targets(target_set):
            shown = shown_name(target.name, target_set, target.country, language)
            assert country_name(target.country, language) in shown, (target_set, target.country)
            assert shown != target.name and "{" not in shown


@pytest.mark.parametrize(
    "target_set, country, language, shown",
    [
        ("foreign-ministry", "KE", "ru", "Министерство иностранных дел — Кения"),  # no declension needed
        ("un-mission-new-york", "KE", "ru", "Постоянное представительство при ООН (Нью-Йорк) — Кения"),
        ("foreign-ministry", "KE", "zh", "肯尼亚外交部"),
        ("un-mission-geneva", "CN", "zh", "中国常驻联合国日内瓦办事处代表团"),
        ("foreign-ministry", "AE", "ar", "وزارة خارجية الإمارات العربية المتحدة"),  # idafa: the name as it is
        ("un-mission-new-york", "KE", "ar", "بعثة كينيا الدائمة لدى الأمم المتحدة في نيويورك"),
        ("un-mission-new-york", "PS", "fr", "Mission permanente d’observation auprès de l’ONU (New York) — État de Palestine"),
        ("un-mission-geneva", "VA", "es", "Misión Permanente de Observación ante la Oficina de las Naciones Unidas en Ginebra — Santa Sede"),
        ("foreign-ministry", "VA", "fr", "Secrétairerie d’État, Section pour les relations avec les États — Saint-Siège"),
    ],
)  # fmt: skip
def test_a_targets_name_in_a_language(target_set, country, language, shown):
    official = default_directory().target(target_set, country).name
    assert shown_name(official, target_set, country, language) == shown


def test_english_shows_the_sourced_name_and_a_fixed_target_keeps_its_own_everywhere():
    assert shown_name("Ministry of Foreign and Diaspora Affairs", "foreign-ministry", "KE", "en") == (
        "Ministry of Foreign and Diaspora Affairs"
    )
    for language in UI_LANGUAGES:
        assert shown_name("UN Secretary-General", "fixed", "KE", language) == "UN Secretary-General"
        assert shown_name("UN Secretary-General", "fixed", None, language) == "UN Secretary-General"

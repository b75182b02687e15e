"""The directory in memory: every state resolves in every target set, under any code or common name."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chalicelib.directory import DIRECTORY_SETS, Directory, default_directory
from chalicelib.errors import NotFound


def test_all_195_states_resolve_to_a_named_target_in_every_set():
    directory = default_directory()
    countries = directory.countries()
    assert len(countries) == 195
    assert sum(c.status == "observer" for c in countries) == 2
    for target_set in DIRECTORY_SETS:
        for country in countries:
            target = directory.target(target_set, country.alpha2)
            assert target.name and target.addressee, (target_set, country.alpha2)
            assert target.language == country.language


@pytest.mark.parametrize(
    "asked",
    [
        "CI",
        "CIV",
        "Côte d'Ivoire",
        "Cote d'Ivoire",
        "Ivory Coast",
        "ci",
        "civ",
        "CÔTE D’IVOIRE",
        "  cote  divoire ",
        "côte-d'ivoire",
    ],
)
def test_codes_and_names_of_cote_d_ivoire_all_resolve(asked):
    assert default_directory().country(asked).alpha2 == "CI"


@pytest.mark.parametrize(
    "asked,alpha2",
    [
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("gbr", "GB"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("turkiye", "TR"),
        ("Holy See", "VA"),
        ("Vatican", "VA"),
        ("State of Palestine", "PS"),
        ("Palestine", "PS"),
        ("PSE", "PS"),
        ("Democratic Republic of the Congo", "CD"),
        ("DRC", "CD"),
        ("Congo", "CG"),
        ("North Korea", "KP"),
        ("Republic of Korea", "KR"),
        ("South Korea", "KR"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("Bolivia", "BO"),
        ("Iran", "IR"),
        ("Russia", "RU"),
        ("Czech Republic", "CZ"),
        ("Eswatini", "SZ"),
        ("Swaziland", "SZ"),
        ("United States", "US"),
        ("USA", "US"),
        ("México", "MX"),
        ("mexico", "MX"),
    ],
)
def test_common_names_resolve(asked, alpha2):
    assert default_directory().country(asked).alpha2 == alpha2


@pytest.mark.parametrize("asked", ["Atlantis", "XX", "", "Kenya Kenya", "EU"])
def test_unknown_names_are_refused_with_what_was_asked(asked):
    with pytest.raises(NotFound, match="Unknown country"):
        default_directory().country(asked)


def test_the_directory_is_built_once_per_process():
    assert default_directory() is default_directory()
    assert isinstance(default_directory(), Directory)


def test_the_lambda_runtime_does_not_need_pycountry(tmp_path):
    # GIVEN pycountry cannot be imported (it is a development dependency only)
    # WHEN the app builds its directory and campaigns and renders a preview
    # THEN everything works from the CSV files alone
    script = (
        "import sys; sys.modules['pycountry'] = None\n"
        "from chalicelib.campaigns.catalogue import Campaigns\n"
        "from chalicelib.directory import default_directory\n"
        "from chalicelib.web.api_views import preview\n"
        "d = default_directory(); c = Campaigns().get('whrd-resolution')\n"
        "print(preview(c, d.country('Ivory Coast'), d)['target']['name'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(__import__("pathlib").Path(__file__).resolve().parents[2])},
    )
    assert done.returncode == 0, done.stderr
    assert "Ministry" in done.stdout

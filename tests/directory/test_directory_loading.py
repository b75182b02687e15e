"""The directory is built for a cold start: the countries at once, each target set's table on first use, the index
of names on the first lookup by name; answers are the same whatever was read first."""

from __future__ import annotations

from chalicelib.directory import index


def test_a_target_set_is_read_once_on_first_use_and_shared_with_stored_views(monkeypatch):
    read = []
    real = index.read_table
    monkeypatch.setattr(index, "read_table", lambda path: read.append(path.name) or real(path))
    directory = index.Directory()
    assert read == ["countries.csv"]
    view = directory.with_stored(lambda target_set, alpha2: None)
    assert view.target("foreign-ministry", "KE").country == "KE"
    assert directory.shared_target("foreign-ministry", "FR").country == "FR"
    assert read == ["countries.csv", "foreign-ministry.csv"]
    assert [t.country for t in directory.targets("foreign-ministry")][:2] == ["AD", "AE"]
    assert read == ["countries.csv", "foreign-ministry.csv"]


def test_names_and_codes_resolve_the_same_whichever_comes_first():
    first_by_name, first_by_code = index.Directory(), index.Directory()
    queries = ["Côte d’Ivoire", "CIV", "ci", "CI", "cote divoire", "Kenya", "KEN", "ke", "KE"]
    assert [first_by_name.country(q).alpha2 for q in queries] == ["CI"] * 5 + ["KE"] * 4
    assert [first_by_code.country(q).alpha2 for q in reversed(queries)] == ["KE"] * 4 + ["CI"] * 5
    assert first_by_code.find_country("Atlantis") is None

"""Rulesets and registries from Python: loading, validating with every
problem's place, reading codes and dated rules."""

from __future__ import annotations

import datetime
import pathlib

import pytest

import espaces_metiers as em


def test_the_shipped_ruleset_has_its_identity_and_files() -> None:
    ruleset = em.Ruleset.shipped()
    assert ruleset.info.id == "champagne-ardenne"
    assert "statistics.toml" in ruleset.info.files
    assert "schema_version" in ruleset.file("statistics.toml")
    assert "Ruleset('champagne-ardenne'" in repr(ruleset)


def test_a_ruleset_folder_loads_like_the_shipped_one(shipped_ruleset_dir: pathlib.Path) -> None:
    loaded = em.Ruleset.load(shipped_ruleset_dir)
    assert loaded.info.version == em.Ruleset.shipped().info.version
    assert em.validate_ruleset(shipped_ruleset_dir) == []


def test_from_files_builds_a_ruleset_from_texts() -> None:
    ruleset = em.Ruleset.from_files(em.shipped_files())
    assert ruleset.nomenclatures() == em.Ruleset.shipped().nomenclatures()


def test_codes_are_dated_and_filtered_by_day() -> None:
    ruleset = em.Ruleset.shipped()
    codes = ruleset.codes("theme", datetime.date(2009, 6, 1))
    vae = next(c for c in codes if c.code == "guidance.vae")
    assert vae.parent == "guidance"
    assert vae.from_date <= "2009-06-01"
    assert len(ruleset.codes("theme")) >= len(codes)


def test_the_small_count_threshold_and_required_fields_are_read_on_a_day() -> None:
    ruleset = em.Ruleset.shipped()
    assert ruleset.small_count_threshold("2009-06-01") == 5
    assert "contact_mode" in ruleset.visit_required_fields(datetime.date(2009, 6, 1))


def test_a_rule_asked_for_before_it_existed_is_not_found_with_the_day() -> None:
    with pytest.raises(em.NotFoundError) as caught:
        em.Ruleset.shipped().small_count_threshold("2005-01-01")
    assert caught.value.field == "day"
    assert "2005-01-01" in caught.value.reason


def test_a_malformed_date_is_an_argument_error_that_is_also_a_value_error() -> None:
    with pytest.raises(ValueError) as caught:
        em.Ruleset.shipped().small_count_threshold("1st of June")
    assert isinstance(caught.value, em.ArgumentError)
    assert caught.value.field == "day"


def test_an_unknown_nomenclature_is_not_found() -> None:
    with pytest.raises(em.NotFoundError, match="shoe_size"):
        em.Ruleset.shipped().codes("shoe_size")
    with pytest.raises(em.NotFoundError):
        em.Ruleset.shipped().file("nowhere.toml")


def test_a_broken_ruleset_names_file_line_column_and_path(ruleset_copy: pathlib.Path) -> None:
    stats = ruleset_copy / "statistics.toml"
    stats.write_text(
        stats.read_text(encoding="utf-8").replace("schema_version = 1", 'schema_version = "one"'),
        encoding="utf-8",
    )
    problems = em.validate_ruleset(ruleset_copy)
    assert len(problems) == 1
    assert problems[0].file == "statistics.toml"
    assert problems[0].line == 5
    assert problems[0].column is not None
    assert "schema_version" in (problems[0].path or "")
    with pytest.raises(em.RulesetError) as caught:
        em.Ruleset.load(ruleset_copy)
    err = caught.value
    assert (err.file, err.line) == ("statistics.toml", 5)
    assert err.problems == problems
    assert "statistics.toml" in str(err)


def test_every_problem_of_a_ruleset_is_reported_at_once(ruleset_copy: pathlib.Path) -> None:
    (ruleset_copy / "ruleset.toml").write_text(
        (ruleset_copy / "ruleset.toml").read_text(encoding="utf-8") + 'colour = "blue"\n',
        encoding="utf-8",
    )
    stats = ruleset_copy / "statistics.toml"
    stats.write_text(
        stats.read_text(encoding="utf-8").replace(
            'value = ["contact_mode", "themes"]', 'value = ["contact_mode", "shoe_size"]'
        ),
        encoding="utf-8",
    )
    problems = em.validate_ruleset(ruleset_copy)
    assert {p.file for p in problems} == {"ruleset.toml", "statistics.toml"}
    assert any("colour" in p.reason for p in problems)
    assert any(p.path == "visit_required_fields[0].value[1]" for p in problems)


def test_a_missing_ruleset_folder_is_a_file_error_that_is_also_an_os_error(
    tmp_path: pathlib.Path,
) -> None:
    with pytest.raises(OSError) as caught:
        em.validate_ruleset(tmp_path / "absent")
    assert isinstance(caught.value, em.FileAccessError)
    assert caught.value.file is not None and caught.value.file.endswith("absent")
    with pytest.raises(em.FileAccessError):
        em.Ruleset.load(tmp_path / "absent")


def test_the_shipped_registry_has_the_eleven_sites_of_2009() -> None:
    registry = em.Registry.shipped()
    sites = registry.sites()
    assert len(sites) == 11
    sedan = registry.site("sedan")
    assert (sedan.departement, sedan.departement_name) == ("08", "Ardennes")
    assert sedan.host_structure_name
    assert sedan.coordinator_employer in {"host_structure", "region"}
    assert [d.code for d in registry.region.departements] == ["08", "10", "51", "52"]
    assert registry.commune_count() == 1914
    assert registry.commune(sedan.commune).name
    assert "sites=11" in repr(registry)


def test_an_unknown_site_or_commune_is_not_found_and_a_lookup_error() -> None:
    registry = em.Registry.shipped()
    with pytest.raises(LookupError) as caught:
        registry.site("atlantis")
    assert isinstance(caught.value, em.NotFoundError)
    assert caught.value.field == "site"
    with pytest.raises(em.NotFoundError):
        registry.commune("99999")


def test_a_registry_loads_from_its_files_and_refuses_a_broken_one(
    repo_root: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    data = repo_root / "data"
    loaded = em.Registry.load(data / "registry.toml", data / "communes.csv")
    assert len(loaded.sites()) == 11
    broken = tmp_path / "registry.toml"
    broken.write_text(
        (data / "registry.toml").read_text(encoding="utf-8").replace(
            'commune = "08409"', 'commune = "99999"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(em.RulesetError) as caught:
        em.Registry.load(broken, data / "communes.csv")
    assert caught.value.file == "registry.toml"
    assert caught.value.path == "sites[2].commune"


def test_a_masking_threshold_of_zero_and_the_other_areas_problems_are_all_reported(
    ruleset_copy: pathlib.Path,
) -> None:
    stats = ruleset_copy / "statistics.toml"
    stats.write_text(
        stats.read_text(encoding="utf-8").replace(
            'small_count_threshold = [{ from = "2007-01-01", value = 5 }]',
            'small_count_threshold = [{ from = "2007-01-01", value = 0 }]',
        ),
        encoding="utf-8",
    )
    governance = ruleset_copy / "governance.toml"
    governance.write_text(
        governance.read_text(encoding="utf-8").replace("value = 30\n", "value = 130\n", 1),
        encoding="utf-8",
    )
    problems = em.validate_ruleset(ruleset_copy)
    places = {(p.file, p.path) for p in problems}
    assert ("statistics.toml", "publication.small_count_threshold[0].value") in places
    assert ("governance.toml", "arbitration.min_cofunding_percent[0].value") in places
    zero = next(p for p in problems if p.file == "statistics.toml")
    assert zero.line == 11
    assert "below the smallest sane value" in zero.reason
    with pytest.raises(em.RulesetError):
        em.Ruleset.load(ruleset_copy)

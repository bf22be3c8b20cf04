"""The territory from Python: coverage, what-if questions, distances, map."""

from __future__ import annotations

import datetime

import pytest

import espaces_metiers as em


@pytest.fixture(scope="module")
def territory() -> em.Territory:
    return em.Territory(em.Ruleset.shipped(), em.Registry.shipped())


def test_coverage_counts_the_whole_population_with_an_explanation(territory: em.Territory) -> None:
    coverage = territory.coverage(datetime.date(2010, 6, 1))
    assert coverage["region"]["population"] == 1_307_747
    assert coverage["explanation"]


def test_what_if_questions_answer_with_sentences(territory: em.Territory) -> None:
    sedan = em.Registry.shipped().site("sedan").commune
    closure = territory.site_closure("2010-06-01", "sedan")
    assert closure["site"] == "sedan"
    assert closure["white_zone_population_after"] >= closure["white_zone_population_before"]
    best = territory.best_next_site("2010-06-01")
    assert best["explanation"] and "runners_up" in best
    langres = "52269"
    addition = territory.site_addition("2010-06-01", langres)
    assert addition["commune_name"] == "Langres"
    assert addition["white_zone_population_after"] <= addition["white_zone_population_before"]
    overlap = territory.catchment_overlap("2010-06-01", langres)
    assert isinstance(overlap["within_limit"], bool) and overlap["explanation"]
    assert 0 < territory.distance_km(sedan, langres) < 300


def test_unknown_places_are_not_found(territory: em.Territory) -> None:
    with pytest.raises(em.NotFoundError) as caught:
        territory.site_closure("2010-06-01", "atlantis")
    assert caught.value.field == "site"
    with pytest.raises(em.NotFoundError):
        territory.site_addition("2010-06-01", "99999")
    with pytest.raises(em.NotFoundError):
        territory.distance_km("99999", "08409")


def test_rules_not_yet_in_force_are_a_territory_error(territory: em.Territory) -> None:
    with pytest.raises(em.TerritoryError) as caught:
        territory.coverage("1990-01-01")
    assert caught.value.problems and caught.value.path


def test_the_map_is_svg(territory: em.Territory) -> None:
    assert territory.map_svg("2010-06-01").lstrip().startswith("<svg")

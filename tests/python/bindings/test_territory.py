"""The territory from Python: coverage, what-if questions, catchments by residence, distances, map."""

from __future__ import annotations

import datetime
import pathlib
from typing import Any, Dict, Optional

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


def _visit(i: int, commune: Optional[str], visitor: str) -> Dict[str, Any]:
    visit = {
        "site": "sedan",
        "date": f"2009-03-{i + 1:02d}",
        "reference": f"residence-{i}",
        "visitor": visitor,
        "contact_mode": "in_person",
        "sex": "female",
        "age_band": "26_34",
        "status": "job_seeker",
        "themes": ["guidance"],
        "services": ["information"],
    }
    if commune is not None:
        visit["commune"] = commune
    return visit


def test_catchments_by_residence_count_where_the_visitors_live(
    territory: em.Territory, tmp_path: pathlib.Path
) -> None:
    sedan_commune = em.Registry.shipped().site("sedan").commune
    reims_commune = em.Registry.shipped().site("reims").commune
    net = em.Network.open(tmp_path / "n.db", create=True)
    # Two visits of one visitor from Sedan itself, one visitor from Reims
    # (another site's catchment), one from Paris (outside the region), one
    # who did not give a commune.
    net.add_records(
        [
            _visit(0, sedan_commune, "a"),
            _visit(1, sedan_commune, "a"),
            _visit(2, reims_commune, "b"),
            _visit(3, "75056", "c"),
            _visit(4, None, "d"),
        ]
    )
    catchments = {c["site"]: c for c in territory.catchments_by_residence(net, 2009)}
    assert len(catchments) == 11
    sedan = catchments["sedan"]
    assert sedan_commune in sedan["communes"] and sedan["population"] > 0
    origins = sedan["visitors"]
    assert (
        origins["in_catchment"],
        origins["elsewhere_in_region"],
        origins["outside_region"],
        origins["residence_unknown"],
    ) == (1, 1, 1, 1)
    assert origins["visits_in_catchment"] == 2 and origins["visits"] == 5
    # One of the three visitors whose commune is known lives in the catchment.
    assert origins["share_in_catchment"] == pytest.approx(1 / 3)
    assert "Of its 4 visitors, 1 live in it" in sedan["explanation"]
    assert catchments["reims"]["visitors"] is None
    # Another year has no visits: catchments without visitor counts.
    assert all(c["visitors"] is None for c in territory.catchments_by_residence(net, 2010))


def test_catchments_from_given_counts_refuse_unknown_sites(territory: em.Territory) -> None:
    rows = territory.catchments([{"site": "troyes", "commune": None, "visitors": 3, "visits": 4}])
    troyes = next(c for c in rows if c["site"] == "troyes")
    assert troyes["visitors"]["residence_unknown"] == 3
    assert troyes["visitors"]["share_in_catchment"] is None
    assert all(c["visitors"] is None for c in territory.catchments())
    with pytest.raises(em.TerritoryError) as caught:
        territory.catchments(
            [{"site": "atlantis", "commune": None, "visitors": 1, "visits": 1}]
        )
    assert caught.value.problems[0].path == "counts[0].site"

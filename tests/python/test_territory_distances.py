"""Checks the territory crate's distances against an independent library.

The Rust crate `em-territory` measures great-circle (haversine) distances on
a sphere of radius 6 371.0088 km between commune centres. Its example
`territory_distances` writes those distances for pairs of towns of the
region; this test recomputes them with `geopy`:

- with geopy's own great-circle formula on the same sphere, they must agree
  within 0.1 %;
- with geopy's geodesic on the WGS84 ellipsoid (Karney's algorithm), they
  must agree within 0.5 %, the error the sphere is known to make at these
  latitudes.

Set EM_TERRITORY_DISTANCES to a JSON file written by the example to skip
running cargo.
"""

import json
import math
import os
import subprocess
from pathlib import Path

import pytest
from geopy.distance import geodesic, great_circle

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    given = os.environ.get("EM_TERRITORY_DISTANCES")
    if given:
        path = Path(given)
    else:
        path = tmp_path_factory.mktemp("territory") / "territory-distances.json"
        subprocess.run(
            [
                "cargo",
                "run",
                "--quiet",
                "-p",
                "em-territory",
                "--example",
                "territory_distances",
                "--",
                str(path),
            ],
            cwd=REPO,
            check=True,
        )
    return json.loads(path.read_text(encoding="utf-8"))


def ends(pair):
    return (
        (pair["from"]["latitude"], pair["from"]["longitude"]),
        (pair["to"]["latitude"], pair["to"]["longitude"]),
    )


def test_the_export_covers_the_sites_and_known_towns(exported):
    names = {p["from"]["name"] for p in exported["pairs"]} | {
        p["to"]["name"] for p in exported["pairs"]
    }
    for town in ("Reims", "Troyes", "Charleville-Mézières", "Chaumont", "Langres", "Givet"):
        assert town in names
    # 17 towns, every pair once.
    assert len(exported["pairs"]) == 17 * 16 // 2
    assert exported["earth_radius_km"] == pytest.approx(6371.0088)


def test_great_circle_distances_match_geopy_within_a_thousandth(exported):
    radius = exported["earth_radius_km"]
    for pair in exported["pairs"]:
        expected = great_circle(*ends(pair), radius=radius).km
        got = pair["distance_km"]
        assert abs(got - expected) <= 0.001 * expected, (pair["from"]["name"], pair["to"]["name"])


def test_the_sphere_stays_within_half_a_percent_of_the_ellipsoid(exported):
    worst = 0.0
    for pair in exported["pairs"]:
        expected = geodesic(*ends(pair), ellipsoid="WGS-84").km
        worst = max(worst, abs(pair["distance_km"] - expected) / expected)
    assert worst <= 0.005, worst


def test_every_distance_lies_between_simple_bounds(exported):
    """No path is shorter than the latitude difference along a meridian, nor
    longer than going along one town's parallel then along a meridian."""
    radius = exported["earth_radius_km"]
    for pair in exported["pairs"]:
        (lat_a, lon_a), (lat_b, lon_b) = ends(pair)
        dlat = math.radians(abs(lat_a - lat_b))
        dlon = math.radians(abs(lon_a - lon_b))
        low = radius * dlat
        high = radius * (dlat + dlon * math.cos(math.radians(lat_a)))
        assert low <= pair["distance_km"] <= high, (pair["from"]["name"], pair["to"]["name"])


def test_reims_to_epernay_is_the_shortest_site_pair_of_the_marne(exported):
    marne = [
        p
        for p in exported["pairs"]
        if p["from"]["code"].startswith("51") and p["to"]["code"].startswith("51")
    ]
    shortest = min(marne, key=lambda p: p["distance_km"])
    assert {shortest["from"]["name"], shortest["to"]["name"]} == {"Reims", "Épernay"}

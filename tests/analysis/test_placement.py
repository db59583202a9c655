"""Placing each small area's people inside its polygon, on hand-made areas with known localities.

Coordinates are SWEREF 99 TM (EPSG:3006) metres around a central-Sweden origin.
"""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from fcatlas.analysis.placement import (
    LOCALITY_POINT_RADIUS_M,
    MAX_POINT_PEOPLE,
    MAX_POINT_SHARE,
    MIN_POINTS,
    apportion,
    place_people,
)

X0, Y0 = 600_000.0, 6_600_000.0


def areas(*rows):
    """rows: (code, (minx, miny, maxx, maxy) in km from the origin, people, children)."""
    return gpd.GeoDataFrame(
        {"small_area_code": [r[0] for r in rows], "population": [r[2] for r in rows], "children_0_5": [r[3] for r in rows]},
        geometry=[box(X0 + r[1][0] * 1000, Y0 + r[1][1] * 1000, X0 + r[1][2] * 1000, Y0 + r[1][3] * 1000) for r in rows],
        crs="EPSG:3006",
    )


def localities(*rows):
    """rows: (id, kind, people, land_ha, x_km, y_km)."""
    return pd.DataFrame({
        "locality_id": [r[0] for r in rows], "kind": [r[1] for r in rows], "population": [float(r[2]) for r in rows],
        "land_ha": [float(r[3]) for r in rows], "x": [X0 + r[4] * 1000 for r in rows], "y": [Y0 + r[5] * 1000 for r in rows],
    }, columns=["locality_id", "kind", "population", "land_ha", "x", "y"])


NO_LOCALITIES = localities()


def test_a_village_lying_wholly_inside_its_area_gets_its_people_at_its_own_point():
    # A 20 ha village (disc radius 252 m) of 120 people in a 10 × 10 km area of 1 000.
    placed = place_people(areas(("0114R001", (0, 0, 10, 10), 1000, 60.0)),
                          localities(("S1", "småort", 120, 20, 2, 3)))

    village = placed[placed["source"] == "locality"]
    assert village[["x", "y", "population"]].values.tolist() == [[X0 + 2000, Y0 + 3000, 120.0]]
    assert placed["population"].sum() == 1000
    assert (placed["source"] == "area_grid").sum() >= MIN_POINTS


def test_a_town_is_spread_evenly_over_a_grid_inside_its_disc():
    # 5 000 people on 400 ha: disc radius √(4 km²/π) = 1 128 m, larger than one point may stand for.
    placed = place_people(areas(("0114R001", (0, 0, 10, 10), 6000, 360.0)),
                          localities(("T1", "tätort", 5000, 400, 5, 5)))

    town = placed[placed["source"] == "locality_grid"]
    radius = np.sqrt(400e4 / np.pi)
    assert radius > LOCALITY_POINT_RADIUS_M
    assert np.hypot(town["x"] - (X0 + 5000), town["y"] - (Y0 + 5000)).max() <= radius
    assert town["population"].sum() == 5000
    assert town["population"].max() - town["population"].min() <= 1  # even, in whole persons
    assert placed["population"].sum() == 6000


def test_a_city_reaching_over_many_areas_is_never_one_point():
    # A city of 300 000 on 10 000 ha (disc radius 5,6 km) whose point lies in a 1 × 1 km district of 4 000.
    placed = place_people(areas(("1480R001", (0, 0, 1, 1), 4000, 300.0), ("1480R002", (1, 0, 10, 10), 20000, 1500.0)),
                          localities(("T1", "tätort", 300_000, 10_000, 0.5, 0.5)))

    district = placed[placed["small_area_code"] == "1480R001"]
    assert set(district["source"]) == {"area_grid"}
    assert len(district) >= MIN_POINTS
    assert district["population"].max() <= MAX_POINT_SHARE * 4000
    assert placed.groupby("small_area_code")["population"].sum().to_dict() == {"1480R001": 4000, "1480R002": 20000}


def test_no_point_holds_more_people_than_the_cap_in_a_dense_area():
    placed = place_people(areas(("0180R001", (0, 0, 2, 2), 30_000, 2400.0)), NO_LOCALITIES)

    assert placed["population"].max() <= MAX_POINT_PEOPLE
    assert placed["population"].sum() == 30_000


def test_localities_are_scaled_down_to_the_areas_count():
    # Two villages with 900 people in an area SCB counts 600 in: all 600 at the villages, in proportion.
    placed = place_people(areas(("0114R001", (0, 0, 5, 5), 600, 30.0)),
                          localities(("S1", "småort", 600, 20, 1, 1), ("S2", "småort", 300, 20, 4, 4)))

    assert placed.set_index("x")["population"].to_dict() == {X0 + 1000: 400.0, X0 + 4000: 200.0}


def test_children_follow_the_people_of_their_area():
    placed = place_people(areas(("0114R001", (0, 0, 10, 10), 1000, 70.0)), localities(("S1", "småort", 100, 20, 2, 3)))

    assert placed["children_0_5"].sum() == pytest.approx(70.0)
    np.testing.assert_allclose(placed["children_0_5"], placed["population"] * 70.0 / 1000)


def test_a_police_area_the_grid_would_miss_gets_points_of_its_own():
    # A 4 × 4 km district of 20 000 gets a 1 km grid (cell centres at 500, 1 500, … m); the Police area is a
    # 300 × 300 m estate between those centres.
    police = box(X0 + 600, Y0 + 600, X0 + 900, Y0 + 900)

    placed = place_people(areas(("0180R001", (0, 0, 4, 4), 20_000, 1500.0)), NO_LOCALITIES, [police])

    inside = shapely.contains_xy(police, placed["x"], placed["y"])
    assert inside.any()
    assert placed.loc[inside, "population"].sum() > 0


def test_remote_land_does_not_get_an_even_sprinkle_of_people():
    # 300 people outside localities in a 60 × 60 km area whose only village lies in a corner.
    placed = place_people(areas(("2584R001", (0, 0, 60, 60), 400, 20.0)), localities(("S1", "småort", 100, 20, 1, 1)))

    grid = placed[placed["source"] == "area_grid"]
    assert len(grid) == MIN_POINTS
    near_the_village = np.hypot(grid["x"] - (X0 + 1000), grid["y"] - (Y0 + 1000)) <= 15_000
    assert grid.loc[near_the_village, "population"].sum() >= 0.75 * grid["population"].sum()


def test_an_area_without_people_gets_no_point():
    placed = place_people(areas(("2523R011", (0, 0, 5, 5), 0, 0.0)), NO_LOCALITIES)

    assert placed.empty


def test_areas_must_be_in_sweref_99_tm():
    with pytest.raises(ValueError, match="EPSG:3006"):
        place_people(areas(("0114R001", (0, 0, 1, 1), 10, 1.0)).to_crs(4326), NO_LOCALITIES)


def test_apportion_gives_whole_numbers_with_the_exact_total():
    assert apportion(np.array([1.0, 1.0, 1.0]), 10).tolist() == [4.0, 3.0, 3.0]
    assert apportion(np.array([0.0, 0.0]), 3).sum() == 3

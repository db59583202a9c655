"""Finding places as people type them, and the nearest sites (fcatlas.analysis.places, no Django)."""

import numpy as np
import pandas as pd
import pytest

from fcatlas.analysis.places import PlaceIndex, nearest_sites, postcode_of
from fcatlas.formatting import fold
from fcatlas.geo import to_sweref


@pytest.mark.parametrize("typed, folded", [
    ("Göteborg", "goteborg"), ("  Södra  Biskopsgården-Östra ", "sodra biskopsgarden ostra"), ("MALMÖ", "malmo"),
    ("Åre", "are"), ("Skövde!", "skovde"),
])
def test_names_fold_case_swedish_letters_and_punctuation(typed, folded):
    assert fold(typed) == folded


@pytest.mark.parametrize("typed, code", [("413 19", "41319"), ("41319", "41319"), (" 413 19 ", "41319"),
                                         ("4131", None), ("413 1 9", None), ("Göteborg", None)])
def test_a_postcode_is_read_with_or_without_its_space(typed, code):
    assert postcode_of(typed) == code


@pytest.fixture
def index():
    postcodes = pd.DataFrame({"postal_code": ["41319", "41320", "21119"], "locality": ["Göteborg", "Göteborg", "Malmö"],
                              "latitude": [57.70, 57.71, 55.60], "longitude": [11.95, 11.96, 13.00]})
    places = pd.DataFrame({
        "kind": ["locality", "small_area", "small_area", "small_area", "municipality"],
        "name": ["Göteborg", "Norra Biskopsgården", "Södra Biskopsgården västra", "Göteborgs hamn", "Göteborg"],
        "detail": ["Göteborg", "Göteborg", "Göteborg", "Göteborg", "Västra Götalands län"],
        "population": [600_000, 12_000, 9_000, 100, 600_000],
        "latitude": [57.7, 57.73, 57.72, 57.69, 57.7], "longitude": [11.97, 11.9, 11.89, 11.93, 11.97]})
    return PlaceIndex(postcodes, places)


def test_a_postcode_finds_its_point_and_a_three_digit_area_its_mean(index):
    [place] = index.find("413 19")
    assert (place.kind, place.name, place.latitude) == ("postcode", "413 19", 57.70)
    [area] = index.find("413")
    assert area.latitude == pytest.approx(57.705) and area.detail == "Göteborg"
    assert index.find("999 99") == []


def test_names_that_start_with_what_was_typed_come_before_names_that_only_contain_it(index):
    assert [p.name for p in index.find("goteborg")] == ["Göteborg", "Göteborg", "Göteborgs hamn"]
    assert [p.name for p in index.find("biskopsgarden")] == ["Norra Biskopsgården", "Södra Biskopsgården västra"]
    assert [p.name for p in index.find("södra biskops")] == ["Södra Biskopsgården västra"]  # every word must match
    assert index.find("Stockholm") == [] and index.find("  ") == []


def test_a_place_index_refuses_unknown_kinds():
    with pytest.raises(ValueError, match=r"unknown place kinds \['city'\]"):
        PlaceIndex(pd.DataFrame(columns=["postal_code", "locality", "latitude", "longitude"]),
                   pd.DataFrame({"kind": ["city"], "name": ["X"], "detail": [""], "population": [1],
                                 "latitude": [57.0], "longitude": [12.0]}))


def test_the_nearest_sites_are_those_a_brute_force_search_finds():
    rng = np.random.default_rng(7)
    sites = np.column_stack([rng.uniform(11, 20, 500), rng.uniform(55.5, 66, 500)])
    indices, distances = nearest_sites(13.0, 55.6, sites, k=3)
    x, y = to_sweref(sites[:, 0], sites[:, 1])
    ox, oy = to_sweref(13.0, 55.6)
    brute = np.hypot(x - ox, y - oy)
    assert list(indices) == list(np.argsort(brute)[:3])
    assert distances == pytest.approx(np.sort(brute)[:3])
    assert len(nearest_sites(13.0, 55.6, sites[:2], k=3)[0]) == 2
    assert len(nearest_sites(13.0, 55.6, np.empty((0, 2)), k=3)[0]) == 0

"""The Police's lists of vulnerable areas (utsatta områden): list years, categories and polygons.

The Police publish a list every second year. The shipped polygons are the harmonised panel for the
lists of 2015–2023 (``geo/polisen_utsatta_omraden_panel_2015_2023.geojson``) and the Police's own file
for the list of December 2025 (``geo/polisen_utsatta_omraden_2025.geojson``); the risk tier was
dropped in 2025. The newest list is the default everywhere.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd

LIST_YEARS = (2015, 2017, 2019, 2021, 2023, 2025)
DEFAULT_LIST_YEAR = LIST_YEARS[-1]

CATEGORY_BY_POLICE_NAME = {
    "Utsatt område": "vulnerable",
    "Riskområde": "risk",
    "Särskilt utsatt område": "especially_vulnerable",
}
CATEGORIES = ("especially_vulnerable", "risk", "vulnerable")
"""Most severe first."""
SEVERITY = {"vulnerable": 1, "risk": 2, "especially_vulnerable": 3}

PANEL_FILE = "geo/polisen_utsatta_omraden_panel_2015_2023.geojson"
LIST_FILES = {2025: "geo/polisen_utsatta_omraden_2025.geojson"}
"""List years with a file of their own; the other years come from the panel."""

STORAGE_CRS = "EPSG:4326"


def check_list_year(year: int) -> int:
    if year not in LIST_YEARS:
        raise ValueError(f"list year {year!r} is not one of the Police's lists {list(LIST_YEARS)}")
    return int(year)


def police_column(year: int) -> str:
    """The demand-layer column holding each row's category on the list of ``year``."""
    return f"police_{check_list_year(year)}"


def load_vulnerable_areas(data_dir: Path, year: int = DEFAULT_LIST_YEAR) -> gpd.GeoDataFrame:
    """The areas of one list year: name, vulnerable_category (English), geometry in EPSG:4326."""
    year = check_list_year(year)
    if year in LIST_FILES:
        path = Path(data_dir) / LIST_FILES[year]
        frame = gpd.read_file(path)
        names, categories = _fields(frame, path, "NAMN", "KATEGORI")
    else:
        path = Path(data_dir) / PANEL_FILE
        with warnings.catch_warnings():  # the panel repeats feature ids across list years
            warnings.filterwarnings("ignore", message="Several features with id", category=RuntimeWarning)
            panel = gpd.read_file(path)
        names, categories = _fields(panel, path, "namn", "kategori", "ar")
        frame = panel[panel["ar"].astype(int) == year]
        names, categories = names[frame.index], categories[frame.index]
        if frame.empty:
            present = sorted(set(panel["ar"].astype(int)))
            raise ValueError(f"{path}: no areas for list year {year}; years present: {present}")
    return gpd.GeoDataFrame(
        {"name": names.to_numpy(), "vulnerable_category": categories.to_numpy(), "year": year},
        geometry=frame.geometry.to_numpy(), crs=frame.crs,
    ).to_crs(STORAGE_CRS)


def _fields(frame: gpd.GeoDataFrame, path: Path, name: str, category: str, *others: str) -> tuple[pd.Series, pd.Series]:
    missing = [field for field in (name, category, *others) if field not in frame]
    if missing:
        raise ValueError(f"{path}: missing propert(ies) {missing}")
    unknown = ~frame[category].isin(list(CATEGORY_BY_POLICE_NAME))
    if unknown.any():
        row = int(unknown.to_numpy().argmax())
        raise ValueError(f"{path}: feature {row + 1}, field {category!r}: unknown category "
                         f"{frame[category].iloc[row]!r}; expected one of {list(CATEGORY_BY_POLICE_NAME)}")
    return frame[name].astype(str), frame[category].map(CATEGORY_BY_POLICE_NAME)


def all_list_years(data_dir: Path) -> dict[int, gpd.GeoDataFrame]:
    """Every list year's areas, oldest first."""
    return {year: load_vulnerable_areas(data_dir, year) for year in LIST_YEARS}


def most_severe(categories: pd.Series, by) -> pd.Series:
    """The most severe category of each group of ``categories`` (grouped by ``by``)."""
    names = {rank: name for name, rank in SEVERITY.items()}
    return categories.map(SEVERITY).groupby(by).max().map(names)

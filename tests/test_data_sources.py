"""data/SOURCES.md describes every shipped data file (in a table's first column or a heading), and every file it
describes that way is shipped."""

import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
DATA_FILE = r"[\w.-]+\.(?:csv|geojson|gpkg|json|parquet|xlsx)"


def described_files() -> set[str]:
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    names = set()
    for first_cell in re.findall(r"^\| ([^|]+) \|", text, flags=re.M):
        names.update(re.findall(rf"`({DATA_FILE})`", first_cell))
    for heading in re.findall(r"^### (data/.+)$", text, flags=re.M):
        names.update(Path(name).name for name in re.findall(rf"data/[\w/]+?{DATA_FILE}|{DATA_FILE}", heading))
    return names


def test_every_shipped_data_file_has_its_provenance_and_every_described_file_is_shipped():
    shipped = {path.name for path in DATA.rglob("*") if path.is_file() and re.fullmatch(DATA_FILE, path.name)}
    described = described_files()
    assert shipped - described == set(), "describe these files in data/SOURCES.md"
    assert described - shipped == set(), "data/SOURCES.md describes files that are not shipped"

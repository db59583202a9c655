"""Reading the data files the system ships (``data/``): UTF-8 CSV and GeoJSON, with errors that name the file."""

import csv
import json
from pathlib import Path


class DataFileError(Exception):
    """A shipped data file is missing or does not say what we expect; the message names the file (and row)."""


def read_csv(path: Path) -> list[dict]:
    """The rows of a UTF-8 CSV file with a header row, every value as text (codes keep their leading zeros)."""
    try:
        with Path(path).open(encoding="utf-8", newline="") as file:
            return list(csv.DictReader(file))
    except FileNotFoundError:
        raise DataFileError(f"Filen saknas: {path}") from None


def read_features(path: Path) -> list[dict]:
    """The features of a GeoJSON FeatureCollection."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))["features"]
    except FileNotFoundError:
        raise DataFileError(f"Filen saknas: {path}") from None
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise DataFileError(f"{Path(path).name}: inte en GeoJSON FeatureCollection ({error})") from None

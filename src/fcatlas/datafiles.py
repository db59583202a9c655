"""Reading the data files the system ships (``data/``): CSV through the one tabular reader, and GeoJSON."""

import json
from pathlib import Path

from fcatlas.tabular import TabularError, read_path


class DataFileError(Exception):
    """A shipped data file is missing or does not say what we expect; the message names the file (and row)."""


def read_csv(path: Path) -> list[dict]:
    """The rows of a CSV file with a header row, every value as text (codes keep their leading zeros)."""
    try:
        table = read_path(Path(path))
    except TabularError as error:
        raise DataFileError(f"{Path(path).name}: {error}") from None
    return [{column: value if value is not None else "" for column, value in record.items()}
            for _, record in table.records()]


def read_features(path: Path) -> list[dict]:
    """The features of a GeoJSON FeatureCollection."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))["features"]
    except FileNotFoundError:
        raise DataFileError(f"Filen saknas: {path}") from None
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise DataFileError(f"{Path(path).name}: inte en GeoJSON FeatureCollection ({error})") from None

"""The version of the reference data (regions, kommuner, Police areas, postcodes) that answers are cached by.

Every process serving the atlas reads it, so it lives in a file in ``VAR_DIR`` that ``load_reference`` touches
when it changes anything: its modification time is the version (as the demand layer's file is its own)."""

import time
from pathlib import Path

from django.conf import settings


def _path() -> Path:
    return Path(settings.VAR_DIR) / "reference.version"


def reference_version() -> int:
    try:
        return _path().stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def new_reference_version() -> None:
    _path().write_text(f"{time.time_ns()}\n")

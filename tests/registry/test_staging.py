"""Upload staging: a signed token for one person, one purpose and an hour; expired files are removed."""

import os
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings

from fcatlas.registry import staging

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_uploads(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def later(seconds: float):
    """Move the signing clock forward (``TimestampSigner`` reads ``time.time``)."""
    now = time.time()
    return mock.patch("django.core.signing.time.time", return_value=now + seconds)


def test_a_staged_file_comes_back_with_its_plan_for_the_person_who_staged_it(make_user):
    anna = make_user("national_administrator", username="anna")

    token = staging.stage(b"namn;kommun\n", "enheter.csv", anna, purpose="registry-import", plan='{"rows": []}')
    staged = staging.load(token, anna, purpose="registry-import")

    assert (staged.data, staged.filename, staged.plan) == (b"namn;kommun\n", "enheter.csv", '{"rows": []}')


def test_a_token_expires_after_an_hour(make_user):
    anna = make_user("national_administrator", username="anna")
    token = staging.stage(b"x", "e.csv", anna, purpose="registry-import")

    with later(staging.MAX_AGE_S - 60):
        assert staging.load(token, anna, purpose="registry-import").data == b"x"
    with later(staging.MAX_AGE_S + 1), pytest.raises(staging.StagingError, match="har gått ut"):
        staging.load(token, anna, purpose="registry-import")


def test_a_token_is_for_one_person_and_one_purpose(make_user):
    anna = make_user("national_administrator", username="anna")
    bertil = make_user("national_administrator", username="bertil")
    token = staging.stage(b"x", "e.csv", anna, purpose="registry-import")

    with pytest.raises(staging.StagingError, match="gjordes av någon annan"):
        staging.load(token, bertil, purpose="registry-import")
    with pytest.raises(staging.StagingError, match="känns inte igen"):
        staging.load(token, anna, purpose="survey-import")
    with pytest.raises(staging.StagingError, match="känns inte igen"):
        staging.load(token[:-2] + "xx", anna, purpose="registry-import")


def test_old_files_are_removed_when_something_new_is_staged(make_user):
    anna = make_user("national_administrator", username="anna")
    staging.stage(b"old", "old.csv", anna, purpose="registry-import", plan="{}")
    folder = Path(settings.VAR_DIR) / "uploads" / "registry-import"
    old = list(folder.iterdir())
    assert len(old) == 2  # the file and its plan
    hours_ago = time.time() - staging.MAX_AGE_S - 10
    for path in old:
        os.utime(path, (hours_ago, hours_ago))

    staging.stage(b"new", "new.csv", anna, purpose="registry-import")

    assert not any(path.exists() for path in old)
    assert len(list(folder.iterdir())) == 1

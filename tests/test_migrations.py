"""The migrations describe the models as they are: a change to a model without its migration fails here, not on
the first server that migrates."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:
        pytest.fail(f"models changed without a migration (run makemigrations):\n{out.getvalue()}")

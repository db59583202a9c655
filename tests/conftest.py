import pytest
from django.conf import settings

from fcatlas.reference.loading import load_reference


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every database test starts from the real shipped reference geography."""
    with django_db_blocker.unblock():
        load_reference(settings.DATA_DIR)

import pytest
from django.core.cache import cache

from reviews.reference import load_reference


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the curated reference data, as a deployment does."""
    with django_db_blocker.unblock():
        load_reference(verbosity=0)


@pytest.fixture(autouse=True)
def _clear_cache():
    yield
    cache.clear()

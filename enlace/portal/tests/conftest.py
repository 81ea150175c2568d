import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_portal_cache():
    """Each test starts with no cached portal page or content version from an earlier test's database."""
    cache.clear()
    yield
    cache.clear()

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: a rolled-back test leaves the data version where it found it, so an
    answer cached under that version by one test must not be served to the next; the throttle counts start over."""
    cache.clear()
    yield
    cache.clear()

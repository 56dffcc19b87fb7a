"""The history screens (django-simple-history) read in Japanese: the library ships no Japanese catalogue, so the
portal's locale/ja does."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from kpi import services
from kpi.models import Observation

pytestmark = pytest.mark.django_db

# The library's own English strings (its templates and models), as they would show untranslated.
ENGLISH = [
    "Choose a date from the list below",
    "Created",
    "Changed",
    "Deleted",
    "Date/time",
    "Comment",
    "Changed by",
    "Change reason",
    "Changes",
    "Object",
    "Revert",
    "Press the",
    "Change History",
    "entries",
    "View on site",
    "Close",
]


def visible_text(html):
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_history_pages_have_no_english(admin_client):
    gdp = Observation.objects.get(indicator__code="S1-G1-N1", fiscal_year=2018, kind="actual")
    services.record_observation(gdp.indicator, 2018, "actual", value=Decimal("2500"))
    pages = [
        reverse("admin:kpi_observation_history", args=[gdp.pk]),
        reverse("admin:kpi_observation_simple_history", args=[gdp.pk, gdp.history.earliest().history_id]),
    ]
    for url in pages:
        text = visible_text(admin_client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode())
        found = [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]
        assert not found, f"{url}: {found}"
    history = visible_text(admin_client.get(pages[0]).content.decode())
    assert "変更履歴" in history
    # the changed values read as people write them (seeds/001_16f58a72b6d60119.txt line 2409: 2,496)
    assert "2,496" in history and "2,500" in history
    for english in ("True", "False", "None", "2496.0000"):
        assert not re.search(rf"\b{re.escape(english)}\b", history), english

"""Every role against every endpoint of /api/v1/, the endpoints discovered from the API's OpenAPI schema.

Each owner's drafts (a new value, a correction waiting for publication, a draft agreement) carry a marker that
appears nowhere else. Who may read whose drafts comes from the table below — the roles as the portal's rules state
them — never from asking vision.roles. An endpoint added later is walked the day it is registered: its list (every
page) and its detail answers for the rows that hold a marker must not show a role a marker it may not read.
"""

import json
from decimal import Decimal

import pytest
from django.test import Client

from kpi import services
from kpi.models import Observation

from .conftest import ROLES

pytestmark = pytest.mark.django_db

# Whose drafts each role reads. 管理者 and 検証委員 (with or without staff status) read every draft; an editor reads
# their own department's; no role and anonymous read none. "uto-agreement" is the draft agreement with 宇土市, the
# business of 宇土市's departments (the partner's side).
SEES_EVERYTHING = {"administrator", "member_staff", "member"}
READS = {
    "editor_arao": {"arao"},
    "editor_uto": {"uto", "uto-agreement"},
    "editor_shimonoseki": {"shimonoseki"},
}
OWNERS = ("arao", "uto", "shimonoseki")


def may_read(role, owner):
    return role in SEES_EVERYTHING or owner in READS.get(role, set())


@pytest.fixture
def drafts(world):
    """marker → owner: a new FY2023 actual and a correction of the published FY2023 target of each owner's
    indicator, and the draft agreement with 宇土市 retitled."""
    markers = {}
    for number, owner in enumerate(OWNERS, start=1):
        indicator = world.indicators[owner]
        Observation.objects.filter(indicator=indicator, fiscal_year=2023, kind="actual").delete()
        new_value = Decimal(f"7{number}70001")
        services.save_observation(Observation(indicator=indicator, fiscal_year=2023, kind="actual", value=new_value))
        markers[str(new_value)] = owner
        target = world.targets[owner]
        target.value = corrected = Decimal(f"7{number}70002")
        services.save_observation(target)
        target.refresh_from_db()
        assert target.pending_correction
        markers[str(corrected)] = owner
    agreement = world.agreements["uto"]
    agreement.title = "API-MATRIX-DRAFT-AGREEMENT"
    agreement.save()
    markers[agreement.title] = "uto-agreement"
    return markers


def _list_paths(client):
    schema = json.loads(client.get("/api/v1/schema/", {"format": "json"}).content)
    paths = sorted(schema["paths"])
    return [p for p in paths if "{" not in p], {p for p in paths if "{" in p}


def _pages(client, path):
    answers, response = [], client.get(path, {"page_size": 1000})
    while True:
        assert response.status_code == 200, (path, response.status_code)
        answers.append(response.content.decode())
        body = response.json()
        if not body["next"]:
            return answers, body
        response = client.get(body["next"])


def _client_for(user):
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def test_no_role_reads_a_draft_it_may_not_through_any_api_endpoint(world, drafts, settings):
    settings.API_ANONYMOUS_RATE = "1000000/minute"
    from django.core.cache import cache

    cache.clear()
    list_paths, detail_paths = _list_paths(Client())
    assert len(list_paths) >= 9
    # Where the markers are, as the administrator reads them: the rows to ask each detail endpoint for.
    admin = _client_for(world.users["administrator"])
    marked_ids = {}
    for path in list_paths:
        answers, _body = _pages(admin, path)
        for text in answers:
            for row in json.loads(text)["results"]:
                row_text = json.dumps(row, ensure_ascii=False)
                if any(marker in row_text for marker in drafts):
                    marked_ids.setdefault(path, set()).add(row.get("id", row.get("indicator_id")))
    assert {"/api/v1/series-values/", "/api/v1/agreements/"} <= set(marked_ids)

    for role in ROLES:
        client = _client_for(world.users[role])
        seen = set()
        for path in list_paths:
            texts, _body = _pages(client, path)
            if f"{path}{{id}}/" in detail_paths:
                for key in sorted(marked_ids.get(path, ())):
                    response = client.get(f"{path}{key}/")
                    assert response.status_code in (200, 404), (role, path, key)
                    texts.append(response.content.decode())
            text = "".join(texts)
            for marker, owner in drafts.items():
                if marker in text:
                    assert may_read(role, owner), f"{role} reads {owner}'s draft {marker} at {path}"
                    seen.add(marker)
        # And the restriction is not stricter than the rules: each draft the role may read shows somewhere.
        assert seen == {m for m, owner in drafts.items() if may_read(role, owner)}, role


def test_anonymous_callers_get_the_published_figure_of_a_corrected_target(world, drafts, client):
    target = world.targets["arao"]
    row = client.get(f"/api/v1/series-values/{target.pk}/").json()
    assert Decimal(row["value"]) == target.published_value
    assert row["published"] is True

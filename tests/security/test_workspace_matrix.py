"""Every role against every URL of the committee workspace (pages, downloads and the remark form).

Expected outcomes come from the declared rules: 管理者, 検証委員 (with or without staff status) and 部局編集者
enter the workspace (editors only that of an area their municipality is a member of); the annual editions,
which show every department's unpublished values as frozen, are for 管理者 and 検証委員 only; a user with no
role is refused and the public is sent to the login page. Only 検証委員 in office post remarks. The URL list is
read from the URLconf, so a workspace URL added later is covered.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from committee.models import Review
from kpi.models import IndicatorPlacement

from .conftest import ROLES
from .test_role_matrix import ChangeTracker

pytestmark = pytest.mark.django_db

ENTERS = {"administrator", "editor_arao", "editor_uto", "member_staff", "member"}  # not an editor of another area
READS_EVERYTHING = {"administrator", "member_staff", "member"}
COMMENTS = {"member_staff", "member"}
EVERYTHING_PAGES = {"editions", "edition_now"}


def workspace_patterns():
    """(name, route) of every committee URL under workspace/."""
    found = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "committee":
                route = prefix + str(pattern.pattern)
                if "workspace/" in route:
                    found.append((pattern.name, str(pattern.pattern)))

    walk(get_resolver().url_patterns, "", None)
    return found


def _fill(route, world):
    policy = IndicatorPlacement.objects.filter(indicator=world.comment.indicator).first().goal
    while policy.parent_id is not None and policy.parent.parent_id is not None:
        policy = policy.parent
    closed = Review.objects.closed().order_by("fiscal_year").first()
    year = closed.fiscal_year if ("editions" in route) else world.review.fiscal_year
    route = route.replace("<slug:area_slug>", "kumamoto")
    code = world.comment.indicator.code if "/indicators/" in route else policy.code  # a KPI's page, or a sheet's
    return "/ja/" + route.replace("<int:year>", str(year)).replace("<str:code>", code)


def test_workspace_urls_are_known():
    names = {name for name, _route in workspace_patterns()}
    assert {"dashboard", "review", "sheet", "status_xlsx", "editions"} <= names


@pytest.mark.parametrize("role", ROLES)
def test_every_workspace_url_for_every_role(role, world, login, client):
    client = login(world.users[role])
    failures = []
    for name, route in workspace_patterns():
        path = _fill(route, world)
        response = client.get(path)
        allowed = role in (READS_EVERYTHING if name in EVERYTHING_PAGES else ENTERS)
        if response.status_code >= 500:
            failures.append(f"{name} {path}: {response.status_code}")
        elif allowed and response.status_code != 200:
            failures.append(f"{name} {path}: {response.status_code}, should be allowed")
        elif not allowed and response.status_code not in (302, 403):
            failures.append(f"{name} {path}: {response.status_code}, should be refused")
        elif not allowed and response.status_code == 302 and "/accounts/login/" not in response["Location"]:
            failures.append(f"{name} {path}: redirected to {response['Location']}")
        if response.status_code == 200 and role not in READS_EVERYTHING and name in ("sheet",):
            if world.comment.body in response.content.decode():
                failures.append(f"{name}: a committee remark is shown to {role}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_only_members_in_office_post_remarks(role, world, login, client):
    client = login(world.users[role])
    sheet = next(_fill(route, world) for name, route in workspace_patterns() if name == "sheet")
    tracker = ChangeTracker()
    response = client.post(sheet, {"indicator": world.comment.indicator.pk, "body": "意見の投稿"})
    changed = tracker.changed()
    assert response.status_code < 500
    assert changed == (role in COMMENTS), (role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_author_withdraws_a_remark(role, world, login, client):
    client = login(world.users[role])
    sheet = next(_fill(route, world) for name, route in workspace_patterns() if name == "sheet")
    client.post(sheet, {"withdraw": str(world.comment.uid)})
    world.comment.refresh_from_db()
    assert (world.comment.withdrawn_at is not None) == (role == "member")
    if role == "member":
        assert world.comment.history.latest().withdrawn_at is not None

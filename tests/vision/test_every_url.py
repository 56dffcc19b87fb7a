"""Every URL of the URLconf, with NUL in each parameter, its query and its form: never a 5xx.

PostgreSQL refuses NUL in a string, so a lookup such as `Indicator.objects.get(code="\\x00")` is a 500 there
while SQLite answers 404; run this file with DATABASE_URL pointing at PostgreSQL too (CI does). The walk reads
the URLconf itself, so a URL added tomorrow is covered the day it is added.
"""

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

pytestmark = pytest.mark.django_db

NUL = "%00"


def _regex_to_path(regex, value):
    """A concrete path for a regex route: each top-level group becomes `value`, anchors dropped."""
    out, depth, i = [], 0, 0
    while i < len(regex):
        char = regex[i]
        if char == "\\" and i + 1 < len(regex):
            if depth == 0:
                out.append(regex[i + 1])
            i += 2
            continue
        if char == "(":
            if depth == 0:
                out.append(value)
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and char not in "^$":
            out.append(char)
        i += 1
    return "".join(out)


def _route_to_path(pattern, value):
    if isinstance(pattern, RegexPattern):
        return _regex_to_path(pattern._regex, value)
    # path() routes and the language prefix (str() of LocalePrefixPattern is "ja/").
    return re.sub(r"<[^>]+>", value, str(pattern))


def _walk(patterns, chain=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, (*chain, pattern.pattern))
        else:
            yield (*chain, pattern.pattern)


SLOT = "\x01"  # marks a parameter in a URL template; no route contains it


def every_url(value=SLOT):
    """Every URL pattern of the root URLconf (admin and i18n patterns included), parameters filled with `value`."""
    return sorted(
        {"/" + "".join(_route_to_path(part, value) for part in chain) for chain in _walk(get_resolver().url_patterns)}
    )


def probes(template):
    """The requests to send to one URL template: NUL in each parameter in turn (the others "1"), then NUL in the
    query string and in a form field of the URL with every parameter "1"."""
    pieces = template.split(SLOT)
    plain = "1".join(pieces)
    for k in range(1, len(pieces)):
        values = ["1"] * (len(pieces) - 1)
        values[k - 1] = "x" + NUL
        yield "get", pieces[0] + "".join(v + rest for v, rest in zip(values, pieces[1:], strict=True)), None
    yield "get", plain + "?q=" + NUL + "&page=" + NUL, None
    yield "post", plain, {"q": "\x00", "title": "a\x00b"}


def test_the_walk_reaches_admin_public_and_regex_routes():
    urls = every_url("P")
    assert len(urls) > 150
    assert "/ja/areas/P/indicators/P/" in urls
    assert "/admin/kpi/indicator/P/change/" in urls
    assert "/admin/kpi/indicator/P/history/P/" in urls  # simple_history's re_path
    assert "/admin/P/" in urls  # the app index's regex group
    assert list(probes("/ja/plans/" + SLOT + "/goals/" + SLOT + "/"))[:2] == [
        ("get", "/ja/plans/x%00/goals/1/", None),
        ("get", "/ja/plans/1/goals/x%00/", None),
    ]


def _assert_no_server_error(client):
    failures = []
    for template in every_url():
        for method, target, data in probes(template):
            response = getattr(client, method)(target, data)
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {target} → {response.status_code}")
    assert not failures, "\n".join(failures)


def test_no_url_answers_5xx_to_nul_anonymous():
    _assert_no_server_error(Client(raise_request_exception=False))


def test_no_url_answers_5xx_to_nul_superuser(django_user_model):
    user = django_user_model.objects.create_superuser("nul-admin", "nul@example.com", "pw-for-tests-only")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    _assert_no_server_error(client)

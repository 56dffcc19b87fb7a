"""The Content Security Policy: enforced on every page, satisfied by pages without inline scripts.

tests/browser/conftest.py records every `securitypolicyviolation` in the browser tests; these tests check the
header itself and that no template the pages render carries an inline script or event handler.
"""

import re
from pathlib import Path

import pytest
from django.template import engines
from django.template.loader import get_template
from django.template.utils import get_app_template_dirs

pytestmark = pytest.mark.django_db

PAGES = [
    "/ja/",
    "/en/",
    "/ja/areas/kumamoto/indicators/S1-G2-N1/",
    "/ja/areas/kumamoto/committee/",
    "/ja/accounts/login/",
    "/admin/login/",
]


def _policy(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_every_page_carries_the_enforced_policy(client, reference_data):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.has_header("Content-Security-Policy-Report-Only"), url
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"], url
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"], url
        assert policy["img-src"] == ["'self'", "data:", "blob:"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["base-uri"] == ["'self'"], url
        assert policy["form-action"] == ["'self'"], url
        assert policy["frame-ancestors"] == ["'self'"], url


def test_the_workspace_and_admin_carry_the_policy(client, django_user_model, reference_data):
    client.force_login(django_user_model.objects.create_superuser("chief", "chief@example.jp", "pw-for-tests-only"))
    for url in [
        "/ja/areas/kumamoto/workspace/",
        "/admin/",
        "/admin/kpi/observation/",
        "/admin/kpi/observation/import/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _policy(response)["script-src"] == ["'self'"], url


def test_the_embed_page_may_be_framed_anywhere(client, reference_data):
    response = client.get("/ja/areas/kumamoto/indicators/S1-G2-N1/embed/")

    assert _policy(response)["frame-ancestors"] == ["*"]
    assert _policy(response)["script-src"] == ["'self'"]
    assert not response.has_header("X-Frame-Options")


def test_other_pages_may_not_be_framed_by_other_sites(client, reference_data):
    response = client.get("/ja/areas/kumamoto/indicators/S1-G2-N1/")

    assert response["X-Frame-Options"] == "DENY"


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]{4,}\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def _template_names():
    """Every template name in the project's and the installed apps' template folders."""
    names = set()
    for directory in [*engines["django"].engine.dirs, *get_app_template_dirs("templates")]:
        for path in Path(directory).rglob("*.html"):
            names.add(path.relative_to(directory).as_posix())
    return sorted(names)


def test_no_template_in_use_holds_an_inline_script_or_handler():
    offenders = []
    for name in _template_names():
        if name.startswith("admin/import_export/"):
            continue  # django-import-export's admin mixins are not used: vision/admin_import.py has our own pages
        if name.startswith("django_rq/"):
            continue  # django-rq's dashboard is neither in the admin (RQ_SHOW_ADMIN_LINK) nor in the URLs
        if name.startswith(("rest_framework/", "django_filters/rest_framework/")):
            continue  # the browsable API (and its filter forms) is off: the API renders JSON only
        if name.startswith("drf_spectacular/"):
            # ReDoc is not routed; Swagger UI is the split view, whose page loads its setup as a file (the inline
            # branch of the template is never taken): tests/api/test_http.py checks the page as served.
            continue
        # The template a page gets: the project's override when there is one.
        source = get_template(name).template.source
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JAVASCRIPT_URL):
            offenders += [f"{name}: {match.group(0)[:80]}" for match in pattern.finditer(source)]
    assert not offenders, "\n".join(offenders)

import re

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.urls import get_resolver
from django.utils.cache import patch_cache_control

from vision import logs

PUBLIC_MAX_AGE = 300
# Under each language prefix: the committee workspace (also under each area) and the login pages (/ja/workspace/,
# /ja/areas/<area>/workspace/, /ja/accounts/).
PRIVATE = ("workspace", "accounts")


class PublicPageCacheMiddleware:
    """Let shared caches keep public pages for a few minutes.

    Only a plain GET answered 200 with no cookie set and no `Vary: Cookie` qualifies: such a page is the same
    for everyone, and the language is in its URL (/ja/, /en/), so a cache never serves one language for the
    other. Pages that set their own Cache-Control keep it; the admin never qualifies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not request.path.startswith("/admin/")
            and not response.cookies
            and "Cookie" not in response.get("Vary", "")
            and not response.has_header("Cache-Control")
        ):
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response


# C0 control characters. A path never carries one; a query string or form field may carry tab, line feed and
# carriage return (a textarea's line breaks) but none of the others. NUL matters most: PostgreSQL refuses it in a
# string, so it would turn a lookup into a 500 instead of a 404.
PATH_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
FIELD_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ControlCharacterMiddleware:
    """Answer 400 to a request with a control character in its path, query string, form fields or cookies.

    Placed before anything that reads the database, so no view, session or lookup ever sees such a value.
    Uploaded files are not form fields and are left to the import's own checks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if problem := _control_character_in(request):
            # Answered here rather than raised: Django logs the 400 as one warning line, not a traceback per probe.
            return _bad_request(request, problem)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Form fields are read here, once the view is known: a view that streams its own upload (the admin
        # import, with its size-capped handler) must read the body itself and checks its fields in its form.
        if getattr(view_func, "reads_its_own_body", False):
            return None
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            if _has_control_character(request.POST):
                return _bad_request(request, "Control character in a form field")
        return None


def _bad_request(request, problem):
    if request.path_info.startswith("/api/"):
        # The API answers in JSON, its errors included (its schema documents {"detail": …}).
        return JsonResponse({"detail": problem}, status=400)
    return get_resolver().resolve_error_handler(400)(request, exception=BadRequest(problem))


def _control_character_in(request):
    """Where the request carries a control character ("" when it carries none)."""
    if PATH_CONTROL_CHARACTERS.search(request.path_info):
        return "Control character in the URL path"
    if _has_control_character(request.GET):
        return "Control character in the query string"
    if _has_control_character(request.COOKIES):
        return "Control character in a cookie"
    return ""


def _has_control_character(data):
    items = data.lists() if hasattr(data, "lists") else ((key, [value]) for key, value in data.items())
    return any(
        FIELD_CONTROL_CHARACTERS.search(key) or any(FIELD_CONTROL_CHARACTERS.search(value) for value in values)
        for key, values in items
    )


class RequestIdMiddleware:
    """Give each request an id: the caller's `X-Request-ID` when it is a sane token, else a new one.

    The id is on every log line written while the request runs (vision.logs.RequestIdFilter) and in the
    response's `X-Request-ID`, so a user's report or a proxy's log leads to the matching lines.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = logs.request_id_from(request.headers.get("X-Request-ID", ""))
        request.request_id = request_id
        token = logs.current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            logs.current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class PrivatePageCacheMiddleware:
    """Keep the admin, the committee workspace and the login pages out of every cache, shared or the browser's.

    They show unpublished values, committee comments and CSRF tokens to one user: `Cache-Control: private,
    no-store` on every response under those paths, errors and redirects to the login page included.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = ("/admin/", *(f"/{code}/{area}/" for code, _name in settings.LANGUAGES for area in PRIVATE))
        # An area's workspace: /<lang>/areas/<area>/workspace/…
        self.area_workspace = re.compile(
            "^/({})/areas/[^/]+/workspace/".format("|".join(re.escape(code) for code, _name in settings.LANGUAGES))
        )

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(self.prefixes) or self.area_workspace.match(request.path_info):
            patch_cache_control(response, private=True, no_store=True)
        return response

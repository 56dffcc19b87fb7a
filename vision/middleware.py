import gzip
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.urls import get_resolver
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.regex_helper import _lazy_re_compile

from vision import dataversion, logs, release

# Under each language prefix: the committee workspace (also under each area) and the login pages (/ja/workspace/,
# /ja/areas/<area>/workspace/, /ja/accounts/).
PRIVATE = ("workspace", "accounts")


class PublicPageCacheMiddleware:
    """Serve public pages from the shared cache, keyed by their full URL and the release, at the public data version.

    It sits right after WhiteNoise, before sessions, locale, CSRF and auth, so a hit costs one round trip to the
    cache (the version and the page, read together) and none of the rest. The language and the area are in the URL;
    every change to the portal's data moves the version (vision.dataversion), and an entry is served only when it
    was rendered at the version of now, so a hit is never older than the data: an older entry is rendered again
    and replaced. The release (vision.release: RELEASE_ID, or a fingerprint of
    the installed code and templates) is in the key too, so new code never serves a page the old code rendered,
    whether or not its deploy ran `migrate`.

    Public pages never vary by cookie. A page is stored only when it was rendered for a request without a
    session cookie (or a pending message, or credentials) and the response is a plain 200 to GET with no cookie
    set, no `Vary: Cookie` and no Cache-Control of its own (the admin, the workspace, the login pages, /health/
    and downloads set theirs). A request carrying a session cookie is never served from the cache and never
    stores, so a signed-in user neither sees nor leaves a page meant for someone else.

    Browsers keep the page but revalidate it on every use (`Cache-Control: public, no-cache`) with an ETag made
    of the data version, the release and the page's digest: an unchanged page is a 304, a changed one arrives at once.

    A page is stored twice, as it is and gzip-compressed (compressed once, when it is stored), each under its own
    key, and a client that accepts gzip (every browser) reads and gets the compressed copy: a plan page of 147
    indicators is 210 KB of HTML and 12 KB on the wire, which matters on a phone. The copy has its own ETag. Only
    anonymous-safe pages are stored, so a compressed page holds no secret (no CSRF token, no session) for a
    BREACH-style attack to guess.
    """

    KEY_PREFIX = "page"

    def __init__(self, get_response):
        self.get_response = get_response
        self.bypass_cookies = (settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGE_COOKIE_NAME", "messages"))
        self.skip_prefixes = ("/admin/", "/health/", "/static/")
        release.current()  # the installed files' fingerprint is computed at startup, not on a visitor's request

    def __call__(self, request):
        if not self._may_use_cache(request):
            response = self.get_response(request)
            if self._is_public(request, response):
                patch_cache_control(response, public=True, no_cache=True)
            return response
        compressed = ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) is not None
        version, entry = dataversion.current_and_entry(self._key(request, compressed))
        if entry is not None and entry["version"] == version:
            return self._from_entry(request, entry, hit=True)
        response = self.get_response(request)
        if not self._is_public(request, response):
            return response
        if response.get("Content-Disposition", "").lower().startswith("attachment"):
            # a download (an XLSX written for the request) stays out of the page cache: megabytes a page would use
            patch_cache_control(response, public=True, no_cache=True)
            return response
        plain, zipped = self._entries(response, version)
        if request.method == "GET":
            entries = {self._key(request, False): plain, self._key(request, True): zipped}
            cache.set_many(entries, timeout=settings.PAGE_CACHE_SECONDS)
        return self._from_entry(request, zipped if compressed else plain, hit=False)

    def _may_use_cache(self, request):
        if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
            return False
        if request.path.startswith(self.skip_prefixes) or "HTTP_AUTHORIZATION" in request.META:
            return False
        return not any(name in request.COOKIES for name in self.bypass_cookies)

    def _is_public(self, request, response):
        return (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.streaming
            and not request.path.startswith(self.skip_prefixes)
            and not response.cookies
            and "cookie" not in response.get("Vary", "").lower()
            and not response.has_header("Cache-Control")
        )

    def _key(self, request, compressed=False):
        # The full URL: scheme, host (canonical links use it without PORTAL_ORIGIN), path and query string. The two
        # copies of a page have a key each, so a hit reads only the copy it sends.
        url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        copy = "gzip" if compressed else "identity"
        return f"{self.KEY_PREFIX}:{release.current()}:{copy}:{hashlib.sha256(url.encode()).hexdigest()}"

    @staticmethod
    def _entries(response, version):
        """The page as sent to a client that does not accept gzip, and as sent to one that does (the same entry when
        the page is too small to compress)."""
        content = response.content
        digest = hashlib.sha256(content).hexdigest()[:16]
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in ("etag", "cache-control", "content-length")
        ]
        etag = f'"{version}-{release.current()}-{digest}"'
        varies = (
            len(content) >= GZIP_MIN_BYTES
            and not response.has_header("Content-Encoding")
            and COMPRESSIBLE.match(response.get("Content-Type", "")) is not None
        )
        plain = {"version": version, "etag": etag, "headers": headers, "content": content, "gzip": False}
        plain["varies"] = varies
        if not varies:
            return plain, plain
        zipped = {
            **plain,
            "etag": etag[:-1] + '-gzip"',
            # mtime=0: the same page compresses to the same bytes on every server.
            "content": gzip.compress(content, compresslevel=6, mtime=0),
            "gzip": True,
        }
        return plain, zipped

    @staticmethod
    def _from_entry(request, entry, *, hit):
        if etag_matches(request.headers.get("If-None-Match", ""), entry["etag"]):
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(entry["content"])
            for name, value in entry["headers"]:
                response[name] = value
            response["Content-Length"] = str(len(entry["content"]))
            if entry["gzip"]:
                response["Content-Encoding"] = "gzip"
        if entry["varies"]:
            patch_vary_headers(response, ("Accept-Encoding",))
        response["ETag"] = entry["etag"]
        patch_cache_control(response, public=True, no_cache=True)
        response["X-Page-Cache"] = "hit" if hit else "miss"
        return response


# As django.middleware.gzip: below this, compressing does not pay.
GZIP_MIN_BYTES = 200
# gzip named in Accept-Encoding, unless refused with q=0
ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b(?!\s*;\s*q\s*=\s*0(\.0*)?\s*(,|$))", re.IGNORECASE)
# Text compresses; a PNG or a zip (XLSX) does not.
COMPRESSIBLE = _lazy_re_compile(r"(text/|application/(json|javascript|xml)|image/svg\+xml)", re.IGNORECASE)


def etag_matches(if_none_match, etag):
    """Whether an If-None-Match header names `etag` (weak comparison, RFC 9110 13.1.2) or is `*` (the page cache and
    the API both revalidate with it)."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags


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

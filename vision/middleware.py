from django.conf import settings
from django.utils.cache import patch_cache_control

PUBLIC_MAX_AGE = 300
# Under each language prefix: the committee workspace and the login pages (/ja/workspace/, /ja/accounts/).
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


class PrivatePageCacheMiddleware:
    """Keep the admin, the committee workspace and the login pages out of every cache, shared or the browser's.

    They show unpublished values, committee comments and CSRF tokens to one user: `Cache-Control: private,
    no-store` on every response under those paths, errors and redirects to the login page included.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = ("/admin/", *(f"/{code}/{area}/" for code, _name in settings.LANGUAGES for area in PRIVATE))

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(self.prefixes):
            patch_cache_control(response, private=True, no_store=True)
        return response

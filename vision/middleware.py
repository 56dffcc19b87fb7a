from django.utils.cache import patch_cache_control

PUBLIC_MAX_AGE = 300


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

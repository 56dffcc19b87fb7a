"""Absolute URLs the portal hands out (embed snippets, canonical links), on its canonical origin."""

from django.conf import settings
from django.utils.encoding import iri_to_uri


def absolute_url(request, location: str) -> str:
    """`location` (a path such as /ja/areas/kumamoto/) as an absolute URL: on PORTAL_ORIGIN when it is set, so a
    snippet copied from a page reached through an internal host name or a load balancer's address still points
    at the public site; else on the request's own scheme and host (which ALLOWED_HOSTS has vetted)."""
    if settings.PORTAL_ORIGIN:
        return settings.PORTAL_ORIGIN + iri_to_uri(location)
    return request.build_absolute_uri(location)

"""Throttling of anonymous callers by their real address (read as django-axes reads it: CLIENT_IP_HEADER and
TRUSTED_PROXY_COUNT in the settings), so a client behind the portal's proxies cannot dodge it with a forged header."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from vision import roles


class AnonymousAddressThrottle(SimpleRateThrottle):
    """settings.API_ANONYMOUS_RATE requests per address (e.g. 600/minute); signed-in staff are not throttled."""

    scope = "anonymous"

    def get_rate(self):
        return settings.API_ANONYMOUS_RATE

    def get_cache_key(self, request, view):
        if roles.is_signed_in(request.user):
            return None
        return self.cache_format % {"scope": self.scope, "ident": get_client_ip_address(request) or "unknown"}

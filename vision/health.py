"""/health/: whether this app server can serve, for a load balancer or a monitor.

200 when every check passes, 503 (the server cannot serve now; try another) naming the check that failed. JSON by
default (`{"database": "OK", "redis": "OK", "cache": "OK"}`, a failed check's entry saying why), plain text with
`?format=text` or `Accept: text/plain`. The checks: the database always; with REDIS_URL
also Redis itself (the job queue) and the cache on it. Never cached, no session, no login.
"""

import asyncio

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from health_check.checks import Cache, Database
from health_check.contrib.redis import Redis
from health_check.views import HealthCheckView


def _redis_client():
    from redis.asyncio import Redis as RedisClient

    timeout = settings.REDIS_TIMEOUT
    return RedisClient.from_url(settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout)


def checks():
    """The checks for this configuration."""
    found = [Database()]
    if settings.REDIS_URL:
        found += [Redis(client_factory=_redis_client), Cache()]
    return found


class HealthView(HealthCheckView):
    """django-health-check's view with the portal's checks, answering 503 (not 500) when one fails."""

    def get_checks(self):
        yield from checks()

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        report = {type(result.check).__name__.lower(): str(result.error or "OK") for result in results}
        status = 503 if any(result.error for result in results) else 200
        if request.GET.get("format") == "text" or request.headers.get("Accept", "").startswith("text/plain"):
            text = "".join(f"{name}: {outcome}\n" for name, outcome in report.items())
            response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
        else:
            response = JsonResponse(report, status=status, json_dumps_params={"ensure_ascii": False})
        # Each failed check is logged once as a warning (logger health_check); a 503 here is not also an error
        # mailed to ADMINS on every probe of the load balancer.
        response._has_been_logged = True
        return response

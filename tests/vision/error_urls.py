"""The portal's URLconf plus views that fail on purpose, for tests/vision/test_error_pages.py."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.db import InterfaceError, OperationalError
from django.urls import path

from kumamoto_portal.urls import handler500
from kumamoto_portal.urls import urlpatterns as portal_urlpatterns


def database_down(request):
    raise OperationalError("could not connect to server: Connection refused")


def connection_closed(request):
    raise InterfaceError("connection already closed")


def broken(request):
    raise ZeroDivisionError("a bug in a view")


def forbidden(request):
    raise PermissionDenied


def bad(request):
    raise BadRequest("a malformed request")


urlpatterns = [
    path("broken/database/", database_down),
    path("broken/connection/", connection_closed),
    path("broken/view/", broken),
    path("broken/forbidden/", forbidden),
    path("broken/request/", bad),
    *portal_urlpatterns,
]

__all__ = ["handler500", "urlpatterns"]

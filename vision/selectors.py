"""Reads of areas and municipalities that pages share."""

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import MetroArea, Municipality


def primary_area():
    """The area this portal runs: the one whose members are registered (Kumamoto in the reference data)."""
    area = MetroArea.objects.filter(members__is_central_city=True).order_by("pk").first()
    if area is None:
        raise Http404("no area with members")
    return area


def url_area(request):
    """The area named in the URL path (`/ja/areas/<area_slug>/...`), else the install's default area (settings).

    Looked up once per request; an unknown slug in the path is a 404.
    """
    if not hasattr(request, "_url_area"):
        match = getattr(request, "resolver_match", None)
        slug = (match.kwargs.get("area_slug") if match else None) or settings.DEFAULT_AREA
        request._url_area = get_object_or_404(MetroArea, slug=slug)
    return request._url_area


def member_summary(area):
    """Counts of members by kind and their known population, in one query."""
    return area.members.aggregate(
        total=Count("pk"),
        cities=Count("pk", filter=Q(kind=Municipality.Kind.CITY)),
        towns=Count("pk", filter=Q(kind=Municipality.Kind.TOWN)),
        villages=Count("pk", filter=Q(kind=Municipality.Kind.VILLAGE)),
        population_total=Sum("population"),
        population_known=Count("population"),
    )

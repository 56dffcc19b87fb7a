"""Reads of areas and municipalities that pages share."""

import threading

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db.models import Count, Q, Sum
from django.db.models.signals import post_delete, post_save
from django.shortcuts import get_object_or_404

from .models import MetroArea, Municipality


def url_area(request):
    """The area named in the URL path (`/ja/areas/<area_slug>/...`), else the install's default area (settings).

    Looked up once per request; an unknown slug in the path is a 404.
    """
    if not hasattr(request, "_url_area"):
        match = getattr(request, "resolver_match", None)
        slug = (match.kwargs.get("area_slug") if match else None) or settings.DEFAULT_AREA
        request._url_area = get_object_or_404(MetroArea, slug=slug)
        _slugs.__dict__.setdefault("by_id", {})[request._url_area.pk] = slug  # links to this area need no query
    return request._url_area


def member_summary(area):
    """Counts of current members by kind and their known population, in one query."""
    return area.memberships.current().aggregate(
        total=Count("pk"),
        cities=Count("pk", filter=Q(municipality__kind=Municipality.Kind.CITY)),
        towns=Count("pk", filter=Q(municipality__kind=Municipality.Kind.TOWN)),
        villages=Count("pk", filter=Q(municipality__kind=Municipality.Kind.VILLAGE)),
        population_total=Sum("municipality__population"),
        population_known=Count("municipality__population"),
    )


# Area slugs for get_absolute_url(): one query per area and request, not one per linked object (a page links
# dozens of plans, indicators, municipalities and agreements of the same area). Forgotten at each request's start
# and end and whenever an area is saved or deleted, so a renamed slug is never served stale.
_slugs = threading.local()


def area_slug(area_id):
    cache = _slugs.__dict__.setdefault("by_id", {})
    if area_id not in cache:
        cache[area_id] = MetroArea.objects.values_list("slug", flat=True).get(pk=area_id)
    return cache[area_id]


def forget_area_slugs(**kwargs):
    _slugs.__dict__.pop("by_id", None)


request_started.connect(forget_area_slugs, dispatch_uid="vision.selectors.forget_area_slugs.start")
request_finished.connect(forget_area_slugs, dispatch_uid="vision.selectors.forget_area_slugs.finish")
post_save.connect(forget_area_slugs, sender=MetroArea, dispatch_uid="vision.selectors.forget_area_slugs.save")
post_delete.connect(forget_area_slugs, sender=MetroArea, dispatch_uid="vision.selectors.forget_area_slugs.delete")

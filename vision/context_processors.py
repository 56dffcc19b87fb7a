from django.http import Http404
from django.utils.functional import SimpleLazyObject

from .selectors import url_area


def _area_or_none(request):
    try:
        return url_area(request)
    except Http404:  # a 404 page for an unknown area slug still renders, without the area's navigation
        return None


def _has_committee(request):
    area = _area_or_none(request)
    return area is not None and area.committees.exists()


def current_area(request):
    """`current_area`: the area of the URL (or the default area), and whether it has a verification committee
    registered (`current_area_has_committee`), each looked up only when a template uses it."""
    return {
        "current_area": SimpleLazyObject(lambda: _area_or_none(request)),
        "current_area_has_committee": SimpleLazyObject(lambda: _has_committee(request)),
    }

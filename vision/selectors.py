"""Reads of areas and municipalities that pages share."""

from django.db.models import Count, Q, Sum
from django.http import Http404

from .models import MetroArea, Municipality


def primary_area():
    """The area this portal runs: the one whose members are registered (Kumamoto in the reference data)."""
    area = MetroArea.objects.filter(members__is_central_city=True).order_by("pk").first()
    if area is None:
        raise Http404("no area with members")
    return area


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

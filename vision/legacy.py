"""Today's area-less URLs (before issue 12) as permanent redirects to their place under /<lang>/areas/<area>/.

Links and embeds already shared keep working: each object's area comes from the data (Plan.area,
Indicator.plan.area, a municipality's membership, Agreement.area, Committee.plan.area); pages without an object
go to the default area (settings.DEFAULT_AREA). The query string is kept.
"""

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from agreements.models import Agreement
from committee.models import Committee, Meeting
from kpi.models import Indicator

from .models import AreaMembership, Plan


def _moved(request, name, area_slug, **kwargs):
    url = reverse(name, kwargs={"area_slug": area_slug, **kwargs})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def to_default_area(name):
    """A page with no object of its own (matrix, search, open data, policy areas): the default area's."""

    def view(request, **kwargs):
        return _moved(request, name, settings.DEFAULT_AREA, **kwargs)

    return view


def plan(request, slug, **rest):
    found = get_object_or_404(Plan.objects.select_related("area"), slug=slug)
    name = "kpi:goal_detail" if "code" in rest else "kpi:plan_detail"
    kwargs = {"plan_slug": slug, **rest} if "code" in rest else {"slug": slug}
    return _moved(request, name, found.area.slug, **kwargs)


def indicator(name):
    def view(request, code):
        found = get_object_or_404(Indicator.objects.select_related("plan__area"), code=code)
        return _moved(request, name, found.plan.area.slug, code=code)

    return view


def municipality(request, lg_code):
    """Today's URLs served one area: the municipality's page in the default area if it is a member, else in its
    first area (central city first)."""
    memberships = AreaMembership.objects.filter(municipality__lg_code=lg_code).select_related("area")
    membership = memberships.filter(area__slug=settings.DEFAULT_AREA).first() or memberships.in_member_order().first()
    if membership is None:
        raise Http404
    return _moved(request, "agreements:municipality_detail", membership.area.slug, lg_code=lg_code)


def agreement(name):
    def view(request, pk):
        found = get_object_or_404(Agreement.objects.public().select_related("area"), pk=pk)
        return _moved(request, name, found.area.slug, pk=pk)

    return view


def committee(name):
    """The committee's pages; a meeting names its committee, the others go to the first committee's area."""

    def view(request, **kwargs):
        if "pk" in kwargs:
            found = get_object_or_404(Meeting.objects.select_related("committee__plan__area"), pk=kwargs["pk"])
            area_slug = found.committee.plan.area.slug
        else:
            first = Committee.objects.select_related("plan__area").order_by("pk").first()
            area_slug = first.plan.area.slug if first else settings.DEFAULT_AREA
        return _moved(request, name, area_slug, **kwargs)

    return view

"""Today's area-less URLs (before issue 12) as permanent redirects to their place under /<lang>/areas/<area>/.

Links and embeds already shared keep working: each object's area comes from the data (Plan.area,
Indicator.area, a municipality's membership, Agreement.area, Committee.area); pages without an object go to the
default area (settings.DEFAULT_AREA). Plan slugs and indicator codes are unique per area only: when an old
URL's slug or code now exists in several areas, the default area's object is the one it meant (the old site
had only that area). The query string is kept.
"""

from django.conf import settings
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from agreements.models import Agreement
from committee.models import Committee, Meeting
from kpi.models import Indicator

from . import roles
from .models import AreaMembership, MetroArea, Plan


def _with_query(request, url):
    """`url` with the request's query string kept."""
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


def _moved(request, name, area_slug, **kwargs):
    return HttpResponsePermanentRedirect(_with_query(request, reverse(name, kwargs={"area_slug": area_slug, **kwargs})))


def to_default_area(name):
    """A page with no object of its own (matrix, search, open data, policy areas): the default area's."""

    def view(request, **kwargs):
        return _moved(request, name, settings.DEFAULT_AREA, **kwargs)

    return view


def _default_area_first(queryset, area_path):
    """The one object of `queryset`, the default area's when there are several; 404 when there is none."""
    found = (
        queryset.annotate(
            _not_default=Case(
                When(**{f"{area_path}__slug": settings.DEFAULT_AREA}, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("_not_default", "pk")
        .first()
    )
    if found is None:
        raise Http404
    return found


def plan(request, slug, **rest):
    found = _default_area_first(Plan.objects.select_related("area").filter(slug=slug), "area")
    name = "kpi:goal_detail" if "code" in rest else "kpi:plan_detail"
    kwargs = {"plan_slug": slug, **rest} if "code" in rest else {"slug": slug}
    return _moved(request, name, found.area.slug, **kwargs)


def indicator(name):
    def view(request, code):
        found = _default_area_first(Indicator.objects.select_related("area").filter(code=code), "area")
        return _moved(request, name, found.area.slug, code=code)

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
    """The committee's pages; a meeting names its committee, the others go to the default area's committee (else the
    first committee's area)."""

    def view(request, **kwargs):
        if "pk" in kwargs:
            found = get_object_or_404(Meeting.objects.select_related("committee__area"), pk=kwargs["pk"])
            area_slug = found.committee.area.slug
        else:
            try:
                area_slug = _default_area_first(Committee.objects.select_related("area"), "area").area.slug
            except Http404:
                area_slug = settings.DEFAULT_AREA
        return _moved(request, name, area_slug, **kwargs)

    return view


def workspace(request, rest=""):
    """The workspace of the user's area: for a committee member, their committee's; for an editor, the first area
    with a committee that a municipality of one of their departments is a member of; otherwise the default area.
    Staff with no workspace of their own (an editor of an area without a committee) go to the admin instead of a
    403. Temporary (302): it depends on the user."""
    with_committee = Committee.objects.values("area")
    area_slug = settings.DEFAULT_AREA
    if request.user.is_authenticated and not roles.is_administrator(request.user):
        mine = (
            request.user.committee_memberships.order_by("committee__area__slug")
            .values_list("committee__area__slug", flat=True)
            .first()
        ) or (
            AreaMembership.objects.filter(municipality__departments__staff=request.user, area__in=with_committee)
            .order_by("area__slug")
            .values_list("area__slug", flat=True)
            .first()
        )
        area_slug = mine or area_slug
        area = MetroArea.objects.filter(slug=area_slug).first()
        if request.user.is_staff and (area is None or not roles.can_use_workspace(request.user, area)):
            return HttpResponseRedirect(reverse("admin:index"))  # no committee's area is theirs: staff work there
    return HttpResponseRedirect(
        _with_query(request, reverse("committee:dashboard", kwargs={"area_slug": area_slug}) + rest)
    )

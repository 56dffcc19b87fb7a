import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.generic import DetailView, ListView

from . import logs
from .models import AreaMembership, MetroArea
from .selectors import member_summary


class AreaDetailView(DetailView):
    template_name = "vision/area_detail.html"
    context_object_name = "area"
    slug_url_kwarg = "area_slug"

    def get_queryset(self):
        return MetroArea.objects.with_members()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = member_summary(self.object)
        memberships = self.object.current_memberships
        sources = {m.source for m in memberships} | {m.municipality.population_source for m in memberships}
        context["sources"] = sorted(sources - {""})
        context["population_unknown"] = [m.municipality.name for m in memberships if m.municipality.population is None]
        context["other_areas"] = MetroArea.objects.exclude(pk=self.object.pk)
        return context


class AreaListView(ListView):
    template_name = "vision/area_list.html"
    context_object_name = "areas"
    queryset = MetroArea.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__in=AreaMembership.objects.current()))
    )


# How long a client should wait before retrying when the database is unreachable.
RETRY_AFTER_SECONDS = 60


def server_error(request):
    """handler500: the 500 page, or the 503 page with Retry-After when the database is unreachable.

    Django calls it while handling the exception, so sys.exc_info() names the cause (and Django logs it with
    its traceback). Both pages are rendered without the request's context processors and read nothing from
    the database, so they render when the database is the problem.
    """
    context = {"request_id": logs.current_request_id.get()}
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html", context), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.render_to_string("500.html", context))


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers once a username has failed too often from an address (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request, "registration/locked_out.html", {"minutes": minutes}, status=settings.AXES_HTTP_RESPONSE_CODE
    )

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.generic import DetailView, ListView, TemplateView

from . import logs
from .models import AreaMembership, MetroArea, Passage
from .selectors import member_summary, url_area


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


# The context pages, in the order the index lists them; a goal's passages are shown on the goal's own page.
CONTEXT_TOPICS = (Passage.Topic.AREA, Passage.Topic.STRATEGY, Passage.Topic.PRIORITIES, Passage.Topic.SCHEME)


class ContextIndexView(TemplateView):
    """The context pages of an area: what the source documents say around the plans and KPIs."""

    template_name = "vision/context_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = url_area(self.request)
        present = set(Passage.objects.filter(area=area).values_list("topic", flat=True).distinct())
        context["topics"] = [
            (topic, Passage.Topic(topic).label, _documents(area, topic)) for topic in CONTEXT_TOPICS if topic in present
        ]
        return context


def _documents(area, topic):
    return list(Passage.objects.on_topic(area, topic).values_list("document", flat=True).distinct().order_by())


class ContextView(TemplateView):
    """One context page: passages of the sources, exactly as printed, each cited by document and section."""

    template_name = "vision/context.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topic = kwargs["topic"]
        if topic not in CONTEXT_TOPICS:
            raise Http404(topic)
        passages = list(Passage.objects.on_topic(url_area(self.request), topic))
        if not passages:
            raise Http404(topic)
        sections = {}
        for passage in passages:
            sections.setdefault((passage.document, passage.section), []).append(passage)
        context.update(topic=topic, title=Passage.Topic(topic).label, sections=sections.items())
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

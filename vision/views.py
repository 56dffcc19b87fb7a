from django.conf import settings
from django.db.models import Count
from django.shortcuts import render
from django.views.generic import DetailView, ListView

from .models import MetroArea
from .selectors import member_summary


class AreaDetailView(DetailView):
    template_name = "vision/area_detail.html"
    context_object_name = "area"

    def get_queryset(self):
        return MetroArea.objects.with_members()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = member_summary(self.object)
        context["other_areas"] = MetroArea.objects.exclude(pk=self.object.pk)
        return context


class AreaListView(ListView):
    template_name = "vision/area_list.html"
    context_object_name = "areas"
    queryset = MetroArea.objects.annotate(member_count=Count("members"))


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers once a username has failed too often from an address (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request, "registration/locked_out.html", {"minutes": minutes}, status=settings.AXES_HTTP_RESPONSE_CODE
    )

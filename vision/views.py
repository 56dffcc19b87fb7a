from django.db.models import Count
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

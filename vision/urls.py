from django.urls import path

from . import views

app_name = "vision"

urlpatterns = [
    path("areas/", views.AreaListView.as_view(), name="area_list"),
    path("areas/<slug:area_slug>/members/", views.AreaDetailView.as_view(), name="area_detail"),
    path("areas/<slug:area_slug>/about/", views.ContextIndexView.as_view(), name="context_index"),
    path("areas/<slug:area_slug>/about/<slug:topic>/", views.ContextView.as_view(), name="context"),
]

from django.urls import path

from . import views

app_name = "vision"

urlpatterns = [
    path("areas/", views.AreaListView.as_view(), name="area_list"),
    path("areas/<slug:area_slug>/members/", views.AreaDetailView.as_view(), name="area_detail"),
]

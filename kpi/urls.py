from django.urls import path

from . import views

app_name = "kpi"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("plans/<slug:slug>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<slug:plan_slug>/goals/<str:code>/", views.GoalDetailView.as_view(), name="goal_detail"),
    path("indicators/<str:code>/", views.IndicatorDetailView.as_view(), name="indicator_detail"),
    path("indicators/<str:code>/embed/", views.IndicatorEmbedView.as_view(), name="indicator_embed"),
    path("indicators/<str:code>/data.csv", views.indicator_download, {"format": "csv"}, name="indicator_csv"),
    path("indicators/<str:code>/data.json", views.indicator_download, {"format": "json"}, name="indicator_json"),
    path("open-data/", views.OpenDataView.as_view(), name="open_data"),
    path("open-data/progress/", views.ProgressMethodView.as_view(), name="progress_method"),
    path("open-data/observations.csv", views.observations_download, {"format": "csv"}, name="observations_csv"),
    path(
        "open-data/observations-sjis.csv",
        views.observations_download,
        {"format": "csv-sjis"},
        name="observations_csv_sjis",
    ),
    path("open-data/observations.json", views.observations_download, {"format": "json"}, name="observations_json"),
    path("open-data/observations.xlsx", views.observations_download, {"format": "xlsx"}, name="observations_xlsx"),
    path("search/", views.SearchView.as_view(), name="search"),
]

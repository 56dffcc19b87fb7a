from django.urls import path

from . import views

app_name = "kpi"

AREA = "areas/<slug:area_slug>/"

urlpatterns = [
    # /ja/ itself: the default area's home (settings.DEFAULT_AREA), or a chooser when several areas have members.
    path("", views.HomeView.as_view(), name="home"),
    path(AREA, views.HomeView.as_view(), name="area_home"),
    path(AREA + "plans/<slug:slug>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path(AREA + "plans/<slug:plan_slug>/goals/<str:code>/", views.GoalDetailView.as_view(), name="goal_detail"),
    path(AREA + "indicators/<str:code>/", views.IndicatorDetailView.as_view(), name="indicator_detail"),
    path(AREA + "indicators/<str:code>/embed/", views.IndicatorEmbedView.as_view(), name="indicator_embed"),
    path(AREA + "indicators/<str:code>/chart.png", views.indicator_chart_png, name="indicator_png"),
    path(AREA + "indicators/<str:code>/data.csv", views.indicator_download, {"format": "csv"}, name="indicator_csv"),
    path(AREA + "indicators/<str:code>/data.json", views.indicator_download, {"format": "json"}, name="indicator_json"),
    path(AREA + "open-data/", views.OpenDataView.as_view(), name="open_data"),
    path(AREA + "open-data/observations.csv", views.observations_download, {"format": "csv"}, name="area_csv"),
    path(
        AREA + "open-data/observations-sjis.csv",
        views.observations_download,
        {"format": "csv-sjis"},
        name="area_csv_sjis",
    ),
    path(AREA + "open-data/observations.json", views.observations_download, {"format": "json"}, name="area_json"),
    path(AREA + "open-data/observations.xlsx", views.observations_download, {"format": "xlsx"}, name="area_xlsx"),
    path(AREA + "search/", views.SearchView.as_view(), name="search"),
    # The same for every area: how progress is judged, and the whole install's open data (all areas).
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
]

from django.urls import path

from . import views

app_name = "kpi"

urlpatterns = [
    path("open-data/observations.csv", views.observations_download, {"format": "csv"}, name="observations_csv"),
    path(
        "open-data/observations-sjis.csv",
        views.observations_download,
        {"format": "csv-sjis"},
        name="observations_csv_sjis",
    ),
    path("open-data/observations.json", views.observations_download, {"format": "json"}, name="observations_json"),
]

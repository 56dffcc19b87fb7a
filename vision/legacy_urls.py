from django.urls import path

from . import legacy

app_name = "legacy"

urlpatterns = [
    path("plans/<slug:slug>/", legacy.plan),
    path("plans/<slug:slug>/goals/<str:code>/", legacy.plan),
    path("indicators/<str:code>/", legacy.indicator("kpi:indicator_detail")),
    path("indicators/<str:code>/embed/", legacy.indicator("kpi:indicator_embed")),
    path("indicators/<str:code>/data.csv", legacy.indicator("kpi:indicator_csv")),
    path("indicators/<str:code>/data.json", legacy.indicator("kpi:indicator_json")),
    path("open-data/", legacy.to_default_area("kpi:open_data")),
    path("search/", legacy.to_default_area("kpi:search")),
    path("matrix/", legacy.to_default_area("agreements:matrix")),
    path("policy-areas/<str:code>/", legacy.to_default_area("agreements:policy_area_detail")),
    path("municipalities/<str:lg_code>/", legacy.municipality),
    path("agreements/<int:pk>/", legacy.agreement("agreements:agreement_detail")),
    path("agreements/<int:pk>/compare/", legacy.agreement("agreements:agreement_compare")),
    path("committee/", legacy.committee("committee:public")),
    path("committee/meetings/<int:pk>/", legacy.committee("committee:meeting")),
    path("committee/reviews/<int:year>/", legacy.committee("committee:public_review")),
    # The workspace before it moved under its area (and the link in every page's footer, the page after login).
    path("workspace/", legacy.workspace, name="workspace"),
    path("workspace/<path:rest>", legacy.workspace),
]

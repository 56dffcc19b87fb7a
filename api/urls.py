from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

# The endpoints are the router's registry: tests walk it (and the schema), so a new endpoint is covered at once.
router = SimpleRouter()
router.register("areas", views.AreaViewSet, basename="area")
router.register("municipalities", views.MunicipalityViewSet, basename="municipality")
router.register("policy-areas", views.PolicyAreaViewSet, basename="policy-area")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("goals", views.GoalViewSet, basename="goal")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("series-values", views.SeriesValueViewSet, basename="series-value")
router.register("judgements", views.JudgementViewSet, basename="judgement")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    *router.urls,
]

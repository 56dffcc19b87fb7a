from django.urls import path

from . import views

app_name = "agreements"

AREA = "areas/<slug:area_slug>/"

urlpatterns = [
    path(AREA + "agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path(AREA + "agreements/<int:pk>/compare/", views.AgreementCompareView.as_view(), name="agreement_compare"),
    path(AREA + "municipalities/<str:lg_code>/", views.MunicipalityDetailView.as_view(), name="municipality_detail"),
    path(AREA + "matrix/", views.MatrixView.as_view(), name="matrix"),
    path(AREA + "policy-areas/<str:code>/", views.PolicyAreaDetailView.as_view(), name="policy_area_detail"),
]

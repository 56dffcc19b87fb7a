from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path("agreements/<int:pk>/compare/", views.AgreementCompareView.as_view(), name="agreement_compare"),
    path("municipalities/<str:lg_code>/", views.MunicipalityDetailView.as_view(), name="municipality_detail"),
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("policy-areas/<str:code>/", views.PolicyAreaDetailView.as_view(), name="policy_area_detail"),
]

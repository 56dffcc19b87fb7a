from django.urls import path

from . import views

app_name = "committee"

# The workspace of one area's committee; /<lang>/workspace/… (before areas were in the path) redirects here.
WORKSPACE = "areas/<slug:area_slug>/workspace/"

urlpatterns = [
    path("areas/<slug:area_slug>/committee/", views.CommitteePublicView.as_view(), name="public"),
    path("areas/<slug:area_slug>/committee/meetings/<int:pk>/", views.MeetingPublicView.as_view(), name="meeting"),
    path(
        "areas/<slug:area_slug>/committee/reviews/<int:year>/", views.ReviewPublicView.as_view(), name="public_review"
    ),
    path(WORKSPACE + "", views.DashboardView.as_view(), name="dashboard"),
    path(WORKSPACE + "indicators/<str:code>/", views.IndicatorWorkspaceView.as_view(), name="indicator"),
    path(WORKSPACE + "reviews/<int:year>/", views.ReviewView.as_view(), name="review"),
    path(WORKSPACE + "reviews/<int:year>/sheets/<str:code>/", views.PolicySheetView.as_view(), name="sheet"),
    path(WORKSPACE + "reviews/<int:year>/print/", views.PrintSheetsView.as_view(), name="print"),
    path(
        WORKSPACE + "reviews/<int:year>/sheets/<str:code>/print/", views.PrintSheetsView.as_view(), name="sheet_print"
    ),
    path(WORKSPACE + "reviews/<int:year>/sheets.xlsx", views._workspace_export(views.sheets_xlsx), name="sheets_xlsx"),
    path(
        WORKSPACE + "reviews/<int:year>/sheets/<str:code>/sheet.xlsx",
        views._workspace_export(views.sheets_xlsx),
        name="sheet_xlsx",
    ),
    path(WORKSPACE + "reviews/<int:year>/sheets.pdf", views._workspace_export(views.sheets_pdf), name="sheets_pdf"),
    path(WORKSPACE + "reviews/<int:year>/sheets-pdf/", views.SheetsPdfJobView.as_view(), name="sheets_pdf_job"),
    path(
        WORKSPACE + "reviews/<int:year>/sheets-pdf/download/",
        views.SheetsPdfDownloadView.as_view(),
        name="sheets_pdf_job_download",
    ),
    path(
        WORKSPACE + "reviews/<int:year>/sheets/<str:code>/sheet.pdf",
        views._workspace_export(views.sheets_pdf),
        name="sheet_pdf",
    ),
    path(WORKSPACE + "reviews/<int:year>/status.xlsx", views._workspace_export(views.status_xlsx), name="status_xlsx"),
    path(WORKSPACE + "editions/", views.EditionListView.as_view(), name="editions"),
    path(WORKSPACE + "editions/<int:year>/now/", views.EditionCurrentCompareView.as_view(), name="edition_now"),
]

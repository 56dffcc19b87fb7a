from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from vision.health import HealthView

admin.site.site_header = "熊本連携中枢都市圏ポータル 管理"
admin.site.site_title = "熊本連携中枢都市圏ポータル"
admin.site.index_title = "データの管理"

# 400, 403 and 404 are Django's own views with the portal's templates; 500 also answers a database outage.
handler500 = "vision.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    # For load balancers and monitors: outside the language prefix, no login (README: 本番運用).
    path("health/", HealthView.as_view(), name="health"),
    # The public read API (README: API): outside the language prefix, its answers are the same in every language.
    path("api/v1/", include("api.urls")),
    # The language is always in the URL, so a shared cache never mixes Japanese and English pages.
    path("", RedirectView.as_view(url="/ja/", permanent=False)),
]

urlpatterns += i18n_patterns(
    path("", include("vision.urls")),
    path("", include("agreements.urls")),
    path("", include("kpi.urls")),
    path("", include("committee.urls")),
    # Today's area-less URLs, kept as permanent redirects to their place under /areas/<area>/ (issue 12).
    path("", include("vision.legacy_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    prefix_default_language=True,
)

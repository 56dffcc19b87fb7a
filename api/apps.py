from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as _StaticFilesConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"


class StaticFilesConfig(_StaticFilesConfig):
    """collectstatic without what the portal never serves: ReDoc (Swagger UI is the API's docs page) and the browsable
    API's assets (the API answers JSON only). Compressing them would slow every deploy and test run."""

    ignore_patterns = [*_StaticFilesConfig.ignore_patterns, "drf_spectacular_sidecar/redoc/*", "rest_framework"]

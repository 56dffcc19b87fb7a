from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "vision"
    verbose_name = _("圏域・計画")

    def ready(self):
        # django.contrib.admin is first in INSTALLED_APPS, so every admin module has registered by now.
        from django.contrib import admin

        from .scoped import scope_every_admin

        scope_every_admin(admin.site)

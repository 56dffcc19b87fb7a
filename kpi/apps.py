from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender, **kwargs):
    from vision.roles import ensure_roles

    ensure_roles(app_labels={"auth", "axes", "vision", "agreements", "kpi"})


class KpiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kpi"
    verbose_name = _("指標（KPI）")

    def ready(self):
        # The staff roles (kpi/roles.py) are groups in the database; after every migrate — including the test
        # database's — they are made to match the code. vision and agreements migrate before kpi.
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="kpi.ensure_roles")

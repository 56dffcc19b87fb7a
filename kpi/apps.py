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

        # Each indicator's public judgement is stored and kept current on every write (kpi/judgements.py).
        from django.db.models.signals import post_delete, post_save

        from vision.models import Plan

        from . import judgements
        from .models import Indicator, Observation, TargetRevision

        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(judgements.on_observation_change, sender=Observation, dispatch_uid=f"judgements-obs-{name}")
            signal.connect(judgements.on_revision_change, sender=TargetRevision, dispatch_uid=f"judgements-rev-{name}")
        post_save.connect(judgements.on_indicator_save, sender=Indicator, dispatch_uid="judgements-indicator")
        post_save.connect(judgements.on_plan_save, sender=Plan, dispatch_uid="judgements-plan")
        post_migrate.connect(judgements.after_migrate, sender=self, dispatch_uid="judgements-migrate")

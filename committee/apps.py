from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender, **kwargs):
    from vision.roles import ensure_roles

    ensure_roles(app_labels={"committee"})


class CommitteeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "committee"
    verbose_name = _("検証委員会")

    def ready(self):
        # The roles of vision/roles.py get their committee permissions once this app has migrated.
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="committee.ensure_roles")

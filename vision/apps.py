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

        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from . import dataversion

        for model in apps.get_models(include_auto_created=True):
            if dataversion.is_data_model(model):
                post_save.connect(
                    dataversion.bump_on_change, sender=model, dispatch_uid=f"dataversion-save-{model._meta.label}"
                )
                post_delete.connect(
                    dataversion.bump_on_change, sender=model, dispatch_uid=f"dataversion-delete-{model._meta.label}"
                )
        m2m_changed.connect(dataversion.bump_on_relation_change, dispatch_uid="dataversion-m2m")
        # Data migrations write through historical models, which send no signals to these receivers; and a deploy's
        # migrate retires the pages the old code cached.
        post_migrate.connect(dataversion.bump_after_migrate, sender=self, dispatch_uid="dataversion-migrate")

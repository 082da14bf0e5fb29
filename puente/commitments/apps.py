from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "puente.commitments"
    label = "commitments"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Commitments")

    def ready(self):
        from . import signals

        signals.connect()

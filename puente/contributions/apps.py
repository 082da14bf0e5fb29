from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "puente.contributions"
    verbose_name = _("Contributions and moderation")

    def ready(self):
        from . import signals
        from .services import ensure_workflow

        signals.connect()
        post_migrate.connect(ensure_workflow, sender=self, dispatch_uid="contributions-workflow")

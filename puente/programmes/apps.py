from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "puente.programmes"
    label = "programmes"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Programmes and projects")

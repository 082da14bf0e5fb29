from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "puente.practices"
    label = "practices"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Practices")

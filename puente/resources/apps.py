from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "puente.resources"
    label = "resources"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Resources")

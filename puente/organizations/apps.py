from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "puente.organizations"
    label = "organizations"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Organisations")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "puente.groups"
    label = "groups"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Working groups")

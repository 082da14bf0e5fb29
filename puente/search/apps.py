from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "puente.search"
    label = "puente_search"
    verbose_name = _("Search")

    def ready(self):
        from . import signals

        signals.connect()

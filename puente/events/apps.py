from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "puente.events"
    label = "events"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Meetings and events")

    def ready(self):
        from . import signals

        signals.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "puente.news"
    label = "news"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("News and blogs")

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(using="default", **kwargs) -> None:
    """``migrate`` also creates the database cache's table when the cache is in the database (idempotent)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "puente.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Core")

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="puente-cache-table")
        from puente.core.csp import add_nonce_to_chooser_scripts

        add_nonce_to_chooser_scripts()
        from puente.core import admin_inputs, lookups, sqlite_fts

        lookups.register()
        admin_inputs.patch_choosers()
        sqlite_fts.patch_quoting()

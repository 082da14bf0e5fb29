"""Signal receivers that keep the index current on create, edit, publish, unpublish and delete."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .indexing import index_object, remove_object
from .sources import SOURCES, source_for


def _on_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    index_object(instance)
    # Tags and other many-to-many values of clusterable records are written after the row: index again
    # once the transaction has committed.
    transaction.on_commit(lambda: index_object(instance))


def _on_delete(sender, instance, **kwargs):
    remove_object(instance)


def _on_m2m(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and source_for(type(instance)) is not None:
        index_object(instance)


def connect() -> None:
    from django.apps import apps

    from .facets import clear_cache
    from .sources import FACET_MODELS

    for model_label in FACET_MODELS.values():
        post_save.connect(
            clear_cache, sender=apps.get_model(model_label), dispatch_uid=f"search-labels-{model_label}"
        )
    for source in SOURCES:
        model = source.model_class
        post_save.connect(_on_save, sender=model, dispatch_uid=f"search-save-{source.model}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"search-delete-{source.model}")
    m2m_changed.connect(_on_m2m, dispatch_uid="search-m2m")

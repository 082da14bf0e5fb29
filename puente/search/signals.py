"""Signal receivers that keep the index current on create, edit, publish, unpublish and delete, whatever the path
(public forms, the admin's views and bulk actions, workflows, soft delete and restore, commands), including
changes to the records that documents show something of (``SHOWN_IN``)."""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from .indexing import index_object, remove_object
from .sources import FACET_MODELS, SOURCES, TAG_FACETS, source_for

# What documents show of records that are not theirs (see the extract functions in ``sources``): the model, its
# fields that documents show, and for each record type that shows it, the lookup from that type to it. When
# those fields change or the record goes, the records that show it are indexed again.
SHOWN_IN = {
    "organizations.Organisation": (
        ("name", "kind", "country_id"),
        [
            ("practices.Practice", "organisations"),
            ("commitments.Commitment", "local_government"),
            ("resources.Resource", "organisations"),
            ("programmes.Project", "partners"),
        ],
    ),
    "groups.WorkingGroup": (("name",), [("events.Meeting", "group")]),
    "taxonomy.Country": (
        ("slug", "name_en", "region"),
        [
            ("practices.Practice", "country"),
            ("practices.Practice", "countries"),
            ("commitments.Commitment", "local_government__country"),
            ("commitments.Commitment", "countries"),
            ("resources.Resource", "countries"),
            ("programmes.Project", "country"),
            ("organizations.Organisation", "country"),
            ("events.Meeting", "country"),
        ],
    ),
    "programmes.ProgrammePage": (("start_year",), [("programmes.Project", "programme")]),
}
# Tags: documents show their slugs as facet values.
SHOWN_IN |= {
    FACET_MODELS[facet]: (
        ("slug",),
        [(source.model, attribute) for source in SOURCES if hasattr(source.model_class, attribute)],
    )
    for attribute, facet in TAG_FACETS.items()
}
# Rows of an ordered many-to-many relation written directly (no ``m2m_changed``): the record they belong to.
THROUGH_ROWS = {"programmes.ProjectPartner": "project"}


def _on_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    index_object(instance)
    # Tags and other many-to-many values of clusterable records are written after the row: index again
    # once the transaction has committed.
    transaction.on_commit(lambda: index_object(instance))


def _on_delete(sender, instance, **kwargs):
    remove_object(instance)


def _on_m2m(sender, instance, action, reverse=False, model=None, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if source_for(type(instance)) is not None:
        index_object(instance)
    if reverse and pk_set and source_for(model) is not None:  # e.g. ``organisation.practices.add(…)``
        for record in model._default_manager.filter(pk__in=pk_set):
            index_object(record)


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}"


def _shown_values(instance) -> tuple:
    return tuple(getattr(instance, name) for name in SHOWN_IN[_label(type(instance))][0])


def _showing(instance) -> list:
    """The records whose documents show ``instance``."""
    records = []
    for label, lookup in SHOWN_IN[_label(type(instance))][1]:
        model = apps.get_model(label)
        records += list(model._default_manager.filter(**{lookup: instance.pk}).distinct())
    return records


def _before_shown_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    fields = SHOWN_IN[_label(sender)][0]
    instance._search_shown = sender._default_manager.filter(pk=instance.pk).values_list(*fields).first()


def _after_shown_save(sender, instance, created=False, raw=False, **kwargs):
    before = getattr(instance, "_search_shown", None)
    if raw or created or before is None or before == _shown_values(instance):
        return
    for record in _showing(instance):
        index_object(record)


def _before_shown_delete(sender, instance, **kwargs):
    # Found now: the many-to-many rows that lead to them go with the record.
    instance._search_showing = _showing(instance)


def _after_shown_delete(sender, instance, **kwargs):
    for record in getattr(instance, "_search_showing", []):
        index_object(record)


def _on_through_row(sender, instance, raw=False, **kwargs):
    if raw:
        return
    record = getattr(instance, THROUGH_ROWS[_label(sender)], None)
    if record is not None:
        index_object(record)


def connect() -> None:
    from .facets import clear_cache

    for model_label in FACET_MODELS.values():
        for signal in (post_save, post_delete):
            signal.connect(
                clear_cache, sender=apps.get_model(model_label), dispatch_uid=f"search-labels-{model_label}"
            )
    for source in SOURCES:
        model = source.model_class
        post_save.connect(_on_save, sender=model, dispatch_uid=f"search-save-{source.model}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"search-delete-{source.model}")
    m2m_changed.connect(_on_m2m, dispatch_uid="search-m2m")
    for label in SHOWN_IN:
        model, uid = apps.get_model(label), f"search-shown-{label}"
        pre_save.connect(_before_shown_save, sender=model, dispatch_uid=uid)
        post_save.connect(_after_shown_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_before_shown_delete, sender=model, dispatch_uid=uid)
        post_delete.connect(_after_shown_delete, sender=model, dispatch_uid=uid)
    for label in THROUGH_ROWS:
        model, uid = apps.get_model(label), f"search-through-{label}"
        post_save.connect(_on_through_row, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_through_row, sender=model, dispatch_uid=uid)

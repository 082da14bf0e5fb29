"""Facet names and value labels in the user's language (taxonomy labels are cached; the cache is cleared when
a taxonomy term changes)."""

from __future__ import annotations

from functools import partial
from html import escape

from django.apps import apps
from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from puente.organizations.models import OrganisationType
from puente.resources.models import ResourceKind
from puente.taxonomy.models import Language, UNRegion

from .models import Kind
from .sources import FACET_MODELS, FACET_ORDER, META_LABEL

TITLES = {
    "kind": _("Type"),
    "topic": _("Topic"),
    "country": _("Country"),
    "region": _("UN region"),
    "gcm": _("GCM objective"),
    "sdg": _("SDG"),
    "cla": _("Call to Local Action objective"),
    "criterion": _("Cities of Solidarity criterion"),
    "target": _("Target group"),
    "orgtype": _("Organisation type"),
    "year": _("Year"),
    "lang": _("Language"),
}
CHOICES = {
    "kind": Kind,
    "region": UNRegion,
    "orgtype": OrganisationType,
    "lang": Language,
    "resourcekind": ResourceKind,  # not a facet: a resource's type in its result line (``meta_labeller``)
}
CACHE_KEY = "search-facet-labels"


def _taxonomy_labels(language: str) -> dict:
    """Labels of taxonomy terms and of choices, by facet name and value, in ``language`` (cached)."""
    key = f"{CACHE_KEY}:{language}"
    labels = cache.get(key)
    if labels is None:
        labels = {}
        with translation.override(language):
            for name, model_label in FACET_MODELS.items():
                model = apps.get_model(model_label)
                numbered = hasattr(model, "number")
                labels[name] = {
                    term.slug: f"{term.number}. {term.label}" if numbered else term.label
                    for term in model.objects.all()
                }
            for name, choices in CHOICES.items():
                labels[name] = {value: str(text) for value, text in choices.choices}
        cache.set(key, labels, 3600)
    return labels


def clear_cache(**kwargs) -> None:
    cache.delete_many([f"{CACHE_KEY}:{code}" for code in ("en", "es", "fr")])


def label(name: str, value: str, taxonomy: dict) -> str:
    return taxonomy.get(name, {}).get(value, value)


def _active_labels() -> dict:
    language = (translation.get_language() or "en")[:2]
    return _taxonomy_labels(language if language in ("en", "es", "fr") else "en")


def meta_labeller():
    """A function giving a result's meta line as shown in the active language: a label reference
    (``sources.labelled_meta``) becomes the label, other text stays as it was indexed. The labels are
    looked up once, and only if a result needs them."""
    taxonomy = {}

    def shown(meta: str) -> str:
        if not meta.startswith(META_LABEL):
            return meta
        if not taxonomy:
            taxonomy.update(_active_labels())
        name, _, value = meta[len(META_LABEL) :].partition("=")
        return label(name, value, taxonomy)

    return shown


def labelled(counts: dict, filters: dict, approximate: frozenset = frozenset()) -> list[dict]:
    """The facets as the template shows them: title, values with label, count (``approximate``: the
    (facet, value) counts that are estimates, shown with "≈") and whether chosen, and the
    values' checkboxes as HTML (built here: about a hundred of them, five times faster than a template loop;
    only when the template asks, as the sidebar is mostly cached)."""
    taxonomy = _active_labels()
    out = []
    for name in FACET_ORDER:
        values = counts.get(name) or []
        chosen = set(filters.get(name, []))
        if not values and not chosen:
            continue
        items = [
            {
                "value": value,
                "label": label(name, value, taxonomy),
                "count": n,
                "chosen": value in chosen,
                "approximate": (name, value) in approximate,
            }
            for value, n in values
        ]
        if name == "year":
            items.sort(key=lambda item: item["value"], reverse=True)
        out.append(
            {
                "name": name,
                "title": TITLES[name],
                "values": items,
                "open": bool(chosen),
                "checkboxes": partial(_checkboxes, name, items),
            }
        )
    return out


def _checkboxes(name: str, items: list[dict]) -> str:
    # Plain ``html.escape`` on plain strings: Django's ``format_html`` checks every argument for lazy
    # translations and marks it safe, which made a cold page's sidebar take three times as long.
    name = escape(name)
    return mark_safe(  # noqa: S308 (every value escaped)
        "\n".join(
            f'<li><label><input type="checkbox" name="{name}" value="{escape(str(item["value"]))}"'
            f"{' checked' if item['chosen'] else ''}> {escape(str(item['label']))} "
            f'<span class="facet__count">({"≈" if item["approximate"] else ""}{int(item["count"])})</span>'
            "</label></li>"
            for item in items
        )
    )

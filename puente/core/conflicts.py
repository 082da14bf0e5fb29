"""Lost-update protection for the public edit forms of revisioned records.

An edit form carries the revision it was loaded from (``FIELD``). When it comes back and the record has a
newer revision that changed what the form edits, nothing is saved: the view shows the person their own input
again, what changed (their value beside the saved one) and the new version, so that saving again is a
conscious choice. Wagtail's admin has its own check (``core.viewsets.ConflictCheckedEditView``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.choices import flatten_choices
from django.utils.translation import gettext as _

FIELD = "loaded_revision"


@dataclass(frozen=True)
class Change:
    """One field that someone else changed since the form was loaded."""

    label: str
    yours: str
    saved: str


class EditConflict(Exception):
    """Raised instead of saving over a newer revision; ``changes`` lists what changed."""

    def __init__(self, changes: list[Change]):
        super().__init__("The record changed since the form was loaded.")
        self.changes = changes


def current_version(record) -> int:
    """The version an edit form carries: the record's latest revision id, read afresh (0 before the first)."""
    if record.pk is None:
        return 0
    manager = type(record)._default_manager
    return manager.filter(pk=record.pk).values_list("latest_revision_id", flat=True).first() or 0


def posted_version(data) -> int | None:
    """The version a submitted form was loaded from; None when it carried none, -1 when it is not a number
    (treated as an unknown, older version)."""
    raw = data.get(FIELD)
    if raw is None:
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1


def lock_version(record) -> int:
    """Lock the record's row until the end of the transaction and return its version, so that the check and
    the save that follows cannot interleave with another save."""
    manager = type(record)._default_manager
    return (
        manager.select_for_update().filter(pk=record.pk).values_list("latest_revision_id", flat=True).first()
        or 0
    )


def check(record, loaded: int | None, form, make_form: Callable, extra=()) -> None:
    """Inside the transaction that saves ``record``: raise ``EditConflict`` when it has a newer revision than
    ``loaded`` that changed what ``form`` edits. A form that carried no version is not checked."""
    if loaded is None or record.pk is None:
        return
    if lock_version(record) == loaded:
        return
    changes = changes_since(record, loaded, form, make_form, extra)
    if changes:
        raise EditConflict(changes)


def changes_since(
    record,
    loaded: int,
    form,
    make_form: Callable,
    extra: Iterable[tuple[str, Callable, str]] = (),
) -> list[Change]:
    """What someone else changed in ``record`` since revision ``loaded``, among the fields ``form`` edits.

    ``make_form(obj)`` builds the same (unbound) form for a version of the record; ``extra`` adds values that
    are not form fields, as ``(label, describe(obj) -> str, your value)``. When the loaded revision is unknown,
    every field where the submitted value differs from the saved one is listed."""
    latest = record.revisions.filter(pk=current_version(record)).first()
    # Not ``record`` itself: validating the form has already copied the submitted values onto it.
    current = latest.as_object() if latest is not None else type(record)._default_manager.get(pk=record.pk)
    revision = record.revisions.filter(pk=loaded).first() if loaded > 0 else None
    before = revision.as_object() if revision is not None else None
    now_form = make_form(current)
    then_form = make_form(before) if before is not None else None
    changes = []
    for name, field in form.fields.items():
        if field.widget.is_hidden or isinstance(field, forms.FileField) or name not in now_form.fields:
            continue
        saved = describe(field, now_form[name].value())
        yours = describe(field, form[name].value())
        if then_form is not None:
            changed = describe(field, then_form[name].value()) != saved
        else:
            changed = yours != saved
        if changed:
            changes.append(Change(str(field.label or name), yours, saved))
    for label, describe_obj, yours in extra:
        saved = describe_obj(current)
        changed = describe_obj(before) != saved if before is not None else yours != saved
        if changed:
            changes.append(Change(str(label), yours, saved))
    return changes


def describe(field, value) -> str:
    """A form value as the plain text a person reads, the same for a submitted and a saved value."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(sorted(_labels(field, value or [])))
    if isinstance(field, forms.ModelChoiceField):
        return ", ".join(_labels(field, [value])) if value not in (None, "") else ""
    if isinstance(field, forms.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, forms.ChoiceField):
        labels = {str(key): str(label) for key, label in flatten_choices(field.choices)}
        return labels.get(str(value), str(value or "")) if value not in (None, "") else ""
    with contextlib.suppress(ValidationError):  # an empty required field, say: show it as it is
        value = field.clean(value)
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def decimal_text(value) -> str:
    """A decimal with two places, whatever its scale (``0`` and ``0.00`` read alike)."""
    if value in (None, ""):
        return ""
    try:
        return format(Decimal(str(value)).quantize(Decimal("0.01")), "f")
    except ArithmeticError:
        return str(value)


def _labels(field, values) -> list[str]:
    keys = [str(getattr(v, "pk", v)) for v in values if v not in (None, "")]
    keys = [key for key in keys if key.isdigit() and len(key) < 19]
    if not keys:
        return []
    # All objects, not only the ones this person may choose: the saved value may name others.
    return [str(obj) for obj in field.queryset.model._default_manager.filter(pk__in=keys)]

"""Input Wagtail's admin takes on trust, checked so that a mistyped or hostile value gets a form error, a 400 or
the default instead of a server error (the fuzz in ``core/tests/test_fuzz.py`` finds these):

- ``next``: several admin views pass it to ``redirect()``, which takes a bare word for a view name and fails;
  a ``next`` that is not a path on this site is ignored, as Wagtail ignores one to another site.
- ids in the query string or a form that Wagtail looks up without checking (``AdminInputMiddleware``).
- a chooser (page, snippet, image, document) re-displaying a refused form looks the typed value up as an id.
- the rich-text editor's field reads JSON the browser's editor writes; anything else reads as no content.
"""

import re

from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from wagtail.admin.rich_text import DraftailRichTextArea as WagtailDraftailRichTextArea

ADMIN = "/admin/"
# (path, method, parameter, model that must have that id or None): values Wagtail passes to the ORM as ids.
ID_PARAMETERS = [
    (re.compile(r"/chosen-multiple/$"), "GET", "id", None),  # every chooser: filter(pk__in=…)
    (re.compile(r"^/admin/pages/\d+/copy/$"), "POST", "new_parent_page", "wagtailcore.Page"),  # get(id=…)
]
DIGITS = re.compile(r"-?\d{1,19}")


def is_local_path(request, value: str) -> bool:
    return value.startswith("/") and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _without_foreign_next(request, data):
    values = data.getlist("next")
    if values and not all(is_local_path(request, value) for value in values):
        data = data.copy()
        del data["next"]
    return data


def _unusable_ids(request) -> bool:
    from django.apps import apps

    for path, method, name, model in ID_PARAMETERS:
        if request.method != method or not path.search(request.path):
            continue
        data = request.GET if method == "GET" else request.POST
        values = data.getlist(name)
        if not all(DIGITS.fullmatch(value) for value in values):
            return True
        if model is not None and not (
            len(values) == 1 and apps.get_model(model)._default_manager.filter(pk=values[0]).exists()
        ):
            return True
    return False


class AdminInputMiddleware:
    """Checks the admin's ``next`` and id parameters before Wagtail's views read them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(ADMIN):
            request.GET = _without_foreign_next(request, request.GET)
            if request.method == "POST":
                request.POST = _without_foreign_next(request, request.POST)
            if _unusable_ids(request):
                return HttpResponseBadRequest(_("This is not the id of an item."), content_type="text/plain")
        return self.get_response(request)


class DraftailRichTextArea(WagtailDraftailRichTextArea):
    """Wagtail's rich-text editor field (``WAGTAILADMIN_RICH_TEXT_EDITORS``). What the editor posts is JSON;
    a value that is not what it writes (only a forged request sends one) reads as a missing value, like a
    request without the field, instead of failing in the converter."""

    def value_from_datadict(self, data, files, name):
        try:
            return super().value_from_datadict(data, files, name)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError):  # JSONDecodeError: ValueError
            return None


def patch_choosers() -> None:
    """A chooser shows the chosen item again when its form comes back with errors, looking the submitted
    value up as an id: a value that is not one (the form has already refused it) shows as nothing chosen.
    Every chooser inherits ``BaseChooser.get_instance``; ``test_hostile_input`` fails if an upgrade changes
    that."""
    from wagtail.admin.widgets.chooser import BaseChooser

    if getattr(BaseChooser.get_instance, "ignores_invalid_ids", False):
        return
    get_instance = BaseChooser.get_instance

    def get_instance_or_none(self, value):
        try:
            return get_instance(self, value)
        except (ValueError, TypeError, ValidationError):
            return None

    get_instance_or_none.ignores_invalid_ids = True
    BaseChooser.get_instance = get_instance_or_none

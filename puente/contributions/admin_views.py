"""Admin side of soft deletion: deleting a moderated record, news item or blog post in the admin (one at a time
or in bulk) moves it to "Deleted items", where the secretariat restores it or (site admins) removes it for good
before ``purge_deleted`` does."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import router
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from puente.core.access import is_secretariat
from puente.core.models import ModeratedRecord

from .services import delete_record, purge_record, restore_record, soft_deletable, soft_deletable_models


def _soft_delete(request, instances, back: str):
    for obj in instances:
        delete_record(obj, request.user)
    if len(instances) == 1:
        message = _("“%(title)s” has been moved to Deleted items. It can be restored for %(days)s days.") % {
            "title": instances[0],
            "days": ModeratedRecord.KEEP_DELETED_DAYS,
        }
    else:
        message = _(
            "%(count)s items have been moved to Deleted items. They can be restored for %(days)s days."
        ) % {
            "count": len(instances),
            "days": ModeratedRecord.KEEP_DELETED_DAYS,
        }
    messages.success(request, message)
    return redirect(back)


def soft_delete_snippets(request, instances):
    """``before_delete_snippet`` (one or in bulk): on confirmation, soft-delete moderated records."""
    if request.method != "POST" or not instances or not all(soft_deletable(obj) for obj in instances):
        return None
    return _soft_delete(request, instances, reverse(type(instances[0]).snippet_viewset.get_url_name("list")))


def refuse_deleting_protected(request, instances):
    """``before_delete_snippet`` (one or in bulk), after soft deletion: a record that others must keep (a
    framework whose versions have rounds, a country with organisations) is not deleted; the message says
    what holds it, where the database would otherwise refuse with a server error."""
    if request.method != "POST" or not instances or all(soft_deletable(obj) for obj in instances):
        return None
    collector = Collector(using=router.db_for_write(type(instances[0])))
    try:
        collector.collect(instances)
    except (ProtectedError, RestrictedError) as error:
        held = getattr(error, "protected_objects", None) or error.restricted_objects
        names = sorted({str(obj) for obj in held})
        messages.error(
            request,
            _("“%(item)s” cannot be deleted: %(others)s depend on it.")
            % {"item": instances[0], "others": ", ".join(f"“{name}”" for name in names[:5])},
        )
        return redirect(reverse(type(instances[0]).snippet_viewset.get_url_name("list")))
    return None


def soft_delete_page(request, page):
    """``before_delete_page``: on confirmation, soft-delete a news item or blog post."""
    page = page.specific
    if request.method != "POST" or not soft_deletable(page):
        return None
    return _soft_delete(request, [page], reverse("wagtailadmin_explore", args=[page.get_parent().pk]))


def soft_delete_pages_in_bulk(request, action_type, objects, action):
    """``before_bulk_action``: deleting news items and blog posts in bulk is soft too."""
    if action_type != "delete" or not objects or not all(isinstance(obj, Page) for obj in objects):
        return None
    pages = [obj.specific for obj in objects]
    if not all(soft_deletable(page) for page in pages):
        return None
    return _soft_delete(request, pages, action.next_url)


def _require_secretariat(user) -> None:
    if not is_secretariat(user):
        raise PermissionDenied


def deleted_items(request):
    """Every soft-deleted record, newest first, with when it will be removed for good."""
    _require_secretariat(request.user)
    rows = []
    for model in soft_deletable_models():
        content_type = ContentType.objects.get_for_model(model)
        for obj in model.objects.filter(deleted_at__isnull=False).order_by("-deleted_at")[:200]:
            rows.append(
                {
                    "object": obj,
                    "type": model._meta.verbose_name,
                    "content_type_id": content_type.pk,
                    "purge_on": obj.deleted_at + timezone.timedelta(days=model.KEEP_DELETED_DAYS),
                }
            )
    rows.sort(key=lambda row: row["object"].deleted_at, reverse=True)
    return TemplateResponse(
        request,
        "contributions/admin/deleted_items.html",
        {"rows": rows, "can_purge": request.user.is_superuser, "days": ModeratedRecord.KEEP_DELETED_DAYS},
    )


def _deleted_object(content_type_id, pk):
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    if model is None or model not in soft_deletable_models():
        raise Http404
    obj = model.objects.filter(pk=pk, deleted_at__isnull=False).first()
    if obj is None:
        raise Http404
    return obj


@require_POST
def restore(request, content_type_id, pk):
    _require_secretariat(request.user)
    obj = _deleted_object(content_type_id, pk)
    restore_record(obj)
    messages.success(request, _("“%(title)s” has been restored.") % {"title": obj})
    return redirect("contributions_deleted_items")


@require_POST
def purge(request, content_type_id, pk):
    """Remove one deleted record for good now (site admins only)."""
    if not request.user.is_superuser:
        raise PermissionDenied
    obj = _deleted_object(content_type_id, pk)
    title = str(obj)
    purge_record(obj)
    messages.success(request, _("“%(title)s” has been deleted for good.") % {"title": title})
    return redirect("contributions_deleted_items")

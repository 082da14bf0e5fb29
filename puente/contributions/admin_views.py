"""Admin side of soft deletion: deleting a moderated record in the admin moves it to "Deleted items", where the
secretariat restores it or (site admins) removes it for good before ``purge_deleted`` does."""

from django.apps import apps
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from puente.core.access import is_secretariat
from puente.core.models import ModeratedRecord

from .services import contribution_for, delete_record, restore_record


def moderated_models() -> list:
    return [m for m in apps.get_models() if issubclass(m, ModeratedRecord)]


def soft_delete_from_admin(request, instances):
    """``before_delete_snippet``: on confirmation, soft-delete moderated records instead of removing them."""
    if request.method != "POST" or not instances:
        return None
    if not all(isinstance(obj, ModeratedRecord) for obj in instances):
        return None
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
    model = type(instances[0])
    return redirect(reverse(model.snippet_viewset.get_url_name("list")))


def _require_secretariat(user) -> None:
    if not is_secretariat(user):
        raise PermissionDenied


def deleted_items(request):
    """Every soft-deleted record, newest first, with when it will be removed for good."""
    _require_secretariat(request.user)
    rows = []
    for model in moderated_models():
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
    if model is None or not issubclass(model, ModeratedRecord):
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
    contribution = contribution_for(obj)
    if contribution is not None:
        contribution.delete()
    obj.delete()
    messages.success(request, _("“%(title)s” has been deleted for good.") % {"title": title})
    return redirect("contributions_deleted_items")

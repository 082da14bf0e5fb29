"""Submitting records from the public site into Wagtail's moderation workflow, and telling submitters what
became of them. Every step is one transaction; e-mails leave after it commits."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.forms import ModelMultipleChoiceField
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Page, Workflow, WorkflowContentType, WorkflowPage, WorkflowTask

from puente.core import conflicts
from puente.core.text import unique_slug

from .models import Contribution, ContributionStatus, ModerationTask

MODERATORS = "Moderators"
WORKFLOW_NAME = "Contribution moderation"
MODERATED = ("practices.Practice", "resources.Resource", "events.Meeting")


def ensure_workflow(**kwargs) -> Workflow:
    """The moderation workflow (one "Secretariat review" task for the Moderators group), assigned to the
    contributed record types, and the permissions moderators need. Idempotent (runs after migrate)."""
    from django.apps import apps

    group, _created = Group.objects.get_or_create(name=MODERATORS)
    # Deleting is soft (restorable for 30 days), so moderators may delete what they moderate.
    grants = [(label, ("view", "change", "publish", "delete")) for label in MODERATED]
    grants += [
        ("commitments.Commitment", ("view", "change", "delete")),
        ("contributions.Report", ("view", "change")),
        ("contributions.Contribution", ("view",)),
    ]
    for label, actions in grants:
        model = apps.get_model(label)
        content_type = ContentType.objects.get_for_model(model)
        for action in actions:
            # Created here if migrate has not created them yet (post_migrate handlers run in app order).
            permission, _created = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model._meta.model_name}",
                defaults={"name": f"Can {action} {model._meta.verbose_name_raw}"},
            )
            group.permissions.add(permission)
    group.permissions.add(*Permission.objects.filter(codename="access_admin"))
    task = ModerationTask.objects.filter(name="Secretariat review").first()
    if task is None:
        task = ModerationTask.objects.create(name="Secretariat review")
        task.groups.add(group)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for label in MODERATED:
        content_type = ContentType.objects.get_for_model(apps.get_model(label))
        WorkflowContentType.objects.get_or_create(content_type=content_type, defaults={"workflow": workflow})
    # Members' news items and blog posts go through the same review.
    for name in ("NewsIndexPage", "BlogIndexPage"):
        for index_page in apps.get_model("news", name).objects.all():
            WorkflowPage.objects.get_or_create(page=index_page, defaults={"workflow": workflow})
    return workflow


def contribution_for(obj) -> Contribution | None:
    if isinstance(obj, Page):  # workflow states hold the base page
        obj = obj.specific
    content_type = ContentType.objects.get_for_model(type(obj))
    return Contribution.objects.filter(content_type=content_type, object_id=obj.pk).first()


def save_contribution(
    form, user, key, *, submit: bool, email: str = "", loaded_revision: int | None = None
) -> tuple[Contribution, bool]:
    """Save what the form holds as a new revision of its record (creating the record as an unpublished draft
    the first time) and, when ``submit``, start the moderation workflow. The published version of a live
    record stays online until the new revision is approved.

    ``key`` identifies one filled-in form: sending it twice returns the first contribution (and False).
    ``loaded_revision`` is the revision an edit form was loaded from: ``core.conflicts.EditConflict`` is raised,
    and nothing saved, when someone else has changed what the form edits since."""
    if key and Contribution.objects.filter(key=key).exists():
        return Contribution.objects.get(key=key), False
    member = user if user is not None and user.is_authenticated else None
    try:
        with transaction.atomic():
            if form.instance.pk is not None:
                conflicts.check(
                    form.instance,
                    loaded_revision,
                    form,
                    lambda version: type(form)(instance=version, user=user),
                )
            obj = form.save(commit=False)
            new = obj.pk is None
            if new and isinstance(obj, Page):
                _add_page(obj)
            elif new:
                obj.slug = unique_slug(type(obj).objects.all(), obj.title, type(obj)._meta.model_name)
                obj.live = False
                if hasattr(obj, "submitted_by"):
                    obj.submitted_by = member
                    obj.is_anonymous = member is None
                    obj.submitted_on = timezone.localdate()
                    if member is not None and not obj.submitter_name:
                        obj.submitter_name = member.get_full_name() or member.username
            _apply_relations(form, obj)
            if not obj.live and not (
                new and isinstance(obj, Page)
            ):  # a live record keeps its published version; the change is a revision only
                obj.save()
            contribution = contribution_for(obj) if not new else None
            if contribution is None:
                contribution = Contribution.objects.create(
                    key=key or uuid.uuid4(), content_object=obj, submitter=member, email=email
                )
            elif key:
                contribution.key = key
            obj.save_revision(user=member, log_action=True)
            if submit:
                _submit(obj, member)
                contribution.status = ContributionStatus.SUBMITTED
                contribution.reason = ""
            elif contribution.status != ContributionStatus.PUBLISHED:
                contribution.status = ContributionStatus.DRAFT
            contribution.save()
    except IntegrityError:  # the same form sent twice at the same moment
        return Contribution.objects.get(key=key), False
    return contribution, True


def index_page_for(model):
    """The (first) news or blog index that new news items or blog posts go under; None while there is none."""
    from django.apps import apps

    parent_model = {"newspage": "NewsIndexPage", "blogpage": "BlogIndexPage"}[model._meta.model_name]
    return apps.get_model("news", parent_model).objects.first()


def _add_page(page) -> None:
    """A news item or blog post goes under the (first) news or blog index, unpublished."""
    parent = index_page_for(type(page))
    if parent is None:
        raise Page.DoesNotExist(f"No index page to publish {page._meta.verbose_name_plural} under.")
    page.slug = unique_slug(parent.get_children(), page.title, "article")
    page.live = False
    parent.add_child(instance=page)


def public_url(obj) -> str:
    if isinstance(obj, Page):
        return obj.get_full_url() or ""
    return settings.SITE_URL + obj.get_absolute_url()


def _apply_relations(form, obj) -> None:
    """Many-to-many values set on the object itself (parental relations are kept in memory until the object
    is saved, and go into the revision either way)."""
    for name, field in form.fields.items():
        if isinstance(field, ModelMultipleChoiceField) and name in form.cleaned_data:
            getattr(obj, name).set(form.cleaned_data[name])


def _submit(obj, user) -> None:
    current = obj.current_workflow_state
    if current is not None:
        if current.status == current.STATUS_NEEDS_CHANGES:
            current.resume(user=user)
            return
        current.cancel(user=user)
    if isinstance(obj, Page):  # index pages made after migrate (load_demo, the admin) get the workflow too
        ensure_workflow()
    workflow = obj.get_workflow()
    if workflow is None:
        workflow = ensure_workflow()
    workflow.start(obj, user)


def decline(task_state, user, comment: str):
    """The final "no": end the workflow, keep the record unpublished, tell the submitter why."""
    with transaction.atomic():
        workflow_state = task_state.workflow_state
        obj = workflow_state.content_object
        task_state.comment = comment
        task_state.save(update_fields=["comment"])
        workflow_state.cancel(user=user)
        record_outcome(obj, ContributionStatus.REJECTED, comment)


def record_outcome(obj, status: str, reason: str = "") -> None:
    contribution = contribution_for(obj)
    if contribution is None:
        return
    contribution.status = status
    contribution.reason = reason or ""
    contribution.save(update_fields=["status", "reason", "updated_at"])
    transaction.on_commit(lambda: notify(contribution))


def notify(contribution: Contribution) -> None:
    address = contribution.notify_address
    if not address:
        return
    obj = contribution.content_object
    language = getattr(contribution.submitter, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        mine = settings.SITE_URL + reverse("contributions:mine")
        if contribution.status == ContributionStatus.PUBLISHED:
            subject = _("Published: %(title)s") % {"title": obj}
            body = _("Your contribution “%(title)s” has been approved and published: %(link)s") % {
                "title": obj,
                "link": public_url(obj),
            }
        elif contribution.status == ContributionStatus.CHANGES_REQUESTED:
            subject = _("Changes requested: %(title)s") % {"title": obj}
            body = _(
                "The secretariat sent “%(title)s” back for changes.\n\nReason: %(reason)s\n\n"
                "Edit and submit it again from your contributions: %(link)s"
            ) % {"title": obj, "reason": contribution.reason or "–", "link": mine}
        elif contribution.status == ContributionStatus.REJECTED:
            subject = _("Not published: %(title)s") % {"title": obj}
            body = _("The secretariat did not publish “%(title)s”.\n\nReason: %(reason)s\n\n%(link)s") % {
                "title": obj,
                "reason": contribution.reason or "–",
                "link": mine,
            }
        else:
            return
        send_mail(subject, body, None, [address])


@transaction.atomic
def delete_record(obj, user) -> None:
    """Soft-delete: hidden everywhere at once, restorable for ``KEEP_DELETED_DAYS``."""
    current = obj.current_workflow_state
    if current is not None:
        current.cancel(user=user)
    obj.deleted_at = timezone.now()
    obj.save(update_fields=["deleted_at"])


@transaction.atomic
def restore_record(obj) -> None:
    obj.deleted_at = None
    obj.save(update_fields=["deleted_at"])


def soft_deletable_models() -> list:
    """Models whose deletion is soft: the moderated records and the news and blog articles."""
    from django.apps import apps

    return [m for m in apps.get_models() if hasattr(m, "KEEP_DELETED_DAYS") and not m._meta.abstract]


def soft_deletable(obj) -> bool:
    return hasattr(type(obj), "KEEP_DELETED_DAYS")


def purge_deleted(now=None) -> int:
    """Remove for good the records deleted more than ``KEEP_DELETED_DAYS`` ago. Returns how many."""
    now = now or timezone.now()
    removed = 0
    for model in soft_deletable_models():
        cutoff = now - timezone.timedelta(days=model.KEEP_DELETED_DAYS)
        for obj in model.objects.filter(deleted_at__lt=cutoff):
            purge_record(obj)
            removed += 1
    return removed


@transaction.atomic
def purge_record(obj) -> None:
    """Remove one record for good, with its contribution."""
    contribution = contribution_for(obj)
    if contribution is not None:
        contribution.delete()
    obj.delete()

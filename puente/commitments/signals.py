"""A commitment's derived figures follow its reports, whatever writes them.

Progress reports, their rows and priorities are changed by the public forms and the review page, but also by the
admin's edit, create, delete and bulk views, revisions being published or reverted to, cascading deletes and the
demo loader, none of which go through ``services``. So the one call of ``Commitment.refresh_progress()`` is here,
on every save and delete of its inputs. (Rows written with ``bulk_create`` send no signal: ``services`` writes
them that way only for reports awaiting moderation, whose rows count for nothing yet.)
"""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save

from .models import Commitment, CommitmentPriority, PriorityProgress, ProgressReport, ReportStatus


def _commitment_ids(instance) -> set:
    if isinstance(instance, PriorityProgress):
        # Only an approved report's rows count.
        reports = ProgressReport.objects.filter(pk=instance.report_id, status=ReportStatus.APPROVED)
        return set(reports.values_list("commitment_id", flat=True))
    ids = {instance.commitment_id, getattr(instance, "_commitment_before", None)}
    return ids - {None}


def _remember_commitment(sender, instance, raw=False, update_fields=None, **kwargs):
    """A report moved to another commitment in the admin changes the figures of both."""
    if raw or instance.pk is None or (update_fields is not None and "commitment" not in update_fields):
        return
    before = ProgressReport.objects.filter(pk=instance.pk).values_list("commitment_id", flat=True).first()
    instance._commitment_before = before if before != instance.commitment_id else None


def refresh_after_change(sender, instance, raw=False, origin=None, **kwargs):
    """Refresh the figures of the commitment(s) whose report, report row or priority was saved or deleted."""
    if raw:  # fixtures (loaddata) carry their figures
        return
    deleted = origin.model if isinstance(origin, QuerySet) else type(origin)
    if origin is not None and issubclass(deleted, Commitment):  # the commitment itself is going
        return
    for commitment in Commitment.objects.filter(pk__in=_commitment_ids(instance)):
        commitment.refresh_progress()


def connect() -> None:
    pre_save.connect(_remember_commitment, sender=ProgressReport, dispatch_uid="commitments-report-moved")
    for model in (ProgressReport, PriorityProgress, CommitmentPriority):
        name = model._meta.model_name
        post_save.connect(
            refresh_after_change, sender=model, dispatch_uid=f"commitments-progress-save-{name}"
        )
        post_delete.connect(
            refresh_after_change, sender=model, dispatch_uid=f"commitments-progress-delete-{name}"
        )

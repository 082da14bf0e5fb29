"""Wagtail's workflow and publishing signals → the submitter's view of their contribution (and an e-mail).

The status follows the record whatever the path: a decision in the workflow, publishing directly in the admin
(which cancels the workflow), or a deletion that cancels it (the record no longer waits for a moderator)."""

from wagtail.signals import page_published, published, task_rejected, workflow_approved, workflow_cancelled

from .models import ContributionStatus
from .services import contribution_for, record_outcome


def on_sent_back(sender, instance, user, **kwargs):
    record_outcome(
        instance.workflow_state.content_object, ContributionStatus.CHANGES_REQUESTED, instance.comment
    )


def _published(obj) -> None:
    # Approving in the workflow publishes (this signal) and then ends it (``workflow_approved``): one e-mail.
    contribution = contribution_for(obj)
    if contribution is not None and contribution.status != ContributionStatus.PUBLISHED:
        record_outcome(obj, ContributionStatus.PUBLISHED)


def on_published(sender, instance, **kwargs):
    _published(instance)


def on_approved(sender, instance, user, **kwargs):
    _published(instance.content_object)


def on_cancelled(sender, instance, user, **kwargs):
    obj = instance.content_object
    contribution = contribution_for(obj)
    if contribution is not None and contribution.status == ContributionStatus.SUBMITTED:
        record_outcome(obj, ContributionStatus.DRAFT)


def connect():
    task_rejected.connect(on_sent_back, dispatch_uid="contributions-sent-back")
    workflow_approved.connect(on_approved, dispatch_uid="contributions-approved")
    published.connect(on_published, dispatch_uid="contributions-published")
    page_published.connect(on_published, dispatch_uid="contributions-page-published")
    workflow_cancelled.connect(on_cancelled, dispatch_uid="contributions-cancelled")

"""Wagtail's workflow signals → the submitter's view of their contribution (and an e-mail)."""

from wagtail.signals import task_rejected, workflow_approved

from .models import ContributionStatus
from .services import record_outcome


def on_sent_back(sender, instance, user, **kwargs):
    record_outcome(
        instance.workflow_state.content_object, ContributionStatus.CHANGES_REQUESTED, instance.comment
    )


def on_approved(sender, instance, user, **kwargs):
    record_outcome(instance.content_object, ContributionStatus.PUBLISHED)


def connect():
    task_rejected.connect(on_sent_back, dispatch_uid="contributions-sent-back")
    workflow_approved.connect(on_approved, dispatch_uid="contributions-approved")

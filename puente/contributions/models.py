"""Contributions from the public site and their moderation.

Records themselves (practices, resources) keep their drafts and revisions through Wagtail
(``core.models.ModeratedRecord``) and are moderated through Wagtail's workflows; a ``Contribution`` remembers
who submitted what, where it stands for the submitter and why, and makes a double submission create one
record. ``ModerationTask`` is Wagtail's group approval with a third, final outcome: rejection.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupApprovalTask


class ContributionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("In moderation")
    CHANGES_REQUESTED = "changes", _("Sent back for changes")
    REJECTED = "rejected", _("Rejected")
    PUBLISHED = "published", _("Published")


class Contribution(models.Model):
    """One record submitted from the public site: by whom, its moderation status and the last reason given."""

    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    email = models.EmailField(_("e-mail (anonymous submissions)"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ContributionStatus.choices, default=ContributionStatus.DRAFT
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_contribution_per_record")
        ]

    def __str__(self) -> str:
        return f"{self.content_object} ({self.get_status_display()})"

    @property
    def notify_address(self) -> str:
        return self.submitter.email if self.submitter_id else self.email


def awaits_verification(obj) -> bool:
    """Whether a contributed record names an organisation the secretariat has not verified yet: it cannot be
    approved (published) until the organisation is."""
    organisations = getattr(obj, "organisations", None)
    return organisations is not None and organisations.filter(is_verified=False).exists()


class ModerationTask(GroupApprovalTask):
    """The secretariat's review: approve (publish), send back for changes, or reject, with a reason."""

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if not actions:
            return actions
        waiting = awaits_verification(obj)
        renamed = [
            ("reject", _("Send back for changes"), True) if name == "reject" else (name, label, modal)
            for name, label, modal in actions
            if not (waiting and name.startswith("approve"))
        ]
        return [*renamed, ("decline", _("Reject"), True)]

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name.startswith("approve") and awaits_verification(
            task_state.workflow_state.content_object
        ):
            return None  # what an unverified organisation submitted waits for the secretariat to verify it
        if action_name == "decline":
            from .services import decline

            return decline(task_state, user, kwargs.get("comment", ""))
        return super().on_action(task_state, user, action_name, **kwargs)

    class Meta:
        verbose_name = _("moderation task")
        verbose_name_plural = _("moderation tasks")


class ReportReason(models.TextChoices):
    WRONG = "wrong", _("Wrong or out-of-date information")
    SPAM = "spam", _("Spam or advertising")
    OFFENSIVE = "offensive", _("Offensive or discriminatory")
    PERSONAL = "personal", _("Personal data that should not be public")
    COPYRIGHT = "copyright", _("Copyright")
    OTHER = "other", _("Something else")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Dealt with")


class Report(models.Model):
    """Someone flagged a public item ("Report this content"); the secretariat works through the open ones."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("type"))
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(_("reason"), max_length=16, choices=ReportReason.choices)
    details = models.TextField(_("details"), blank=True, max_length=2000)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    note = models.TextField(_("moderator's note"), blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        verbose_name = _("content report")
        verbose_name_plural = _("content reports")
        ordering = ["status", "-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.content_object}"

    @property
    def item_url(self) -> str:
        obj = self.content_object
        return obj.get_absolute_url() if obj is not None and hasattr(obj, "get_absolute_url") else ""

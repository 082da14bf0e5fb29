"""The commitment life cycle and progress reporting. Views call these; each runs in one transaction.

Life cycle: draft (private to the local government) → submitted (after the mayor's sign-off) → verified by
the secretariat → published. The secretariat may send a submitted or verified commitment back to draft
with a reason. Progress reports on published commitments are submitted by focal points and approved or
sent back by the secretariat; every save keeps a revision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from puente.core import text as core_text
from puente.core.access import can_act_for, is_secretariat, require_can_act_for

from .models import (
    Commitment,
    CommitmentPriority,
    CommitmentStatus,
    PriorityProgress,
    ProgressReport,
    ReportReminder,
    ReportStatus,
)

# --- e-mail --------------------------------------------------------------------------------------------------


def _language(user) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    preferred = (getattr(user, "preferred_language", "") or "")[:2]
    return preferred if preferred in codes else settings.LANGUAGE_CODE


def focal_points(organisation):
    from puente.organizations.models import MembershipRole

    return (
        get_user_model()
        .objects.filter(
            memberships__organisation=organisation,
            memberships__role__in=[MembershipRole.FOCAL_POINT, MembershipRole.ADMIN],
            is_active=True,
        )
        .distinct()
    )


def secretariat_users():
    from django.db.models import Q

    from puente.core.access import SECRETARIAT_GROUP

    return (
        get_user_model()
        .objects.filter(
            Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name=SECRETARIAT_GROUP), is_active=True
        )
        .distinct()
    )


def notify(users, template: str, context: dict) -> int:
    """Send ``commitments/email/<template>`` to each user, in their language. Returns how many were sent."""
    sent = 0
    for user in users:
        if not user.email:
            continue
        with translation.override(_language(user)):
            ctx = {**context, "user": user, "site_url": settings.SITE_URL}
            subject = " ".join(render_to_string(f"commitments/email/{template}_subject.txt", ctx).split())
            body = render_to_string(f"commitments/email/{template}.txt", ctx)
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent


def _after_commit(users, template, context):
    users = list(users)
    transaction.on_commit(lambda: notify(users, template, context), robust=True)


# --- permissions ---------------------------------------------------------------------------------------------


def can_view(user, commitment: Commitment) -> bool:
    """Published commitments are public; drafts are private to the local government and the secretariat."""
    if commitment.live:
        return True
    from puente.core.access import organisation_role

    return is_secretariat(user) or organisation_role(user, commitment.local_government) is not None


def can_edit(user, commitment: Commitment) -> bool:
    """Edit, sign off and submit a draft: those who may act for its local government (``can_act_for``)."""
    return commitment.is_editable_by_local_government and can_act_for(user, commitment.local_government)


def require_can_edit(user, commitment: Commitment, message: str) -> None:
    """Raise unless ``can_edit``; ``access.AwaitingVerification`` when only the verification is missing."""
    _require(commitment.is_editable_by_local_government, message)
    require_can_act_for(user, commitment.local_government, message)


def can_report(user, commitment: Commitment) -> bool:
    return commitment.live and can_act_for(user, commitment.local_government)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


# --- life cycle ----------------------------------------------------------------------------------------------


def unique_slug(title: str) -> str:
    return core_text.unique_slug(Commitment.objects.all(), title, "commitment")


@transaction.atomic
def create_draft_commitment(
    *,
    organisation,
    user,
    title: str,
    overview: str = "",
    priorities: list[dict] | tuple = (),
    cla_objectives=(),
    solidarity_criteria=(),
    summary: str = "",
    **fields,
) -> Commitment:
    """A new draft commitment for ``organisation``'s local government, by one of its focal points.

    ``priorities`` are dicts with ``text`` and optionally ``competence``, ``indicator``, ``unit``,
    ``baseline`` and ``target``.
    """
    require_can_act_for(user, organisation, _("Only a focal point of this local government may do this."))
    commitment = Commitment(
        title=title,
        slug=unique_slug(title),
        local_government=organisation,
        mayor=fields.pop("mayor", "") or organisation.mayor,
        summary=summary or (overview[:500] if overview else title),
        overview=overview,
        status=CommitmentStatus.DRAFT,
        submitted_by=user,
        live=False,
        **fields,
    )
    commitment.full_clean(exclude=["slug"])
    commitment.save()
    for i, data in enumerate(priorities):
        priority = CommitmentPriority(commitment=commitment, sort_order=i, **data)
        priority.full_clean(exclude=["commitment"])
        priority.save()
    commitment.cla_objectives.set(cla_objectives)
    commitment.criteria.set(solidarity_criteria)
    if organisation.country_id:
        commitment.countries.set([organisation.country_id])
    commitment.save()  # ParentalManyToMany tags are written on save
    commitment.save_revision(user=user)
    return commitment


@transaction.atomic
def record_sign_off(commitment: Commitment, user, *, mayor: str, signed_on: dt.date) -> Commitment:
    require_can_edit(user, commitment, _("Only a focal point may record the sign-off of a draft."))
    if not mayor.strip():
        raise ValidationError({"mayor": _("Give the name of the mayor who signed off.")})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The sign-off date cannot be in the future.")})
    commitment.signed_off_by_mayor = mayor.strip()
    commitment.signed_off_on = signed_on
    commitment.sign_off_recorded_by = user
    commitment.save(update_fields=["signed_off_by_mayor", "signed_off_on", "sign_off_recorded_by"])
    commitment.save_revision(user=user)
    return commitment


@transaction.atomic
def submit(commitment: Commitment, user) -> Commitment:
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    require_can_edit(user, commitment, _("Only a focal point may submit a draft commitment."))
    problems = []
    if not commitment.is_signed_off:
        problems.append(_("Record the mayor's sign-off before submitting."))
    if not commitment.priorities.exists():
        problems.append(_("Add at least one priority."))
    if problems:
        raise ValidationError(problems)
    commitment.status = CommitmentStatus.SUBMITTED
    commitment.submitted_on = timezone.localdate()
    commitment.sent_back_reason = ""
    commitment.save(update_fields=["status", "submitted_on", "sent_back_reason"])
    commitment.save_revision(user=user)
    _after_commit(secretariat_users(), "submitted", {"commitment": commitment})
    return commitment


@transaction.atomic
def verify(commitment: Commitment, user) -> Commitment:
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    _require(is_secretariat(user), _("Only the secretariat may verify a commitment."))
    if commitment.status != CommitmentStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted commitment can be verified."))
    commitment.status = CommitmentStatus.VERIFIED
    commitment.verified_by, commitment.verified_at = user, timezone.now()
    commitment.save(update_fields=["status", "verified_by", "verified_at"])
    commitment.save_revision(user=user)
    _after_commit(focal_points(commitment.local_government), "verified", {"commitment": commitment})
    return commitment


@transaction.atomic
def publish(commitment: Commitment, user) -> Commitment:
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    _require(is_secretariat(user), _("Only the secretariat may publish a commitment."))
    if commitment.status != CommitmentStatus.VERIFIED:
        raise ValidationError(_("Verify the commitment before publishing it."))
    commitment.status = CommitmentStatus.PUBLISHED
    commitment.save(update_fields=["status"])
    commitment.save_revision(user=user).publish(user=user, skip_permission_checks=True)
    _after_commit(focal_points(commitment.local_government), "published", {"commitment": commitment})
    return commitment


@transaction.atomic
def send_back(commitment: Commitment, user, *, reason: str) -> Commitment:
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    _require(is_secretariat(user), _("Only the secretariat may send a commitment back."))
    if commitment.status not in (CommitmentStatus.SUBMITTED, CommitmentStatus.VERIFIED):
        raise ValidationError(_("Only a submitted or verified commitment can be sent back."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the local government should change.")})
    commitment.status = CommitmentStatus.DRAFT
    commitment.sent_back_reason = reason.strip()
    commitment.save(update_fields=["status", "sent_back_reason"])
    commitment.save_revision(user=user)
    _after_commit(
        focal_points(commitment.local_government), "sent_back", {"commitment": commitment, "reason": reason}
    )
    return commitment


# --- progress reports ----------------------------------------------------------------------------------------


@dataclass
class RowData:
    priority: CommitmentPriority
    status: str
    percent_complete: int
    indicator_value: object = None


def _check_report(commitment: Commitment, reporting_date: dt.date, rows: list[RowData]) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if reporting_date > today:
        errors.setdefault("reporting_date", []).append(_("The reporting date cannot be in the future."))
    if commitment.start_date and reporting_date < commitment.start_date:
        errors.setdefault("reporting_date", []).append(
            _("The reporting date is before the commitment started (%(start)s).")
            % {"start": commitment.start_date.strftime("%d/%m/%Y")}
        )
    for row in rows:
        if row.priority.commitment_id != commitment.pk:
            raise PermissionDenied(_("This priority belongs to another commitment."))
        if not 0 <= row.percent_complete <= 100:
            errors.setdefault("__all__", []).append(_("Percent complete must be between 0 and 100."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def file_report(
    commitment: Commitment,
    user,
    *,
    reporting_date: dt.date,
    narrative: str,
    rows: list[RowData],
    evidence_links: str = "",
    evidence_document=None,
) -> ProgressReport:
    """A focal point reports on their local government's published commitment."""
    require_can_act_for(
        user,
        commitment.local_government,
        _("Only a focal point of this local government may report on its commitment."),
    )
    if not commitment.live:
        raise ValidationError(_("Progress can only be reported on a published commitment."))
    _check_report(commitment, reporting_date, rows)
    report = ProgressReport(
        commitment=commitment,
        reporting_date=reporting_date,
        narrative=narrative,
        evidence_links=evidence_links,
        submitted_by=user,
    )
    if evidence_document:
        report.evidence_document = evidence_document
    report.save()
    _save_rows(report, rows)
    report.save_revision(user=user)
    _after_commit(secretariat_users(), "report_submitted", {"report": report, "commitment": commitment})
    return report


def _save_rows(report: ProgressReport, rows: list[RowData]) -> None:
    # In bulk, without signals: the report awaits moderation, so its rows do not count in the figures yet.
    report.rows.all().delete()
    try:
        PriorityProgress.objects.bulk_create(
            PriorityProgress(
                report=report,
                priority=row.priority,
                status=row.status,
                percent_complete=row.percent_complete,
                indicator_value=row.indicator_value,
            )
            for row in rows
        )
    except IntegrityError as exc:  # pragma: no cover - guarded by _check_report
        raise ValidationError(_("Each priority can appear once in a report.")) from exc


@transaction.atomic
def edit_report(
    report: ProgressReport,
    user,
    *,
    reporting_date: dt.date,
    narrative: str,
    rows: list[RowData],
    evidence_links: str = "",
    evidence_document=None,
) -> ProgressReport:
    """Change a report; the earlier version stays in its revisions and it goes through moderation again."""
    report = ProgressReport.objects.select_for_update().select_related("commitment").get(pk=report.pk)
    commitment = report.commitment
    require_can_act_for(
        user,
        commitment.local_government,
        _("Only a focal point of this local government may edit its reports."),
    )
    _check_report(commitment, reporting_date, rows)
    if not report.revisions.exists():  # keep the version filed before revisions were recorded
        report.save_revision(user=report.submitted_by)
    report.reporting_date = reporting_date
    report.narrative = narrative
    report.evidence_links = evidence_links
    if evidence_document:
        report.evidence_document = evidence_document
    report.status = ReportStatus.SUBMITTED
    report.moderation_note = ""
    report.save()
    _save_rows(report, rows)
    report.save_revision(user=user)
    _after_commit(secretariat_users(), "report_submitted", {"report": report, "commitment": commitment})
    return report


@transaction.atomic
def approve_report(report: ProgressReport, user) -> ProgressReport:
    _require(is_secretariat(user), _("Only the secretariat may approve a progress report."))
    report = ProgressReport.objects.select_for_update().select_related("commitment").get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("This report is not awaiting moderation."))
    report.status = ReportStatus.APPROVED
    report.reviewed_by, report.reviewed_at = user, timezone.now()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at"])  # the figures follow (signals.py)
    _after_commit(
        focal_points(report.commitment.local_government),
        "report_approved",
        {"report": report, "commitment": report.commitment},
    )
    return report


@transaction.atomic
def send_back_report(report: ProgressReport, user, *, reason: str) -> ProgressReport:
    _require(is_secretariat(user), _("Only the secretariat may send a progress report back."))
    report = ProgressReport.objects.select_for_update().select_related("commitment").get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("This report is not awaiting moderation."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the focal point should change.")})
    report.status = ReportStatus.SENT_BACK
    report.moderation_note = reason.strip()
    report.reviewed_by, report.reviewed_at = user, timezone.now()
    report.save(update_fields=["status", "moderation_note", "reviewed_by", "reviewed_at"])
    _after_commit(
        focal_points(report.commitment.local_government),
        "report_sent_back",
        {"report": report, "commitment": report.commitment, "reason": reason},
    )
    return report


# --- reminders -----------------------------------------------------------------------------------------------


def send_report_reminders(today: dt.date | None = None) -> list[ReportReminder]:
    """E-mail the focal points of every overdue commitment, once per overdue period."""
    today = today or timezone.localdate()
    sent = []
    for commitment in Commitment.objects.overdue(today).select_related("local_government"):
        due_on = commitment.report_due_on
        with transaction.atomic():
            reminder, created = ReportReminder.objects.get_or_create(commitment=commitment, due_on=due_on)
            if not created:
                continue
            reminder.recipients = notify(
                focal_points(commitment.local_government),
                "report_overdue",
                {"commitment": commitment, "due_on": due_on},
            )
            reminder.save(update_fields=["recipients"])
        sent.append(reminder)
    return sent

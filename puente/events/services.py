"""Writes that span several records or send mail: registration, waiting list, reminders, attendance.

Capacity is checked with the meeting row locked (``select_for_update``), so concurrent sign-ups and
cancellations are serialised per meeting and never over-book on PostgreSQL. E-mails go out after the
transaction commits, in the recipient's language, with the meeting's .ics attached.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from puente.organizations.models import Membership

from . import ical
from .models import Attendance, Meeting, Registration, RegistrationStatus


class EmailKind:
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"
    CANCELLED = "cancelled"
    REMINDER = "reminder"


def recipient_language(user, language: str | None = None) -> str:
    """The user's preferred language, else the language of the request, else the site default."""
    codes = {code for code, _name in settings.LANGUAGES}
    for candidate in (getattr(user, "preferred_language", ""), language):
        if candidate and candidate[:2] in codes:
            return candidate[:2]
    return settings.LANGUAGE_CODE


def send_registration_email(registration: Registration, kind: str, language: str | None = None) -> None:
    """One e-mail about ``registration`` (confirmed, waitlisted, promoted, cancelled, reminder)."""
    user = registration.user
    if not user.email:
        return
    meeting = registration.meeting
    with translation.override(recipient_language(user, language)):
        context = {
            "registration": registration,
            "meeting": meeting,
            "user": user,
            "url": ical.site_url() + meeting.get_absolute_url(),
            "position": registration.waitlist_position(),
        }
        subject = " ".join(render_to_string(f"events/email/{kind}_subject.txt", context).split())
        body = render_to_string(f"events/email/{kind}.txt", context)
        message = EmailMultiAlternatives(subject, body, to=[user.email])
        if kind != EmailKind.CANCELLED:
            data = ical.calendar_bytes([meeting], name=meeting.title, user=user)
            message.attach(ical.filename(meeting.slug), data, "text/calendar")
        message.send()


def _after_commit(registration, kind, language):
    transaction.on_commit(lambda: send_registration_email(registration, kind, language), robust=True)


def default_organisation(user, meeting):
    """The organisation a person registers for: one of the group's members if they work for one."""
    memberships = Membership.objects.filter(user=user).select_related("organisation").order_by("created_at")
    organisations = [m.organisation for m in memberships]
    if meeting.group_id:
        member_ids = set(meeting.group.members.values_list("pk", flat=True))
        for organisation in organisations:
            if organisation.pk in member_ids:
                return organisation
    return organisations[0] if organisations else None


def _lock(meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _promote(meeting, language) -> list[Registration]:
    """Fill free places from the waiting list, first come first served. Caller holds the meeting lock."""
    promoted = []
    if meeting.capacity is None:
        free = None
    else:
        free = meeting.capacity - Registration.objects.filter(meeting=meeting).confirmed().count()
    for registration in Registration.objects.filter(meeting=meeting).waitlisted().select_related("user"):
        if free is not None and free <= 0:
            break
        registration.status = RegistrationStatus.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        _after_commit(registration, EmailKind.PROMOTED, language)
        promoted.append(registration)
        if free is not None:
            free -= 1
    return promoted


def registration_create(*, meeting, user, organisation=None, language=None) -> Registration:
    """Sign ``user`` up: a confirmed place if there is one, else the waiting list, else refuse.

    Idempotent: signing up twice returns the existing registration. Raises ``ValidationError`` once the
    meeting has started or when both the meeting and its waiting list are full.
    """
    with transaction.atomic():
        meeting = _lock(meeting)
        if meeting.has_started():
            raise ValidationError(_("Registration is closed: this meeting has already started."))
        registration = Registration.objects.filter(meeting=meeting, user=user).first()
        if registration is not None and registration.status != RegistrationStatus.CANCELLED:
            return registration
        confirmed = Registration.objects.filter(meeting=meeting).confirmed().count()
        if meeting.capacity is None or confirmed < meeting.capacity:
            status = RegistrationStatus.CONFIRMED
        else:
            waiting = Registration.objects.filter(meeting=meeting).waitlisted().count()
            if meeting.waitlist_size is not None and waiting >= meeting.waitlist_size:
                raise ValidationError(
                    ngettext(
                        "This meeting is full (%(capacity)s place) and so is its waiting list.",
                        "This meeting is full (%(capacity)s places) and so is its waiting list.",
                        meeting.capacity,
                    )
                    % {"capacity": meeting.capacity}
                )
            status = RegistrationStatus.WAITLISTED
        if registration is None:
            registration = Registration(meeting=meeting, user=user)
        registration.status = status
        registration.organisation = organisation or default_organisation(user, meeting)
        registration.registered_at = timezone.now()
        registration.cancelled_at = None
        registration.reminder_sent_at = None
        registration.save()
        kind = EmailKind.CONFIRMED if status == RegistrationStatus.CONFIRMED else EmailKind.WAITLISTED
        _after_commit(registration, kind, language)
    return registration


def registration_cancel(*, registration, language=None) -> list[Registration]:
    """Cancel ``registration``; a freed place goes to the first person waiting, who is told by e-mail.

    Returns the registrations promoted from the waiting list.
    """
    with transaction.atomic():
        meeting = _lock(registration.meeting)
        registration.refresh_from_db()
        if registration.status == RegistrationStatus.CANCELLED:
            return []
        if meeting.has_started():
            raise ValidationError(
                _("This meeting has already started: the registration can no longer be cancelled.")
            )
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        _after_commit(registration, EmailKind.CANCELLED, language)
        return _promote(meeting, language)


def registrations_fill_places(*, meeting, language=None) -> list[Registration]:
    """After a coordinator raises the capacity: move people from the waiting list into the new places."""
    with transaction.atomic():
        return _promote(_lock(meeting), language)


def meeting_reminders_send(
    *, now: dt.datetime | None = None, within: dt.timedelta = dt.timedelta(hours=24)
) -> int:
    """Remind confirmed participants of meetings starting within ``within``. Idempotent: one reminder each.

    Each registration is claimed with a conditional UPDATE before its e-mail goes out, so two runs at the same
    time (or one after the other) never send the same reminder twice.
    """
    now = now or timezone.now()
    horizon = now + within
    # Wall-clock dates in any zone lie within a day of the UTC date.
    candidates = Meeting.objects.published().filter(
        date__gte=(now - dt.timedelta(days=1)).date(), date__lte=(horizon + dt.timedelta(days=1)).date()
    )
    sent = 0
    for meeting in candidates:
        if not now < meeting.starts_at <= horizon:
            continue
        due = (
            Registration.objects.confirmed()
            .filter(meeting=meeting, reminder_sent_at__isnull=True)
            .select_related("user", "meeting__group")
        )
        for registration in due:
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True, status=RegistrationStatus.CONFIRMED
            ).update(reminder_sent_at=now)
            if claimed:
                send_registration_email(registration, EmailKind.REMINDER)
                sent += 1
    return sent


def attendance_record(*, meeting, rows) -> None:
    """Store who attended: ``rows`` are ``(organisation, present, participants)``."""
    with transaction.atomic():
        for organisation, present, participants in rows:
            Attendance.objects.update_or_create(
                meeting=meeting,
                organisation=organisation,
                defaults={"present": present, "participants": participants},
            )

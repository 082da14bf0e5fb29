"""Joining and running organisations: register one, ask to join, accept or refuse, change roles. Each
action is one transaction and tells the people concerned by e-mail."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from puente.core.text import unique_slug

from .models import JoinRequest, JoinRequestStatus, Membership, MembershipRole, Organisation


def _mail(users, subject: str, body: str) -> None:
    for user in users:
        if user.email:
            with translation.override(user.preferred_language or translation.get_language()):
                send_mail(str(subject), str(body), None, [user.email])


def admins_of(organisation: Organisation):
    User = get_user_model()
    return User.objects.filter(
        is_active=True, memberships__organisation=organisation, memberships__role=MembershipRole.ADMIN
    )


def secretariat():
    User = get_user_model()
    return User.objects.filter(is_active=True, is_staff=True).exclude(email="")


@transaction.atomic
def register(user, organisation: Organisation, link: str) -> Organisation:
    """Save a new organisation as unverified, with its registrant as administrator, and ask the
    secretariat to verify it."""
    organisation.slug = unique_slug(Organisation.objects.all(), organisation.name, "organisation")
    organisation.is_verified = False
    organisation.save()
    Membership.objects.create(organisation=organisation, user=user, role=MembershipRole.ADMIN)
    body = _("%(user)s registered %(name)s. Verify it in the admin: %(link)s") % {
        "user": user,
        "name": organisation.name,
        "link": link,
    }
    transaction.on_commit(lambda: _mail(secretariat(), _("An organisation waits for verification"), body))
    return organisation


def ask_to_join(user, organisation: Organisation, message: str, link: str) -> JoinRequest | None:
    """A pending request (the existing one if the user asked already); None if they are a member."""
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        return None
    existing = JoinRequest.objects.filter(
        user=user, organisation=organisation, status=JoinRequestStatus.PENDING
    ).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            request = JoinRequest.objects.create(user=user, organisation=organisation, message=message[:1000])
    except IntegrityError:  # the same request sent twice at once
        return JoinRequest.objects.get(user=user, organisation=organisation, status=JoinRequestStatus.PENDING)
    body = _("%(user)s asks to join %(name)s. Accept or refuse: %(link)s") % {
        "user": user,
        "name": organisation.name,
        "link": link,
    }
    _mail(admins_of(organisation), _("A request to join %(name)s") % {"name": organisation.name}, body)
    return request


@transaction.atomic
def decide(join_request: JoinRequest, by, *, accept: bool, reason: str = "", link: str = "") -> bool:
    """Accept (the requester becomes a member) or refuse a pending request. False if it was decided
    already (by someone else, or a second click)."""
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if locked.status != JoinRequestStatus.PENDING:
        return False
    locked.status = JoinRequestStatus.ACCEPTED if accept else JoinRequestStatus.REFUSED
    locked.reason = reason[:1000]
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save()
    name = locked.organisation.name
    if accept:
        Membership.objects.get_or_create(user=locked.user, organisation=locked.organisation)
        subject = _("You are now a member of %(name)s") % {"name": name}
        body = _("Your request to join %(name)s was accepted: %(link)s") % {"name": name, "link": link}
    else:
        subject = _("Your request to join %(name)s") % {"name": name}
        body = _("Your request to join %(name)s was refused. Reason: %(reason)s") % {
            "name": name,
            "reason": reason or "–",
        }
    transaction.on_commit(lambda: _mail([locked.user], subject, body))
    return True


@transaction.atomic
def change_role(membership: Membership, new_role: str) -> bool:
    """Change a member's role; the last administrator cannot stop being one. False if refused."""
    if new_role not in MembershipRole.values:
        return False
    if membership.role == MembershipRole.ADMIN and new_role != MembershipRole.ADMIN:
        admins = Membership.objects.select_for_update().filter(
            organisation=membership.organisation, role=MembershipRole.ADMIN
        )
        if admins.count() <= 1:
            return False
    membership.role = new_role
    membership.save(update_fields=["role"])
    return True


@transaction.atomic
def remove(membership: Membership) -> bool:
    """Remove a member, unless they are the last administrator."""
    if membership.role == MembershipRole.ADMIN:
        admins = Membership.objects.select_for_update().filter(
            organisation=membership.organisation, role=MembershipRole.ADMIN
        )
        if admins.count() <= 1:
            return False
    membership.delete()
    return True

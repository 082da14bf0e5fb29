"""Who may do what to an organisation's membership. Every view asks these helpers; nothing else decides."""

from .models import Membership, MembershipRole, Organisation


def role(user, organisation: Organisation) -> str | None:
    """The user's role in the organisation, or None."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, organisation=organisation).values_list("role", flat=True).first()
    )


def is_secretariat(user) -> bool:
    """Secretariat staff who may manage any organisation (Django permission, given to the moderators)."""
    return user.is_authenticated and user.is_active and user.has_perm("organizations.change_membership")


def can_manage_members(user, organisation: Organisation) -> bool:
    """The organisation's administrators, and the secretariat."""
    return is_secretariat(user) or role(user, organisation) == MembershipRole.ADMIN


def can_ask_to_join(user, organisation: Organisation) -> bool:
    return user.is_authenticated and organisation.is_verified and role(user, organisation) is None

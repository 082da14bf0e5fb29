"""The one place that decides who may do what. Views call these helpers; tests exercise them.

Roles:
- visitor: anonymous.
- member: any signed-in user with a verified e-mail.
- organisation roles (``organizations.Membership.role``): member, editor, focal point, admin.
  A focal point may act for a local government (commitments, reports, assessments).
- secretariat: staff users (``is_staff``) or members of the "Secretariat" group; they moderate and verify.
- moderators: members of Wagtail's "Moderators" group (the contribution moderation workflow).
- site admin: superusers.

Anyone with staff powers (``has_staff_powers``) must have used a second factor at this sign-in
(``accounts.middleware``).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

SECRETARIAT_GROUP = "Secretariat"
MODERATORS_GROUP = "Moderators"


def is_secretariat(user) -> bool:
    """Secretariat moderators and site admins."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return user.groups.filter(name=SECRETARIAT_GROUP).exists()


def has_staff_powers(user) -> bool:
    """Admin or moderation powers of any kind: the secretariat, the Moderators group, and anyone Wagtail lets
    into its admin. One query for members without ``is_staff``/``is_superuser``."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    # Wagtail's "access admin" permission, held through a group or directly.
    admin_app, admin_codename = "wagtailadmin", "access_admin"
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(
            Q(groups__name__in=[SECRETARIAT_GROUP, MODERATORS_GROUP])
            | Q(
                groups__permissions__content_type__app_label=admin_app,
                groups__permissions__codename=admin_codename,
            )
            | Q(
                user_permissions__content_type__app_label=admin_app, user_permissions__codename=admin_codename
            )
        )
        .exists()
    )


def can_view_unpublished(user) -> bool:
    """Secretariat staff may preview drafts; everyone else sees published records only."""
    return is_secretariat(user)


def organisation_role(user, organisation) -> str | None:
    """The user's role in ``organisation`` (a ``MembershipRole`` value), or None."""
    if not user.is_authenticated or organisation is None:
        return None
    from puente.organizations.models import Membership

    return (
        Membership.objects.filter(user=user, organisation=organisation).values_list("role", flat=True).first()
    )


def has_organisation_role(user, organisation, roles) -> bool:
    return organisation_role(user, organisation) in set(roles)


def is_focal_point(user, organisation) -> bool:
    """May act for ``organisation`` (a local government): focal points and organisation admins."""
    from puente.organizations.models import MembershipRole

    return has_organisation_role(user, organisation, {MembershipRole.FOCAL_POINT, MembershipRole.ADMIN})


class AwaitingVerification(PermissionDenied):
    """A focal point was refused only because the secretariat has not verified the organisation yet."""

    def __init__(self, organisation):
        from django.utils.translation import gettext as _

        super().__init__(
            _(
                "%(name)s is waiting for the secretariat to verify it. Until then, no one can draft or submit "
                "commitments, report progress or start self-assessments in its name."
            )
            % {"name": organisation.name}
        )
        self.organisation = organisation


def can_act_for(user, organisation) -> bool:
    """Speak for ``organisation`` as a government (draft and submit commitments, file progress reports, run
    self-assessments): its focal points and administrators, once the secretariat has verified it."""
    return bool(organisation is not None and organisation.is_verified and is_focal_point(user, organisation))


def require_can_act_for(user, organisation, message: str = "") -> None:
    """Raise unless ``can_act_for``: ``AwaitingVerification`` for a focal point of an organisation that waits
    for verification (so that views can say so), ``PermissionDenied(message)`` for everyone else."""
    if can_act_for(user, organisation):
        return
    if organisation is not None and not organisation.is_verified and is_focal_point(user, organisation):
        raise AwaitingVerification(organisation)
    raise PermissionDenied(message)


def require(condition: bool) -> None:
    """Raise 403 unless ``condition`` holds. Use with the predicates above."""
    if not condition:
        raise PermissionDenied


def get_visible_or_404(queryset, request, **lookup):
    """Fetch one moderated record that the requesting user may see, or raise 404: published records for
    everyone; drafts, as a preview, for those who may edit them (``can_edit_contribution``: their submitter
    and their organisations' editors); drafts and deleted records for the secretariat."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    user = request.user
    if obj.is_published or can_view_unpublished(user):
        return obj
    if obj.deleted_at is None and can_edit_contribution(user, obj):
        return obj
    raise Http404


# --- working groups and meetings ------------------------------------------------------------------------


def is_group_coordinator(user, group) -> bool:
    """May manage ``group``'s members and edit its meetings: its coordinators and the secretariat."""
    if group is None or not user.is_authenticated or not user.is_active:
        return False
    if is_secretariat(user):
        return True
    return group.coordinators.filter(pk=user.pk).exists()


def is_group_member(user, group) -> bool:
    """Belongs to ``group``: works for one of its member organisations, or coordinates it."""
    if group is None or not user.is_authenticated or not user.is_active:
        return False
    from puente.organizations.models import Membership

    if Membership.objects.filter(user=user, organisation__groups=group).exists():
        return True
    return is_group_coordinator(user, group)


def can_see_group_documents(user, group) -> bool:
    """Documents, minutes, decisions, action items and join links: everyone for a public group (or a meeting
    outside any group), members only for a members-only group. The meetings themselves are always listed."""
    if group is None or group.is_public:
        return True
    return is_group_member(user, group)


def can_edit_meeting(user, meeting) -> bool:
    """Details, agenda, minutes, decisions, action items, attendance and the attendee list of ``meeting``."""
    if meeting.group_id is None:
        return is_secretariat(user)
    return is_group_coordinator(user, meeting.group)


def can_register(user, meeting) -> bool:
    """Signed-in people may sign up for meetings; for a members-only group's meetings, its members only."""
    if not user.is_authenticated or not user.is_active:
        return False
    return can_see_group_documents(user, meeting.group)


# --- organisations ------------------------------------------------------------------------------------------


def can_manage_members(user, organisation) -> bool:
    """Accept or refuse requests to join, change roles, remove members: the organisation's administrators
    and the secretariat."""
    from puente.organizations.models import MembershipRole

    return is_secretariat(user) or organisation_role(user, organisation) == MembershipRole.ADMIN


def can_ask_to_join(user, organisation) -> bool:
    return (
        user.is_authenticated and organisation.is_verified and organisation_role(user, organisation) is None
    )


# --- contributions ------------------------------------------------------------------------------------------


def can_edit_contribution(user, obj) -> bool:
    """Edit a practice or resource from the public site: its submitter, the editors, focal points and
    administrators of an organisation it belongs to, and the secretariat. Never anyone else."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_secretariat(user):
        return True
    if getattr(obj, "submitted_by_id", None) == user.pk:
        return True
    from django.contrib.contenttypes.models import ContentType

    from puente.contributions.models import Contribution

    content_type = ContentType.objects.get_for_model(type(obj))
    if Contribution.objects.filter(content_type=content_type, object_id=obj.pk, submitter=user).exists():
        return True
    from puente.organizations.models import Membership, MembershipRole

    organisations = obj.organisations.all() if hasattr(obj, "organisations") else []
    return Membership.objects.filter(
        user=user,
        organisation__in=organisations,
        role__in=[MembershipRole.EDITOR, MembershipRole.FOCAL_POINT, MembershipRole.ADMIN],
    ).exists()

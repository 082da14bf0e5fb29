from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from puente.core.viewsets import ModeratedRecordViewSet

from .models import Meeting, Registration
from .signals import fill_places


class MeetingViewSet(ModeratedRecordViewSet):
    model = Meeting
    icon = "date"
    menu_label = _("Meetings")
    list_display = ["title", "date", "start_time", "end_time", "time_zone", "group", "live"]
    list_filter = ["live", "group", "is_online"]
    search_fields = ["title", "objective"]


class RegistrationViewSet(SnippetViewSet):
    """Staff see and correct registrations; sign-ups and cancellations go through the meeting page."""

    model = Registration
    icon = "user"
    menu_label = _("Registrations")
    list_display = ["user", "meeting", "organisation", "status", "registered_at"]
    list_filter = ["status", "meeting"]
    search_fields = ["user__username", "user__email", "meeting__title"]


class EventsViewSetGroup(SnippetViewSetGroup):
    items = (MeetingViewSet, RegistrationViewSet)
    menu_icon = "date"
    menu_label = _("Meetings")
    menu_order = 206
    add_to_admin_menu = True


register_snippet(EventsViewSetGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def fill_places_after_staff_change_a_registration(request, instance):
    """A place that staff cancel (or a waiting registration they add) in the admin goes to the first person
    waiting, as when people cancel on the meeting page."""
    if isinstance(instance, Registration):
        fill_places(instance.meeting_id)

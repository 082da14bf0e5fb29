"""No one waits while a place is free, whatever freed it.

``services`` fills freed places itself when someone cancels on the meeting page. Places are also freed where
``services`` is not called: a capacity raised in the admin or by approving a revision in a workflow, a
registration deleted in the admin (one or in bulk) or with its person's account. Those paths end here, and
``services.registrations_fill_places`` (which locks the meeting row and e-mails the people promoted) runs.
"""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from .models import Meeting, Registration


def fill_places(meeting_id) -> None:
    from .services import registrations_fill_places

    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or meeting.has_started():
        return
    if Registration.objects.filter(meeting=meeting).waitlisted().exists():
        registrations_fill_places(meeting=meeting)


def _meeting_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        fill_places(instance.pk)


def _registration_deleted(sender, instance, origin=None, **kwargs):
    going = origin.model if isinstance(origin, QuerySet) else type(origin)
    if origin is not None and issubclass(going, Meeting):  # the meeting itself is going
        return
    fill_places(instance.meeting_id)


def connect() -> None:
    post_save.connect(_meeting_saved, sender=Meeting, dispatch_uid="events-fill-places-meeting")
    post_delete.connect(_registration_deleted, sender=Registration, dispatch_uid="events-fill-places-deleted")

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from puente.core.models import ModeratedRecord, PublishedQuerySet

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


def _minutes(value: dt.time) -> int:
    """Minutes since midnight of a wall-clock time."""
    return value.hour * 60 + value.minute


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class MeetingQuerySet(PublishedQuerySet):
    def for_list(self):
        return self.select_related("group").order_by("date", "start_time")

    def upcoming(self):
        return self.filter(date__gte=timezone.localdate())

    def past(self):
        return self.filter(date__lt=timezone.localdate())

    def for_calendar(self):
        """What an iCalendar feed needs: the group (for visibility and the join link) and the agenda."""
        return self.select_related("group").prefetch_related("agenda_items").order_by("date", "start_time")

    def before(self, meeting):
        """Meetings that start earlier on the wall clock than ``meeting`` (same-day ties broken by time)."""
        return self.filter(
            Q(date__lt=meeting.date) | Q(date=meeting.date, start_time__lt=meeting.start_time)
        ).exclude(pk=meeting.pk)


# Fields whose change makes calendar clients update their copy (iCalendar SEQUENCE).
SCHEDULE_FIELDS = ("date", "start_time", "end_time", "time_zone", "is_online", "online_url", "place")


class Meeting(ModeratedRecord, index.Indexed, ClusterableModel):
    """A meeting or event: a working group session, a webinar, a conference.

    Times are wall-clock times in ``time_zone`` (an IANA name); ``starts_at``/``ends_at`` give aware
    datetimes. The agenda is a list of ``AgendaItem`` rows; after the meeting come its ``minutes``,
    ``Decision`` and ``ActionItem`` rows, and the ``Attendance`` of each organisation. People sign up through
    ``Registration`` rows (see ``services.registration_create``). ``sequence`` counts schedule changes for
    calendar clients.

    Meetings are moderated records: a member's proposed event is a draft until the secretariat approves it,
    and only published, undeleted meetings (``Meeting.objects.published()``) appear on the public site.
    Meetings made by a group's coordinators are published at once.
    """

    group = models.ForeignKey(
        "groups.WorkingGroup",
        verbose_name=_("working group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    is_online = models.BooleanField(_("online"), default=True)
    online_url = models.URLField(_("online link"), blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
        help_text=_("Where an in-person meeting takes place."),
    )
    objective = models.TextField(_("objective"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    waitlist_size = models.PositiveIntegerField(
        _("waiting list size"),
        null=True,
        blank=True,
        help_text=_("How many people may wait for a place once the meeting is full; empty for no limit."),
    )
    topics = ParentalManyToManyField(
        "taxonomy.Topic", verbose_name=_("topics"), blank=True, related_name="meetings"
    )
    organisations = ParentalManyToManyField(
        "organizations.Organisation",
        verbose_name=_("organised by"),
        blank=True,
        related_name="organised_meetings",
    )
    minutes = models.TextField(_("minutes"), blank=True)
    sequence = models.PositiveIntegerField(_("revision of the schedule"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    panels = [
        FieldPanel("group"),
        FieldPanel("title"),
        FieldPanel("slug"),
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("start_time"), FieldPanel("end_time"), FieldPanel("time_zone")],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("is_online"),
                FieldPanel("online_url"),
                FieldPanel("place"),
                FieldPanel("country"),
                FieldPanel("capacity"),
                FieldPanel("waitlist_size"),
            ],
            heading=_("Where"),
        ),
        FieldPanel("objective"),
        InlinePanel("agenda_items", label=_("Agenda")),
        InlinePanel("documents", label=_("Documents")),
        FieldPanel("minutes"),
        InlinePanel("decisions", label=_("Decisions")),
        InlinePanel("action_items", label=_("Action items")),
        FieldPanel("topics"),
        FieldPanel("organisations"),
    ]
    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("objective"),
        index.FilterField("date"),
        index.FilterField("deleted_at"),
    ]

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_schedule = instance._schedule()
        return instance

    def _schedule(self) -> tuple:
        return tuple(getattr(self, name, None) for name in SCHEDULE_FIELDS)

    def save(self, *args, **kwargs):
        # Calendar clients only replace their copy of an event when its SEQUENCE grows (RFC 5545, 3.8.7.4).
        loaded = getattr(self, "_loaded_schedule", None)
        if loaded is not None and loaded != self._schedule():
            self.sequence += 1
        super().save(*args, **kwargs)
        self._loaded_schedule = self._schedule()

    def with_content_json(self, content):
        """A revision's version (the admin and workflows publish these) compared with the stored schedule and
        counting on from the stored sequence: a revision's own copy of the sequence is that of its day."""
        obj = super().with_content_json(content)
        obj.sequence = self.sequence
        obj._loaded_schedule = self._schedule()
        return obj

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.slug])

    def clean(self):
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The meeting must end after it starts.")})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.start_time, tzinfo=self.tz)

    @property
    def ends_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.end_time, tzinfo=self.tz)

    @property
    def length_minutes(self) -> int:
        return _minutes(self.end_time) - _minutes(self.start_time)

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def has_ended(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.ends_at

    def agenda_review(self) -> "AgendaReview":
        """The agenda with its warnings: clashes, overlaps, durations that disagree or do not add up.

        Works on ``agenda_items.all()`` so a prefetched agenda costs no query. These are warnings, not errors:
        a published agenda (like the seed's "10:05–11:45, 40 min") stays as written and is flagged.
        """
        review = AgendaReview(length=self.length_minutes)
        latest_end, latest_item = None, None
        for item in self.agenda_items.all():
            row = AgendaRow(item=item)
            review.rows.append(row)
            if item.is_parallel:
                continue
            if item.duration_mismatch:
                row.warnings.append(
                    _("The time range and the duration do not match")
                    + ": "
                    + _("the time range covers %(span)s min, the stated duration is %(duration)s min.")
                    % {"span": item.span_minutes, "duration": item.duration_minutes}
                )
            start = _minutes(item.start_time)
            if latest_end is not None and start < latest_end:
                row.warnings.append(
                    _("Overlaps the item at %(start)s–%(end)s.")
                    % {"start": latest_item.start_time.strftime("%H:%M"), "end": _hhmm(latest_end)}
                )
            if item.end_time is not None:
                end = _minutes(item.end_time)
                if self.end_time and end > _minutes(self.end_time):
                    row.warnings.append(
                        _("Ends at %(end)s, after the meeting ends (%(meeting_end)s).")
                        % {"end": _hhmm(end), "meeting_end": self.end_time.strftime("%H:%M")}
                    )
                if latest_end is None or end > latest_end:
                    latest_end, latest_item = end, item
            if item.duration_minutes:
                review.total += item.duration_minutes
        return review


@dataclass
class AgendaRow:
    """One agenda item and the warnings about it."""

    item: "AgendaItem"
    warnings: list = field(default_factory=list)


@dataclass
class AgendaReview:
    """A meeting's agenda rows, the sum of their durations and the meeting's length, in minutes."""

    length: int
    rows: list = field(default_factory=list)
    total: int = 0

    @property
    def durations_add_up(self) -> bool:
        return self.total == self.length

    @property
    def warning_count(self) -> int:
        return sum(len(row.warnings) for row in self.rows) + (
            0 if self.durations_add_up or not self.total else 1
        )


class AgendaItem(Orderable):
    """One item of a meeting's agenda: time range, title, speakers and their organisations, planned duration.

    An item without times runs in parallel with the previous one (e.g. break-out groups).
    """

    meeting = ParentalKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("to"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=500)
    speakers = models.CharField(
        _("speakers"), max_length=500, blank=True, help_text=_("Names and organisations of the speakers.")
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)

    panels = [
        FieldPanel("start_time"),
        FieldPanel("end_time"),
        FieldPanel("title"),
        FieldPanel("speakers"),
        FieldPanel("duration_minutes"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        """Refuse items that cannot be right; flag (in ``Meeting.agenda_review``) those that may be typos.

        An item must start inside the meeting's time. When its end time and its stated duration disagree, it is
        refused only if both readings run past the meeting's end: "10:05–11:45, 40 min" in a meeting that ends
        at 11:30 is kept and flagged, "11:00–13:00" is refused.
        """
        if self.start_time is None:
            if self.end_time is not None:
                raise ValidationError(
                    {"start_time": _("Give a start time too, or leave both times empty for a parallel item.")}
                )
            return
        if self.end_time is not None and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("An agenda item must end after it starts.")})
        try:
            meeting = self.meeting
        except Meeting.DoesNotExist:
            return
        if meeting is None or meeting.start_time is None or meeting.end_time is None:
            return
        if meeting.end_time <= meeting.start_time:
            return  # the meeting's own times are wrong; that error is reported on the meeting
        window = {"from": meeting.start_time.strftime("%H:%M"), "to": meeting.end_time.strftime("%H:%M")}
        if not meeting.start_time <= self.start_time < meeting.end_time:
            raise ValidationError(
                {
                    "start_time": _(
                        "This item starts at %(start)s, outside the meeting's time (%(from)s–%(to)s)."
                    )
                    % {"start": self.start_time.strftime("%H:%M"), **window}
                }
            )
        ends = []
        if self.end_time is not None:
            ends.append(_minutes(self.end_time))
        if self.duration_minutes:
            ends.append(_minutes(self.start_time) + self.duration_minutes)
        if ends and min(ends) > _minutes(meeting.end_time):
            raise ValidationError(
                {
                    "end_time": _("This item ends at %(end)s, after the meeting ends (%(from)s–%(to)s).")
                    % {"end": _hhmm(min(ends)), **window}
                }
            )

    @property
    def is_parallel(self) -> bool:
        return self.start_time is None

    @property
    def span_minutes(self) -> int | None:
        if self.start_time is None or self.end_time is None:
            return None
        return _minutes(self.end_time) - _minutes(self.start_time)

    @property
    def duration_mismatch(self) -> bool:
        """True when the time range and the stated duration disagree (as in a typo like 10.05-11.45, 40 min)."""
        span = self.span_minutes
        return span is not None and self.duration_minutes is not None and span != self.duration_minutes


class MeetingDocument(Orderable):
    """A document of a meeting (background note, presentation, report), kept in Wagtail's library.

    Like the minutes, documents of a members-only group's meetings are shown to the group's members only.
    """

    meeting = ParentalKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(
        _("title"), max_length=255, blank=True, help_text=_("Leave empty to use the document's own title.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title or self.document.title


class Decision(Orderable):
    """A decision taken at a meeting, recorded with its minutes."""

    meeting = ParentalKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))

    panels = [FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:80]


class ActionItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_ACTION_STATUSES = (ActionItemStatus.OPEN, ActionItemStatus.IN_PROGRESS)


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def carried_to(self, meeting):
        """Open action items from the group's earlier meetings: they stay on each next agenda until closed."""
        if meeting.group_id is None:
            return self.none()
        earlier = Meeting.objects.filter(group_id=meeting.group_id).before(meeting)
        return (
            self.open()
            .filter(meeting__in=earlier)
            .select_related("meeting")
            .order_by("meeting__date", "meeting__start_time", "sort_order")
        )


class ActionItem(Orderable):
    """Something a meeting asked someone to do: owner, due date and status.

    While open or in progress it is carried forward to the agenda page of the group's next meetings.
    """

    meeting = ParentalKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(_("action"), max_length=500)
    owner = models.CharField(
        _("owner"), max_length=255, blank=True, help_text=_("A person, organisation or the secretariat.")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ActionItemStatus.choices, default=ActionItemStatus.OPEN
    )

    objects = ActionItemQuerySet.as_manager()

    panels = [FieldPanel("title"), FieldPanel("owner"), FieldPanel("due_date"), FieldPanel("status")]

    class Meta(Orderable.Meta):
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=RegistrationStatus.WAITLISTED).order_by("registered_at", "pk")

    def active(self):
        return self.exclude(status=RegistrationStatus.CANCELLED)

    def for_export(self):
        return self.select_related("user", "organisation__country").order_by("status", "registered_at", "pk")


class Registration(models.Model):
    """A person's place at a meeting: confirmed, on the waiting list, or cancelled. One per meeting and person.

    Written only through ``services.registration_create`` / ``registration_cancel``, which lock the meeting row
    so that concurrent sign-ups never exceed its capacity. ``registered_at`` orders the waiting list.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="meeting_registrations",
    )
    organisation = models.ForeignKey(
        "organizations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_registrations",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.CONFIRMED
    )
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["registered_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="unique_registration")]

    def __str__(self) -> str:
        return f"{self.user} – {self.meeting} ({self.get_status_display()})"

    def waitlist_position(self) -> int | None:
        if self.status != RegistrationStatus.WAITLISTED:
            return None
        return (
            Registration.objects.waitlisted()
            .filter(meeting_id=self.meeting_id)
            .filter(
                Q(registered_at__lt=self.registered_at) | Q(registered_at=self.registered_at, pk__lt=self.pk)
            )
            .count()
            + 1
        )


class Attendance(models.Model):
    """Whether an organisation (a municipality) took part in a meeting, and with how many people."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    organisation = models.ForeignKey(
        "organizations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="meeting_attendance",
    )
    present = models.BooleanField(_("present"), default=False)
    participants = models.PositiveSmallIntegerField(_("participants"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "organisation"], name="unique_attendance")]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.meeting}"

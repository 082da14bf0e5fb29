import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, RevisionMixin
from wagtail.search import index

from puente.core.models import ModeratedRecord, PublishedQuerySet
from puente.core.uploads import RandomName, validate_document
from puente.core.widgets import EvidenceFileInput
from puente.taxonomy.models import Language, Tagged


class CommitmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified by the secretariat")
    PUBLISHED = "published", _("Published")


class Competence(models.TextChoices):
    """Who can deliver a priority: the municipality alone, together with another level, or another level."""

    MUNICIPAL = "municipal", _("The municipality")
    SHARED = "shared", _("Shared with another level of government")
    OTHER_LEVEL = "other", _("Another level of government")


class PriorityStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DISCONTINUED = "discontinued", _("Discontinued")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def overdue_months() -> int:
    return int(getattr(settings, "PUENTE_REPORT_OVERDUE_MONTHS", 6))


def _overall_progress(priorities, latest: dict) -> int | None:
    """The rule of ``Commitment.compute_progress``, on loaded priorities and their latest approved rows."""
    if not latest:
        return None
    values = []
    for priority in priorities:
        row = latest.get(priority.pk)
        if (row.status if row else priority.status) == PriorityStatus.DISCONTINUED:
            continue
        values.append(row.percent_complete if row else 0)
    return round(sum(values) / len(values)) if values else None


class CommitmentQuerySet(PublishedQuerySet):
    def for_list(self):
        return (
            self.select_related("local_government__country")
            .prefetch_related("cla_objectives", "topics")
            .order_by("title")
        )

    def for_organisations(self, organisations):
        return self.filter(local_government__in=organisations)

    def overdue(self, today: dt.date | None = None):
        """Published commitments with no approved report for ``PUENTE_REPORT_OVERDUE_MONTHS``.

        The clock starts at the last approved report, or at publication when there is none yet.
        """
        today = today or timezone.localdate()
        cutoff = add_months(today, -overdue_months())
        return self.published().filter(
            Q(last_report_on__lt=cutoff) | Q(last_report_on__isnull=True, first_published_at__date__lt=cutoff)
        )


class Commitment(ModeratedRecord, index.Indexed, Tagged):
    """A local or regional government's public pledge under the Call to Local Action.

    Ordered ``priorities``, ``impacts`` (expected impact) and ``partner_initiatives`` are child rows;
    priority objectives are the ``cla_objectives`` tags. The register is ordered by title, and
    ``previous``/``next`` follow that order among published commitments.
    """

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    local_government = models.ForeignKey(
        "organizations.Organisation",
        verbose_name=_("local government"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    mayor = models.CharField(_("mayor"), max_length=255, blank=True)
    start_date = models.DateField(_("start of project"), null=True, blank=True)
    end_date = models.DateField(
        _("end of project"), null=True, blank=True, help_text=_("Leave empty for “to be confirmed”.")
    )
    website = models.URLField(_("website"), blank=True)
    summary = models.TextField(_("summary"), help_text=_("Shown in listings."))
    overview = RichTextField(_("overview"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by (account)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_commitments",
    )
    submitter_name = models.CharField(_("submitted by"), max_length=255, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.EN)

    # The mayor's sign-off, recorded by a focal point before the commitment can be submitted.
    signed_off_by_mayor = models.CharField(_("signed off by (mayor)"), max_length=255, blank=True)
    signed_off_on = models.DateField(_("signed off on"), null=True, blank=True)
    sign_off_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sign-off recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    sent_back_reason = models.TextField(_("reason it was sent back"), blank=True)

    # Derived from approved progress reports by ``refresh_progress()`` (see ``signals.py``); never typed in.
    progress_percent = models.PositiveSmallIntegerField(_("overall progress (%)"), null=True, editable=False)
    last_report_on = models.DateField(_("last report"), null=True, editable=False)

    objects = CommitmentQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        MultiFieldPanel(
            [
                FieldPanel("local_government"),
                FieldPanel("mayor"),
                FieldPanel("start_date"),
                FieldPanel("end_date"),
                FieldPanel("website"),
            ],
            heading=_("Local government"),
        ),
        FieldPanel("summary"),
        FieldPanel("overview"),
        InlinePanel("priorities", label=_("Priorities")),
        InlinePanel("impacts", label=_("Expected impact")),
        InlinePanel("partner_initiatives", label=_("Partner initiatives")),
        FieldPanel("status"),
        MultiFieldPanel(
            [FieldPanel("submitter_name"), FieldPanel("submitted_by"), FieldPanel("submitted_on")],
            heading=_("Submission"),
        ),
        MultiFieldPanel([FieldPanel(name) for name in Tagged.TAG_FIELDS], heading=_("Tags")),
        FieldPanel("language"),
    ]

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("summary"),
        index.SearchField("overview"),
        index.FilterField("live"),
        index.FilterField("deleted_at"),
        index.FilterField("status"),
    ]

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commitments:detail", args=[self.slug])

    @property
    def submitter_display(self) -> str:
        return self.submitter_name or (str(self.submitted_by) if self.submitted_by_id else "")

    @property
    def title_with_local_government(self) -> str:
        """The title after the local government's name, unless the title already starts with it."""
        name = self.local_government.name
        if self.title.casefold().startswith(name.casefold()):
            return self.title
        return f"{name}: {self.title}"

    def previous(self):
        return Commitment.objects.published().filter(title__lt=self.title).order_by("-title").first()

    @property
    def is_editable_by_local_government(self) -> bool:
        """Focal points edit a commitment while it is a draft (or was sent back to them)."""
        return self.status == CommitmentStatus.DRAFT

    @property
    def is_signed_off(self) -> bool:
        return bool(self.signed_off_by_mayor and self.signed_off_on)

    @property
    def report_due_on(self) -> dt.date | None:
        """The day after which the commitment is "report overdue"."""
        start = self.last_report_on or (self.first_published_at.date() if self.first_published_at else None)
        return add_months(start, overdue_months()) if start else None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        due = self.report_due_on
        return bool(self.live and due and due < (today or timezone.localdate()))

    def latest_progress_by_priority(self) -> dict[int, "PriorityProgress"]:
        """For each priority, its row in the newest approved report that mentions it."""
        rows = (
            PriorityProgress.objects.filter(report__commitment=self, report__status=ReportStatus.APPROVED)
            .select_related("report")
            .order_by("priority_id", "-report__reporting_date", "-report__pk")
        )
        latest: dict[int, PriorityProgress] = {}
        for row in rows:
            latest.setdefault(row.priority_id, row)
        return latest

    def compute_progress(self) -> int | None:
        """Overall progress: the mean of each priority's latest reported percentage (0 when never
        reported), leaving out discontinued priorities. None until a report has been approved."""
        priorities = list(CommitmentPriority.objects.filter(commitment=self))
        return _overall_progress(priorities, self.latest_progress_by_priority())

    def refresh_progress(self) -> None:
        """Recompute the derived figures from the approved reports: overall progress, last report date and
        each reported priority's status (copied from its latest approved row).

        ``signals.py`` calls it whenever a report, a report's row or a priority is saved or deleted, whatever
        the path (public forms, the admin's views and bulk actions, revisions, loaders), so callers never do."""
        latest = self.latest_progress_by_priority()
        priorities = list(CommitmentPriority.objects.filter(commitment=self))
        for priority in priorities:
            row = latest.get(priority.pk)
            if row and priority.status != row.status:
                CommitmentPriority.objects.filter(pk=priority.pk).update(status=row.status)
                priority.status = row.status
        self.progress_percent = _overall_progress(priorities, latest)
        self.last_report_on = self.reports.approved().aggregate(last=Max("reporting_date"))["last"]
        Commitment.objects.filter(pk=self.pk).update(
            progress_percent=self.progress_percent, last_report_on=self.last_report_on
        )

    def with_content_json(self, content):
        """A revision's version of the commitment (to publish or revert to), with today's derived figures: they
        follow the approved reports, and a draft saved before a report was approved must not bring back the
        figures of its day."""
        obj = super().with_content_json(content)
        obj.progress_percent, obj.last_report_on = self.progress_percent, self.last_report_on
        return obj

    def next(self):
        return Commitment.objects.published().filter(title__gt=self.title).order_by("title").first()


class CommitmentPriority(Orderable):
    """One numbered priority of a commitment ("Promoting compliance with Ordinance No. 014-2017 …")."""

    commitment = ParentalKey(Commitment, on_delete=models.CASCADE, related_name="priorities")
    text = models.TextField(_("priority"))
    competence = models.CharField(
        _("who is competent"), max_length=16, choices=Competence.choices, default=Competence.MUNICIPAL
    )
    indicator = models.CharField(
        _("indicator"), max_length=255, blank=True, help_text=_("Optional: how progress is measured.")
    )
    unit = models.CharField(_("unit"), max_length=64, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PriorityStatus.choices, default=PriorityStatus.NOT_STARTED
    )

    panels = [
        FieldPanel("text"),
        FieldPanel("competence"),
        FieldPanel("indicator"),
        FieldPanel("unit"),
        FieldPanel("baseline"),
        FieldPanel("target"),
        FieldPanel("status"),
    ]

    @property
    def needs_other_levels(self) -> bool:
        return self.competence in (Competence.SHARED, Competence.OTHER_LEVEL)

    def clean(self):
        from django.core.exceptions import ValidationError

        if (self.baseline is not None or self.target is not None) and not self.indicator:
            raise ValidationError(
                {"indicator": _("Name the indicator that the baseline and target measure.")}
            )

    class Meta(Orderable.Meta):
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")

    def __str__(self) -> str:
        return self.text


class ExpectedImpact(Orderable):
    """One numbered expected impact of a commitment."""

    commitment = ParentalKey(Commitment, on_delete=models.CASCADE, related_name="impacts")
    text = models.TextField(_("expected impact"))

    panels = [FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("expected impact")
        verbose_name_plural = _("expected impacts")

    def __str__(self) -> str:
        return self.text


class PartnerInitiative(Orderable):
    """A partner initiative a commitment is made with (e.g. UNICEF Child Friendly Cities Initiative)."""

    commitment = ParentalKey(Commitment, on_delete=models.CASCADE, related_name="partner_initiatives")
    name = models.CharField(_("name"), max_length=255)
    url = models.URLField(_("website"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("partner initiative")
        verbose_name_plural = _("partner initiatives")

    def __str__(self) -> str:
        return self.name


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting moderation")
    APPROVED = "approved", _("Approved")
    SENT_BACK = "sent_back", _("Sent back for changes")


class ProgressReportQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=ReportStatus.APPROVED)

    def for_timeline(self):
        return (
            self.approved()
            .select_related("submitted_by")
            .prefetch_related("rows__priority")
            .order_by("-reporting_date", "-pk")
        )


class ProgressReport(RevisionMixin, ClusterableModel):
    """A focal point's report on a published commitment: date, narrative, evidence and, per priority,
    status, percent complete and indicator value.

    Reports are moderated (submitted → approved, or sent back with a reason) and every save keeps a
    revision, so editing a report never loses the earlier version.
    """

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.CASCADE, related_name="reports"
    )
    reporting_date = models.DateField(_("reporting date"))
    narrative = models.TextField(_("narrative"))
    evidence_links = models.TextField(
        _("evidence links"), blank=True, help_text=_("One web address per line.")
    )
    evidence_document = models.FileField(
        _("evidence document"),
        upload_to=RandomName("reports"),
        validators=[validate_document],
        blank=True,
        max_length=255,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    moderation_note = models.TextField(_("moderator's note"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_reports",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = ProgressReportQuerySet.as_manager()

    panels = [
        FieldPanel("commitment"),
        FieldPanel("reporting_date"),
        FieldPanel("narrative"),
        FieldPanel("evidence_links"),
        FieldPanel("evidence_document", widget=EvidenceFileInput),
        InlinePanel("rows", label=_("Progress per priority")),
        FieldPanel("status"),
        FieldPanel("moderation_note"),
    ]

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reporting_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.commitment} – {self.reporting_date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("commitments:detail", args=[self.commitment.slug]) + f"#report-{self.pk}"

    @property
    def links(self) -> list[str]:
        return [line.strip() for line in self.evidence_links.splitlines() if line.strip()]


class PriorityProgress(models.Model):
    """One priority's state in a progress report."""

    report = ParentalKey(ProgressReport, on_delete=models.CASCADE, related_name="rows")
    priority = models.ForeignKey(
        CommitmentPriority, verbose_name=_("priority"), on_delete=models.CASCADE, related_name="progress"
    )
    status = models.CharField(_("status"), max_length=16, choices=PriorityStatus.choices)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    indicator_value = models.DecimalField(
        _("indicator value"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    panels = [
        FieldPanel("priority"),
        FieldPanel("status"),
        FieldPanel("percent_complete"),
        FieldPanel("indicator_value"),
    ]

    class Meta:
        verbose_name = _("progress of a priority")
        verbose_name_plural = _("progress per priority")
        ordering = ["priority__sort_order", "priority_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "priority"], name="one_row_per_priority_per_report"),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0) & Q(percent_complete__lte=100), name="percent_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.priority}: {self.percent_complete}%"


class ReportReminder(models.Model):
    """A reminder e-mail sent for an overdue commitment; one per commitment per overdue period."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField(_("report was due on"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "due_on"], name="one_reminder_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} ({self.due_on})"

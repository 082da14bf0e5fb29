from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from puente.core.models import ModeratedRecord, PublishedQuerySet
from puente.taxonomy.models import Language, Tagged


class CommitmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified by the secretariat")
    PUBLISHED = "published", _("Published")


class CommitmentQuerySet(PublishedQuerySet):
    def for_list(self):
        return (
            self.select_related("local_government__country")
            .prefetch_related("cla_objectives", "topics")
            .order_by("title")
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

    def previous(self):
        return Commitment.objects.published().filter(title__lt=self.title).order_by("-title").first()

    def next(self):
        return Commitment.objects.published().filter(title__gt=self.title).order_by("title").first()


class CommitmentPriority(Orderable):
    """One numbered priority of a commitment ("Promoting compliance with Ordinance No. 014-2017 …")."""

    commitment = ParentalKey(Commitment, on_delete=models.CASCADE, related_name="priorities")
    text = models.TextField(_("priority"))

    panels = [FieldPanel("text")]

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

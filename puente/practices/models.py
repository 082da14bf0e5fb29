from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from puente.core.models import ModeratedRecord, PublishedQuerySet
from puente.taxonomy.models import Language, Tagged


class PracticeQuerySet(PublishedQuerySet):
    def for_list(self):
        return (
            self.select_related("country")
            .prefetch_related("topics", "organisations")
            .order_by("-submitted_on", "-first_published_at", "title")
        )


class Practice(ModeratedRecord, index.Indexed, Tagged):
    """A practice shared with the network: what was done, where, by whom, with what results and lessons.

    Submitted by a member (``submitted_by``) or anonymously; ``submitter_name`` keeps the name shown in the
    listing ("Submitted by Ms. Anqi ZHANG on …"). Tagged with the shared vocabularies through ``Tagged``.
    """

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.TextField(_("summary"), help_text=_("One or two paragraphs shown in listings."))
    body = RichTextField(_("description"), blank=True)
    organisations = ParentalManyToManyField(
        "organizations.Organisation", verbose_name=_("organisations"), blank=True, related_name="practices"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by (account)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_practices",
    )
    submitter_name = models.CharField(_("submitted by"), max_length=255, blank=True)
    is_anonymous = models.BooleanField(_("anonymous submission"), default=False)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("main country"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    results = RichTextField(_("results"), blank=True)
    lessons = RichTextField(_("lessons learned"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.EN)

    objects = PracticeQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("organisations"),
                FieldPanel("submitter_name"),
                FieldPanel("submitted_by"),
                FieldPanel("is_anonymous"),
                FieldPanel("submitted_on"),
            ],
            heading=_("Who"),
        ),
        MultiFieldPanel(
            [FieldPanel("start_year"), FieldPanel("end_year"), FieldPanel("place"), FieldPanel("country")],
            heading=_("When and where"),
        ),
        FieldPanel("results"),
        FieldPanel("lessons"),
        InlinePanel("links", label=_("Links")),
        InlinePanel("attachments", label=_("Attachments")),
        MultiFieldPanel([FieldPanel(name) for name in Tagged.TAG_FIELDS], heading=_("Tags")),
        FieldPanel("language"),
    ]

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("place"),
        index.FilterField("live"),
        index.FilterField("deleted_at"),
        index.FilterField("language"),
    ]

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:detail", args=[self.slug])

    @property
    def submitter_display(self) -> str:
        """The name shown in "Submitted by …"; anonymous submissions are flagged as unverified."""
        if self.is_anonymous or not (self.submitter_name or self.submitted_by_id):
            return str(_("Anonymous (not verified)"))
        return self.submitter_name or str(self.submitted_by)

    @property
    def place_display(self) -> str:
        """Place and country, naming the country once ("Morocco", not "Morocco, Morocco")."""
        if not self.country_id:
            return self.place
        country = self.country.label
        if not self.place:
            return country
        names = {country, self.country.name_en}  # the place is typed in the record's language
        if any(name and name.casefold() in self.place.casefold() for name in names):
            return self.place
        return f"{self.place}, {country}"

    @property
    def period(self) -> str:
        if self.start_year and self.end_year:
            return f"{self.start_year}–{self.end_year}"
        return str(self.start_year or self.end_year or "")


class PracticeLink(Orderable):
    """A web link that documents a practice."""

    practice = ParentalKey(Practice, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=255)
    url = models.URLField(_("address"))

    panels = [FieldPanel("title"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("link")
        verbose_name_plural = _("links")


class PracticeAttachment(Orderable):
    """A document (report, evaluation, photo) attached to a practice."""

    practice = ParentalKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

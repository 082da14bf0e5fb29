from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from puente.core.models import ModeratedRecord, PublishedQuerySet
from puente.taxonomy.models import Language, Tagged


class ResourceKind(models.TextChoices):
    REPORT = "report", _("Report or study")
    TOOLKIT = "toolkit", _("Toolkit or guide")
    POLICY = "policy", _("Policy document")
    CONCEPT_NOTE = "concept_note", _("Concept note")
    TRAINING = "training", _("Training material")
    DATA = "data", _("Data or map")
    VIDEO = "video", _("Video")
    OTHER = "other", _("Other")


class ResourceQuerySet(PublishedQuerySet):
    def for_list(self):
        return self.prefetch_related("topics", "organisations").order_by("-published_on", "title")


class Resource(ModeratedRecord, index.Indexed, Tagged):
    """A document or knowledge product: a report, toolkit, concept note, map or training material.

    Either an uploaded ``document`` (Wagtail document) or an external ``url``, or both.
    """

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(
        _("type"), max_length=16, choices=ResourceKind.choices, default=ResourceKind.REPORT
    )
    summary = models.TextField(_("summary"))
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    url = models.URLField(_("external link"), blank=True)
    organisations = ParentalManyToManyField(
        "organizations.Organisation", verbose_name=_("organisations"), blank=True, related_name="resources"
    )
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.EN)

    objects = ResourceQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("document"),
        FieldPanel("url"),
        FieldPanel("organisations"),
        FieldPanel("published_on"),
        FieldPanel("language"),
        MultiFieldPanel([FieldPanel(name) for name in Tagged.TAG_FIELDS], heading=_("Tags")),
    ]
    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("summary"),
        index.FilterField("live"),
        index.FilterField("deleted_at"),
    ]

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("resources:detail", args=[self.slug])

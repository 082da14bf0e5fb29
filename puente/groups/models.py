from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index


class WorkingGroup(index.Indexed, ClusterableModel):
    """A working group of member organisations (e.g. the MIRPS Working Group on Local Governance).

    Child rows hold its presidencies (with periods), advisors, objectives and deliverables; its meetings
    are ``events.Meeting`` records pointing here.
    """

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.TextField(_("summary"))
    background = RichTextField(_("background"), blank=True)
    established = models.PositiveSmallIntegerField(_("year established"), null=True, blank=True)
    members = ParentalManyToManyField(
        "organizations.Organisation",
        verbose_name=_("member organisations"),
        blank=True,
        related_name="groups",
    )
    secretariat = models.ForeignKey(
        "organizations.Organisation",
        verbose_name=_("technical secretariat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="secretariat_of",
    )
    advisors_note = models.TextField(_("panel of advisors"), blank=True)
    is_public = models.BooleanField(_("documents and minutes are public"), default=True)
    topics = ParentalManyToManyField(
        "taxonomy.Topic", verbose_name=_("topics"), blank=True, related_name="groups"
    )
    coordinators = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_groups",
        help_text=_("People who manage the group's members and edit its meetings, minutes and attendance."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        FieldPanel("background"),
        FieldPanel("established"),
        FieldPanel("members"),
        FieldPanel("secretariat"),
        InlinePanel("presidencies", label=_("Presidency")),
        FieldPanel("advisors_note"),
        InlinePanel("advisors", label=_("Advisors")),
        InlinePanel("objectives", label=_("Objectives")),
        InlinePanel("deliverables", label=_("Deliverables")),
        InlinePanel("documents", label=_("Documents")),
        FieldPanel("topics"),
        FieldPanel("coordinators"),
        FieldPanel("is_public"),
    ]
    search_fields = [
        index.SearchField("name", boost=3),
        index.AutocompleteField("name"),
        index.SearchField("summary"),
        index.SearchField("background"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", args=[self.slug])

    def current_presidency(self):
        return self.presidencies.order_by("-start_year").first()


class Presidency(Orderable):
    """The organisation that presides over a working group for a period."""

    group = ParentalKey(WorkingGroup, on_delete=models.CASCADE, related_name="presidencies")
    organisation = models.ForeignKey(
        "organizations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_year = models.PositiveSmallIntegerField(_("from (year)"))
    end_year = models.PositiveSmallIntegerField(_("to (year)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    panels = [
        FieldPanel("organisation"),
        FieldPanel("start_year"),
        FieldPanel("end_year"),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("presidency")
        verbose_name_plural = _("presidencies")

    @property
    def period(self) -> str:
        if self.end_year and self.end_year != self.start_year:
            return f"{self.start_year}–{self.end_year}"
        return str(self.start_year)


class Advisor(Orderable):
    """A member of a working group's panel of advisors."""

    group = ParentalKey(WorkingGroup, on_delete=models.CASCADE, related_name="advisors")
    name = models.CharField(_("name"), max_length=255)
    organisation = models.ForeignKey(
        "organizations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expertise = models.CharField(_("expertise"), max_length=255, blank=True)

    panels = [FieldPanel("name"), FieldPanel("organisation"), FieldPanel("expertise")]

    class Meta(Orderable.Meta):
        verbose_name = _("advisor")
        verbose_name_plural = _("advisors")


class GroupObjective(Orderable):
    """One numbered objective of a working group."""

    group = ParentalKey(WorkingGroup, on_delete=models.CASCADE, related_name="objectives")
    text = models.TextField(_("objective"))

    panels = [FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")


class DeliverableStatus(models.TextChoices):
    NOT_RECORDED = "", _("Not recorded")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")


class Deliverable(Orderable):
    """Something a working group has undertaken to deliver, with its status and due date.

    The status is empty ("Not recorded") until someone records it: a default would read as a fact.
    """

    group = ParentalKey(WorkingGroup, on_delete=models.CASCADE, related_name="deliverables")
    text = models.TextField(_("deliverable"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeliverableStatus.choices,
        default=DeliverableStatus.NOT_RECORDED,
        blank=True,
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)

    panels = [FieldPanel("text"), FieldPanel("status"), FieldPanel("due_date")]

    class Meta(Orderable.Meta):
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")


class GroupDocument(Orderable):
    """A document of a working group (terms of reference, concept note, reports), kept in Wagtail's library.

    Documents of members-only groups are listed to the group's members only (``access.can_see_group_documents``).
    """

    group = ParentalKey(WorkingGroup, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(
        _("title"), max_length=255, blank=True, help_text=_("Leave empty to use the document's own title.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("group document")
        verbose_name_plural = _("group documents")

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title or self.document.title

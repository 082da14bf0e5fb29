import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index


class ProgrammePage(Page):
    """An editorial page for a funding programme (e.g. the Joint Migration and Development Initiative).

    The page holds the description, target countries and selection criteria; the funded projects are
    ``Project`` records pointing here, shown in a table grouped by country with totals and a chart.
    """

    acronym = models.CharField(_("acronym"), max_length=32, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("description"), blank=True)
    outcomes = RichTextField(_("expected outcomes"), blank=True)
    target_countries = ParentalManyToManyField(
        "taxonomy.Country", verbose_name=_("target countries"), blank=True, related_name="programmes"
    )
    implementers = models.CharField(_("implemented by"), max_length=255, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("acronym"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("outcomes"),
        FieldPanel("implementers"),
        FieldPanel("start_year"),
        FieldPanel("target_countries"),
        InlinePanel("selection_criteria", label=_("Selection criteria")),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["core.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("programme page")

    def get_absolute_url(self) -> str:
        return self.url or ""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        projects = list(self.projects.for_table())
        context["project_groups"] = group_by_country(projects)
        context["totals"] = funding_totals(projects)
        context["chart"] = funding_chart(context["project_groups"])
        return context


class SelectionCriterion(Orderable):
    """One criterion a project had to meet to be selected by a programme."""

    page = ParentalKey(ProgrammePage, on_delete=models.CASCADE, related_name="selection_criteria")
    text = models.TextField(_("criterion"))

    panels = [FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")


class Currency(models.TextChoices):
    USD = "USD", "USD"
    EUR = "EUR", "EUR"
    CHF = "CHF", "CHF"
    GBP = "GBP", "GBP"


class ProjectQuerySet(models.QuerySet):
    def for_table(self):
        return (
            self.select_related("country", "programme")
            .prefetch_related(
                models.Prefetch(
                    "partner_links",
                    queryset=ProjectPartner.objects.select_related("organisation__country"),
                )
            )
            .order_by("country__name_en", "sort_order", "title")
        )


class Project(index.Indexed, models.Model):
    """A project funded by a programme: objectives, partner organisations, country, duration and funding.

    Partners keep the programme's order (``ProjectPartner.sort_order``). ``phase_began_on`` is when the
    programme phase that funds the project began: the project's own date in listings and search.
    """

    programme = models.ForeignKey(
        ProgrammePage, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(_("project title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    main_objectives = models.TextField(_("main objective(s)"))
    partners = models.ManyToManyField(
        "organizations.Organisation",
        verbose_name=_("partner organisations"),
        related_name="projects",
        through="ProjectPartner",
    )
    country = models.ForeignKey(
        "taxonomy.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="projects"
    )
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"))
    funding_amount = models.DecimalField(_("funding amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.USD)
    topics = models.ManyToManyField(
        "taxonomy.Topic", verbose_name=_("topics"), blank=True, related_name="projects"
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    phase_began_on = models.DateField(
        _("programme phase began"),
        null=True,
        blank=True,
        help_text=_("When the programme phase that funds this project began (the month is enough)."),
    )

    objects = ProjectQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("main_objectives"),
        index.FilterField("country"),
    ]

    class Meta:
        ordering = ["country__name_en", "sort_order", "title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:project", args=[self.slug])

    @property
    def date(self):
        """The project's own date: the start of its programme phase, else of the programme."""
        if self.phase_began_on:
            return self.phase_began_on
        start_year = self.programme.start_year
        return dt.date(start_year, 1, 1) if start_year else None


class ProjectPartner(models.Model):
    """A partner organisation of a project, in the order the programme lists them."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partner_links")
    organisation = models.ForeignKey(
        "organizations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        # The table Django made for the plain many-to-many relation before partners had an order.
        db_table = "programmes_project_partners"
        ordering = ["sort_order", "pk"]
        unique_together = [("project", "organisation")]
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")

    def __str__(self) -> str:
        return f"{self.project} – {self.organisation}"

    @property
    def display_name(self) -> str:
        """The name as programmes list it: with the country when it is not the project's ("…, Italy")."""
        organisation = self.organisation
        if organisation.country_id and organisation.country_id != self.project.country_id:
            return f"{organisation.name}, {organisation.country.label}"
        return organisation.name


class CountryGroup:
    """The projects of one country in a programme's table, with their total per currency."""

    def __init__(self, country):
        self.country = country
        self.projects: list[Project] = []

    @property
    def totals(self) -> dict[str, Decimal]:
        return funding_totals(self.projects)


def group_by_country(projects) -> list[CountryGroup]:
    groups: dict[int, CountryGroup] = {}
    for project in projects:
        groups.setdefault(project.country_id, CountryGroup(project.country)).projects.append(project)
    return sorted(groups.values(), key=lambda g: g.country.label)


def funding_totals(projects) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for project in projects:
        totals[project.currency] += project.funding_amount
    return dict(sorted(totals.items()))


def funding_chart(groups: list[CountryGroup], width: int = 320) -> dict:
    """Geometry for a horizontal SVG bar chart of funding per country (one currency: the largest)."""
    rows = []
    currencies = funding_totals([p for g in groups for p in g.projects])
    currency = max(currencies, key=currencies.get) if currencies else "USD"
    amounts = [(g.country.label, g.totals.get(currency, Decimal(0))) for g in groups]
    peak = max((a for _, a in amounts), default=Decimal(0)) or Decimal(1)
    bar_height, gap, label_width = 22, 8, 110
    for i, (label, amount) in enumerate(amounts):
        rows.append(
            {
                "label": label,
                "amount": amount,
                "y": i * (bar_height + gap),
                "text_y": i * (bar_height + gap) + bar_height * 0.7,
                "width": int((amount / peak) * (width - label_width - 90)),
            }
        )
    return {
        "rows": rows,
        "currency": currency,
        "bar_height": bar_height,
        "label_width": label_width,
        "width": width,
        "height": max(len(rows) * (bar_height + gap), bar_height),
    }

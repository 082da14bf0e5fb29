"""Controlled vocabularies shared by every record type.

Every term has a stable ``slug`` (used in URLs, filters and data files) and a label in English, Spanish and
French. ``Term.label`` picks the label for the active language, falling back to English.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel


class TermQuerySet(models.QuerySet):
    def for_choices(self):
        return self.order_by("sort_order", "name_en")


class Term(models.Model):
    """Abstract base for a trilingual vocabulary term."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=255)
    name_es = models.CharField(_("name (Spanish)"), max_length=255, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=255, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    objects = TermQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["sort_order", "name_en"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        lang = (get_language() or "en")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_en


class NumberedTerm(Term):
    """Abstract base for a term that is known by its number (GCM objective 3, SDG 11, criterion 5)."""

    number = models.PositiveSmallIntegerField(_("number"))

    class Meta(Term.Meta):
        abstract = True
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"


class Topic(Term):
    """A theme of migration and development (Local Development, Capacity Building, Remittances, ...).

    Each topic has a public page listing every record tagged with it, with RSS and Atom feeds.
    """

    description_en = models.TextField(_("description (English)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)

    class Meta(Term.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    @property
    def description(self) -> str:
        lang = (get_language() or "en")[:2]
        return getattr(self, f"description_{lang}", "") or self.description_en


class GCMObjective(NumberedTerm):
    """One of the 23 objectives of the Global Compact for Safe, Orderly and Regular Migration."""

    class Meta(NumberedTerm.Meta):
        verbose_name = _("GCM objective")
        verbose_name_plural = _("GCM objectives")


class GCRObjective(NumberedTerm):
    """One of the four objectives of the Global Compact on Refugees."""

    class Meta(NumberedTerm.Meta):
        verbose_name = _("GCR objective")
        verbose_name_plural = _("GCR objectives")


class SDG(NumberedTerm):
    """One of the 17 Sustainable Development Goals."""

    class Meta(NumberedTerm.Meta):
        verbose_name = _("Sustainable Development Goal")
        verbose_name_plural = _("Sustainable Development Goals")


class CLAObjective(Term):
    """A priority objective of the Call to Local Action for Migrants and Refugees (admin-extendable)."""

    class Meta(Term.Meta):
        verbose_name = _("Call to Local Action priority objective")
        verbose_name_plural = _("Call to Local Action priority objectives")


class CriterionGroup(NumberedTerm):
    """One of the three groups of the Cities of Solidarity criteria."""

    class Meta(NumberedTerm.Meta):
        verbose_name = _("Cities of Solidarity criterion group")
        verbose_name_plural = _("Cities of Solidarity criterion groups")


class SolidarityCriterion(NumberedTerm):
    """One of the ten Cities of Solidarity criteria; belongs to a ``CriterionGroup``."""

    group = models.ForeignKey(
        CriterionGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="criteria"
    )

    class Meta(NumberedTerm.Meta):
        verbose_name = _("Cities of Solidarity criterion")
        verbose_name_plural = _("Cities of Solidarity criteria")


class GovernancePillar(NumberedTerm):
    """One of the four pillars of the UNDP-UNHCR Regional Framework for Local Governance."""

    class Meta(NumberedTerm.Meta):
        verbose_name = _("local governance pillar")
        verbose_name_plural = _("local governance pillars")


class TargetGroup(Term):
    """A group of people a record serves (migrants, refugees, returnees, host communities, ...)."""

    class Meta(Term.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class UNRegion(models.TextChoices):
    """The five UN M49 regions."""

    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    OCEANIA = "oceania", _("Oceania")
    OTHER = "other", _("Other")


class CountryQuerySet(TermQuerySet):
    def for_choices(self):
        return self.order_by("name_en")


class Country(Term):
    """A country or territory (ISO 3166-1), with its UN M49 region and sub-region.

    ``slug`` is the lower-case alpha-2 code; ``code`` the upper-case one.
    """

    code = models.CharField(_("ISO 3166-1 alpha-2 code"), max_length=2, unique=True)
    region = models.CharField(_("UN region"), max_length=16, choices=UNRegion.choices, default=UNRegion.OTHER)
    subregion = models.CharField(_("UN sub-region"), max_length=64, blank=True)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")


class Tagged(ClusterableModel):
    """Abstract base for records tagged with the shared vocabularies (practices, commitments, resources...).

    The tags are ``ParentalManyToManyField`` so that drafts and revisions keep their own tags until they are
    published. Reverse accessors are named after the model: ``topic.practices``, ``sdg.commitments``.
    """

    topics = ParentalManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="%(class)ss")
    countries = ParentalManyToManyField(
        "taxonomy.Country", verbose_name=_("countries"), blank=True, related_name="%(class)ss"
    )
    gcm_objectives = ParentalManyToManyField(
        GCMObjective, verbose_name=_("GCM objectives"), blank=True, related_name="%(class)ss"
    )
    gcr_objectives = ParentalManyToManyField(
        GCRObjective, verbose_name=_("Global Compact on Refugees"), blank=True, related_name="%(class)ss"
    )
    sdgs = ParentalManyToManyField(SDG, verbose_name=_("SDGs"), blank=True, related_name="%(class)ss")
    cla_objectives = ParentalManyToManyField(
        CLAObjective,
        verbose_name=_("Call to Local Action priority objectives"),
        blank=True,
        related_name="%(class)ss",
    )
    criteria = ParentalManyToManyField(
        SolidarityCriterion,
        verbose_name=_("Cities of Solidarity criteria"),
        blank=True,
        related_name="%(class)ss",
    )
    pillars = ParentalManyToManyField(
        GovernancePillar, verbose_name=_("local governance pillars"), blank=True, related_name="%(class)ss"
    )
    target_groups = ParentalManyToManyField(
        TargetGroup, verbose_name=_("target groups"), blank=True, related_name="%(class)ss"
    )

    TAG_FIELDS = (
        "topics",
        "countries",
        "gcm_objectives",
        "gcr_objectives",
        "sdgs",
        "cla_objectives",
        "criteria",
        "pillars",
        "target_groups",
    )

    class Meta:
        abstract = True


class Language(models.TextChoices):
    """The language a record was written in."""

    EN = "en", _("English")
    ES = "es", _("Spanish")
    FR = "fr", _("French")
    OTHER = "other", _("Other")

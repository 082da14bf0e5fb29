"""Self-assessment frameworks (data, versioned) and the rounds in which a local government answers one.

A ``Framework`` has numbered ``FrameworkVersion``s. A version holds the maturity scale, the domains, the
criteria and the questions. Once a round has been started on a version it is frozen: staff create a new
version instead (``FrameworkVersion.copy()``), so that old results stay comparable.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from puente.taxonomy.models import Language

MIN_LEVEL, MAX_LEVEL = 1, 5


def in_language(obj, field: str, language: str | None = None) -> str:
    """``obj.<field>_<language>``, falling back to English when that translation is empty."""
    language = (language or translation.get_language() or "en")[:2]
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_en")


class Trilingual(models.Model):
    """Names (and optional descriptions) in English, Spanish and French; ``label`` follows the language."""

    name_en = models.CharField(_("name (English)"), max_length=255)
    name_es = models.CharField(_("name (Spanish)"), max_length=255, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name_en

    def translated(self, field: str, language: str | None = None) -> str:
        return in_language(self, field, language)

    @property
    def label(self) -> str:
        return self.translated("name")


class Framework(Trilingual):
    """A self-assessment framework, such as the Cities of Solidarity criteria.

    ``official_wording`` says whether the questions are the official tool's own text; when they are not (the
    shipped Cities of Solidarity bank is Puente's draft), the framework page says so.
    """

    slug = models.SlugField(_("slug"), unique=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    official_wording = models.BooleanField(
        _("questions are the official wording"),
        default=False,
        help_text=_(
            "Tick only when the questions are the official tool's own text. Otherwise the public page says "
            "they are Puente's draft wording."
        ),
    )

    class Meta:
        verbose_name = _("assessment framework")
        verbose_name_plural = _("assessment frameworks")

    @property
    def description(self) -> str:
        return self.translated("description")

    def current_version(self) -> FrameworkVersion | None:
        return self.versions.filter(is_current=True).order_by("-number").first()


class FrameworkVersion(models.Model):
    """One numbered version of a framework; frozen once a round has been started on it."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    is_current = models.BooleanField(
        _("current"), default=False, help_text=_("New rounds use the current version.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        ordering = ["framework", "-number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="unique_version_number")]

    def __str__(self) -> str:
        return f"{self.framework} v{self.number}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.is_current:
            FrameworkVersion.objects.filter(framework=self.framework).exclude(pk=self.pk).update(
                is_current=False
            )

    @property
    def is_frozen(self) -> bool:
        return self.rounds.exists()

    def copy(self) -> FrameworkVersion:
        """A new, current version with the same scale, domains, criteria and questions, to edit."""
        new = FrameworkVersion.objects.create(
            framework=self.framework,
            number=(self.framework.versions.aggregate(models.Max("number"))["number__max"] or 0) + 1,
            is_current=True,
        )
        for level in self.levels.all():
            level.pk, level.version = None, new
            level.save()
        for domain in self.domains.prefetch_related("criteria__questions"):
            criteria = list(domain.criteria.all())
            domain.pk, domain.version = None, new
            domain.save()
            for criterion in criteria:
                questions = list(criterion.questions.all())
                criterion.pk, criterion.domain = None, domain
                criterion.save()
                for question in questions:
                    question.pk, question.criterion = None, criterion
                    question.save()
        return new

    def criteria(self):
        return (
            Criterion.objects.filter(domain__version=self)
            .select_related("domain")
            .order_by("domain__number", "number")
        )


def _check_not_frozen(version: FrameworkVersion | None) -> None:
    if version is not None and version.pk and version.is_frozen:
        raise ValidationError(
            _("Rounds have been answered on this version: create a new version instead of changing it.")
        )


class MaturityLevel(models.Model):
    """One level of a version's five-level maturity scale, described in words."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(MIN_LEVEL), MaxValueValidator(MAX_LEVEL)]
    )
    label_en = models.CharField(_("label (English)"), max_length=80)
    label_es = models.CharField(_("label (Spanish)"), max_length=80, blank=True)
    label_fr = models.CharField(_("label (French)"), max_length=80, blank=True)
    description_en = models.TextField(_("description (English)"))
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)

    class Meta:
        verbose_name = _("maturity level")
        verbose_name_plural = _("maturity levels")
        ordering = ["version", "level"]
        constraints = [models.UniqueConstraint(fields=["version", "level"], name="unique_level")]

    def __str__(self) -> str:
        return f"{self.level}. {self.label_en}"

    def _t(self, field):
        return in_language(self, field)

    @property
    def label(self) -> str:
        return self._t("label")

    @property
    def description(self) -> str:
        return self._t("description")

    def clean(self):
        _check_not_frozen(self.version if self.version_id else None)


class Domain(Trilingual):
    """A group of criteria in a version (e.g. "Administration and public policies")."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="domains")
    number = models.PositiveSmallIntegerField(_("number"))

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["version", "number"]

    def clean(self):
        _check_not_frozen(self.version if self.version_id else None)


class Criterion(Trilingual):
    """A criterion of a version, optionally linked to the taxonomy (Cities of Solidarity criteria)."""

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField(_("number"))
    taxonomy = models.ForeignKey(
        "taxonomy.SolidarityCriterion",
        verbose_name=_("Cities of Solidarity criterion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["domain__number", "number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name_en}"

    def clean(self):
        _check_not_frozen(self.domain.version if self.domain_id else None)


class Question(models.Model):
    """A question answered on the maturity scale."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField(_("number"))
    text_en = models.TextField(_("question (English)"))
    text_es = models.TextField(_("question (Spanish)"), blank=True)
    text_fr = models.TextField(_("question (French)"), blank=True)

    panels = [
        FieldPanel("criterion"),
        FieldPanel("number"),
        FieldPanel("text_en"),
        FieldPanel("text_es"),
        FieldPanel("text_fr"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["criterion", "number"]

    def __str__(self) -> str:
        return self.text_en[:80]

    def text_in(self, language: str) -> str:
        return getattr(self, f"text_{language[:2]}", "") or self.text_en

    @property
    def text(self) -> str:
        return self.text_in(translation.get_language() or "en")

    def clean(self):
        _check_not_frozen(self.criterion.domain.version if self.criterion_id else None)


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    """A local government's assessment round on one framework version. Private to the organisation."""

    organisation = models.ForeignKey(
        "organizations.Organisation", on_delete=models.CASCADE, related_name="assessment_rounds"
    )
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="rounds")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=255)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.EN)
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    summary_public = models.BooleanField(
        _("summary published"), default=False, help_text=_("Shown on the organisation's public page.")
    )

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-year", "-started_at"]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("assessments:round", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def newer_version(self) -> FrameworkVersion | None:
        current = self.version.framework.current_version()
        return current if current and current.number > self.version.number else None


class Competence(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal")
    SHARED = "shared", _("Shared with another level")
    OTHER = "other", _("Another level of the State")


class Assignment(models.Model):
    """Who answers a criterion in a round (a colleague from the same organisation)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["round", "criterion"], name="one_assignee_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion} → {self.assignee}"


class Answer(models.Model):
    """An answer to one question in a round. ``level`` is empty while the answer is a draft."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    level = models.PositiveSmallIntegerField(
        _("maturity level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_LEVEL), MaxValueValidator(MAX_LEVEL)],
    )
    competence = models.CharField(_("competence"), max_length=16, choices=Competence.choices, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    potential_commitment = models.TextField(_("potential commitment"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["round", "question"], name="one_answer_per_question"),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__gte=MIN_LEVEL, level__lte=MAX_LEVEL),
                name="level_on_the_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question} = {self.level or '—'}"


class GapDraft(models.Model):
    """The draft commitment drafted from one criterion (a gap) of one round, so that drafting again opens it
    instead of making a second one, and the results page can link to it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="gap_drafts")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    commitment = models.ForeignKey("commitments.Commitment", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("commitment drafted from a gap")
        verbose_name_plural = _("commitments drafted from gaps")
        constraints = [models.UniqueConstraint(fields=["round", "criterion"], name="one_draft_per_gap")]

    def __str__(self) -> str:
        return f"{self.round} / {self.criterion} → {self.commitment}"

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.search import index


class OrganisationType(models.TextChoices):
    LOCAL_GOVERNMENT = "local", _("Local or regional government")
    NATIONAL_GOVERNMENT = "national", _("National government")
    CIVIL_SOCIETY = "civil", _("Civil society organisation")
    DIASPORA = "diaspora", _("Diaspora association")
    INTERNATIONAL = "international", _("International organisation or UN agency")
    ACADEMIA = "academia", _("Academia")
    PRIVATE = "private", _("Private sector")


class OrganisationQuerySet(models.QuerySet):
    def local_governments(self):
        return self.filter(kind=OrganisationType.LOCAL_GOVERNMENT)

    def for_list(self):
        return self.select_related("country")


class Organisation(index.Indexed, models.Model):
    """A member organisation: a city, a ministry, an NGO, a diaspora association, a UN agency...

    Practices, commitments (local governments only), projects, working groups and meetings point to it;
    people belong to it through ``Membership``. ``is_fictional`` marks the demo's made-up organisations, which
    carry the invented activity (progress reports, self-assessments) that shows features off.
    """

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    acronym = models.CharField(_("acronym"), max_length=32, blank=True)
    kind = models.CharField(_("type"), max_length=16, choices=OrganisationType.choices)
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    city = models.CharField(_("city or region"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = RichTextField(_("description"), blank=True)
    mayor = models.CharField(
        _("mayor"), max_length=255, blank=True, help_text=_("Local and regional governments only.")
    )
    # None means nobody has recorded it: pages say "Not recorded", never "Not signed".
    signed_marrakech_declaration = models.BooleanField(
        _("signed the Marrakech Mayors Declaration"), null=True, blank=True, default=None
    )
    is_fictional = models.BooleanField(
        _("fictional demo organisation"),
        default=False,
        help_text=_(
            "Made up to demonstrate Puente. Its pages say so, and its records are illustrative demo data."
        ),
    )
    is_verified = models.BooleanField(
        _("verified by the secretariat"),
        default=True,
        help_text=_("Unverified organisations are not listed."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    search_fields = [
        index.SearchField("name", boost=3),
        index.AutocompleteField("name"),
        index.SearchField("acronym"),
        index.SearchField("city"),
        index.FilterField("kind"),
        index.FilterField("country"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", args=[self.slug])

    @property
    def is_local_government(self) -> bool:
        return self.kind == OrganisationType.LOCAL_GOVERNMENT

    @property
    def marrakech_declaration_display(self) -> str:
        if self.signed_marrakech_declaration is None:
            return str(_("Not recorded"))
        return str(_("Signed") if self.signed_marrakech_declaration else _("Not signed"))

    @property
    def place(self) -> str:
        parts = [self.city, self.country.label if self.country_id else ""]
        return ", ".join(p for p in parts if p)


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    EDITOR = "editor", _("Editor")
    FOCAL_POINT = "focal_point", _("Focal point")
    ADMIN = "admin", _("Administrator")


class Membership(models.Model):
    """A person's role in an organisation. Focal points may act for a local government."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class JoinRequest(models.Model):
    """A member's request to join an organisation, decided by the organisation's administrators."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    message = models.TextField(_("message to the administrators"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"), max_length=16, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    reason = models.TextField(_("reason"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_join_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.get_status_display()})"

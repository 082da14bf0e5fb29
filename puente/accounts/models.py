from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with an account: member, organisation focal point, secretariat moderator or site admin.

    Roles inside organisations live on ``organizations.Membership``; staff powers come from Django's groups
    and permissions (Wagtail's "Moderators" and "Editors" groups).
    """

    preferred_language = models.CharField(
        _("preferred language"), max_length=8, blank=True, help_text=_("Used for e-mails and the interface.")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ProfileQuerySet(models.QuerySet):
    def listed(self):
        """Profiles their owners chose to show in the member directory (active accounts only)."""
        return self.filter(is_listed=True, user__is_active=True)

    def for_directory(self):
        return (
            self.select_related("user", "country")
            .prefetch_related("topics", "spoken_languages", "user__memberships__organisation")
            .order_by("user__first_name", "user__last_name", "user__username")
        )


class Profile(models.Model):
    """What a member tells the network about themselves, and what of it is public.

    Nothing is public until its owner lists the profile in the directory; the e-mail address is shown only
    if they also choose to show it.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    photo = models.ImageField(_("photo"), upload_to="profiles/%Y/", blank=True)
    job_title = models.CharField(_("position"), max_length=160, blank=True)
    country = models.ForeignKey(
        "taxonomy.Country", verbose_name=_("country"), null=True, blank=True, on_delete=models.SET_NULL
    )
    topics = models.ManyToManyField(
        "taxonomy.Topic", verbose_name=_("expertise"), blank=True, related_name="experts"
    )
    affiliations = models.TextField(
        _("other affiliations"), blank=True, help_text=_("Networks, universities or past organisations.")
    )
    bio = models.TextField(_("about me"), blank=True, max_length=2000)
    is_listed = models.BooleanField(
        _("show my profile in the member directory"),
        default=False,
        help_text=_("Your name, photo, position, country, languages, expertise and organisations."),
    )
    show_email = models.BooleanField(_("show my e-mail address on my profile"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:profile", args=[self.user.username])

    @property
    def languages(self) -> list[str]:
        return [language.language for language in self.spoken_languages.all()]

    def set_languages(self, codes) -> None:
        self.spoken_languages.exclude(language__in=codes).delete()
        known = set(self.spoken_languages.values_list("language", flat=True))
        ProfileLanguage.objects.bulk_create(
            [ProfileLanguage(profile=self, language=code) for code in codes if code not in known]
        )


class SpokenLanguage(models.TextChoices):
    EN = "en", _("English")
    ES = "es", _("Spanish")
    FR = "fr", _("French")
    PT = "pt", _("Portuguese")
    AR = "ar", _("Arabic")
    DE = "de", _("German")
    IT = "it", _("Italian")


class ProfileLanguage(models.Model):
    """A language a member works in (for the directory's language filter)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="spoken_languages")
    language = models.CharField(_("language"), max_length=8, choices=SpokenLanguage.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "language"], name="unique_profile_language")
        ]

    def __str__(self) -> str:
        return self.get_language_display()

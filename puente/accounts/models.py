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

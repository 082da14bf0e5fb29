"""Two-factor authentication is required for staff: until a staff member has activated an authenticator
app, the admin sends them to the page that sets one up."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

PROTECTED = ("/admin/", "/django-admin/")


def has_authenticator(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            getattr(settings, "PUENTE_STAFF_REQUIRE_2FA", True)
            and request.path.startswith(PROTECTED)
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and not has_authenticator(user)
        ):
            messages.warning(
                request,
                _("Staff accounts need two-factor authentication: set up an authenticator app first."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

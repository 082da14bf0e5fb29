"""A second factor for every staff power: anyone with admin or moderation powers (``has_staff_powers``) must
have used their authenticator app at this sign-in, on every path, not only in the admin.

Without an authenticator they are sent to set one up; with one that was not used at this sign-in (a session
that began with a password alone, or before the powers were granted) they are asked for a code through
allauth's reauthentication, which records it in the session. Only the account pages stay open meanwhile.
"""

from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from puente.core.access import has_staff_powers

# Paths a signed-in user may reach before the second factor: the account pages (sign-out, set up or use the
# authenticator), static files and the health check.
OPEN_PATHS = ("/static/", "/healthz", "/favicon.ico")
OPEN_SEGMENT = "/accounts/"


def has_authenticator(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def used_second_factor(request) -> bool:
    """Whether this session's sign-in (or a reauthentication in it) included a second factor."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def is_open_path(path: str) -> bool:
    if path.startswith(OPEN_PATHS):
        return True
    # /<lang>/accounts/...: allauth's pages under each language prefix.
    parts = path.split("/", 3)
    return len(parts) > 2 and f"/{parts[2]}/" == OPEN_SEGMENT


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            getattr(settings, "PUENTE_STAFF_REQUIRE_2FA", True)
            and user is not None
            and user.is_authenticated
            and not is_open_path(request.path)
            and not used_second_factor(request)
            and has_staff_powers(user)
        ):
            return self.second_factor_response(request, user)
        return self.get_response(request)

    def second_factor_response(self, request, user):
        if not has_authenticator(user):
            messages.warning(
                request,
                _("Staff accounts need two-factor authentication: set up an authenticator app first."),
            )
            return redirect("mfa_activate_totp")
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(reverse("mfa_reauthenticate") + (f"?{query}" if query else ""))

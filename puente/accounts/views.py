from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from puente.core.views import paginate

from .filters import MemberFilterSet
from .forms import ProfileForm
from .models import Profile


def directory(request):
    """The member directory: only profiles their owners listed; e-mail addresses only where they chose."""
    filterset = MemberFilterSet(request.GET, queryset=Profile.objects.listed().for_directory())
    return render(
        request, "accounts/directory.html", {"filter": filterset, "page": paginate(request, filterset.qs)}
    )


def profile(request, username):
    user = get_object_or_404(get_user_model(), username=username, is_active=True)
    member = Profile.objects.for_directory().filter(user=user).first()
    own = request.user == user
    if not own and (member is None or not member.is_listed):
        raise Http404
    return render(request, "accounts/profile.html", {"member": member, "person": user, "own": own})


@login_required
def edit_profile(request):
    instance = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile", username=request.user.username)
    return render(request, "accounts/profile_form.html", {"form": form})


def admin_sign_in(request):
    """The admin's own sign-in and password-reset pages lead to the site's: one sign-in for everyone, with its
    second factor and its throttling. Nothing posted here is ever checked."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/admin/"
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


def admin_password_reset(request, **kwargs):
    return redirect("account_reset_password")

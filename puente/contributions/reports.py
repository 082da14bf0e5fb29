"""Content reports: the form behind "Report this content" and the e-mail to moderators."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from puente.core.ratelimit import allow, client_ip

from .models import Report, ReportReason

REPORT_LIMIT = (10, 3600)  # reports per hour and address


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["reason", "details", "email"]
        widgets = {"reason": forms.RadioSelect, "details": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "reason": gettext_lazy("What is wrong?"),
            "details": gettext_lazy("Details (optional)"),
            "email": gettext_lazy("Your e-mail, if you would like an answer (optional)"),
        }


def reportable(content_type_id: int, object_id: int):
    """The public object reported, or 404: only records a visitor can see may be reported."""
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist as error:
        raise Http404 from error
    model = content_type.model_class()
    if model is None or not hasattr(model, "get_absolute_url"):
        raise Http404
    queryset = model._default_manager.all()
    if hasattr(queryset, "published"):  # records, news items and blog posts
        queryset = queryset.published()
    elif hasattr(queryset, "listed"):  # member profiles
        queryset = queryset.listed()
    elif hasattr(queryset, "live"):  # other pages
        queryset = queryset.live()
    elif hasattr(model, "is_verified"):
        queryset = queryset.filter(is_verified=True)
    obj = queryset.filter(pk=object_id).first()
    if obj is None:
        raise Http404
    return obj


def report(request, content_type_id, object_id):
    obj = reportable(content_type_id, object_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not allow("report", client_ip(request), *REPORT_LIMIT):
            form.add_error(None, _("Too many reports from you in the last hour. Please try again later."))
            return render(request, "contributions/report.html", {"form": form, "obj": obj}, status=429)
        item = form.save(commit=False)
        item.content_object = obj
        item.reporter = request.user if request.user.is_authenticated else None
        with transaction.atomic():
            item.save()
            transaction.on_commit(lambda: notify_moderators(item))
        messages.success(request, _("Thank you. The secretariat will look at it."))
        return redirect(obj.get_absolute_url())
    return render(request, "contributions/report.html", {"form": form, "obj": obj})


def notify_moderators(item: Report) -> None:
    from .services import MODERATORS

    User = get_user_model()
    addresses = list(
        User.objects.filter(is_active=True, groups__name=MODERATORS)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not addresses:
        return
    link = f"{settings.SITE_URL}/admin/snippets/contributions/report/edit/{item.pk}/"
    body = _("“%(item)s” was reported: %(reason)s.\n\n%(details)s\n\nReview it: %(link)s") % {
        "item": item.content_object,
        "reason": ReportReason(item.reason).label,
        "details": item.details,
        "link": link,
    }
    send_mail(_("Content reported"), body, None, addresses)

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


def public_records(model):
    """The records of ``model`` that anyone may see, by the rule of their public page, or None when the model
    is not public content (assessment rounds, contributions, accounts...): only these can be reported."""
    from puente.accounts.models import Profile
    from puente.commitments.models import Commitment, ProgressReport, ReportStatus
    from puente.events.models import Meeting
    from puente.groups.models import WorkingGroup
    from puente.news.models import ArticlePage
    from puente.organizations.models import Organisation
    from puente.practices.models import Practice
    from puente.programmes.models import ProgrammePage, Project
    from puente.resources.models import Resource

    manager = model._default_manager
    if model in (Practice, Resource, Meeting, Commitment):
        return manager.published()  # live and not deleted: ``access.get_visible_or_404`` for visitors
    if issubclass(model, ArticlePage):
        return manager.published().public()
    if issubclass(model, ProgrammePage):
        return manager.live().public()
    if model is ProgressReport:  # on its commitment's page once approved
        return manager.filter(status=ReportStatus.APPROVED, commitment__in=Commitment.objects.published())
    if model is Organisation:
        return manager.filter(is_verified=True)
    if model is Profile:
        return manager.listed()
    if model in (Project, WorkingGroup):
        return manager.all()
    return None


def reportable(content_type_id: int, object_id: int):
    """The public object reported, or 404 (the same answer whatever the reason, with no details): only
    records that a visitor can see on their public page may be reported."""
    if not (0 < content_type_id < 2**31 and 0 < object_id < 2**63):
        raise Http404
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist as error:
        raise Http404 from error
    model = content_type.model_class()
    queryset = public_records(model) if model is not None else None
    obj = queryset.filter(pk=object_id).first() if queryset is not None else None
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

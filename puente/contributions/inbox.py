"""The secretariat's moderation inbox: everything that waits for a review, in one admin page, with counts and a
link to where each item is reviewed. Reached from the admin's dashboard and menu and from the site's account
menu. The number of queries does not grow with the number of items (each section is one count and one
bounded list; generic relations are prefetched per type)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.models import Page

from puente.core.access import has_staff_powers

SHOWN = 50  # items listed per section; the count says how many there are in all


@dataclass
class Section:
    """One kind of thing awaiting review."""

    key: str
    title: str
    count: int
    items: list = field(default_factory=list)  # (label, url, detail) triples
    list_url: str = ""


def _edit_url(obj) -> str:
    """Where the admin edits (and moderates) a record: Wagtail's page editor or the snippet's edit view."""
    if isinstance(obj, Page):
        return reverse("wagtailadmin_pages:edit", args=[obj.pk])
    meta = obj._meta
    return reverse(f"wagtailsnippets_{meta.app_label}_{meta.model_name}:edit", args=[quote(obj.pk)])


def _list_url(model, query: str = "") -> str:
    meta = model._meta
    url = reverse(f"wagtailsnippets_{meta.app_label}_{meta.model_name}:list")
    return f"{url}?{query}" if query else url


def sections(shown: int = SHOWN) -> list[Section]:
    """Every kind of item awaiting review, with its count and (up to ``shown``) the items themselves."""
    from puente.commitments.models import Commitment, CommitmentStatus, ProgressReport
    from puente.commitments.models import ReportStatus as ProgressStatus
    from puente.organizations.models import JoinRequest, JoinRequestStatus, Organisation

    from .models import Contribution, ContributionStatus, Report, ReportStatus

    organisations = Organisation.objects.filter(is_verified=False).order_by("name")
    join_requests = (
        JoinRequest.objects.filter(status=JoinRequestStatus.PENDING)
        .select_related("user", "organisation")
        .order_by("created_at")
    )
    contributions = (
        Contribution.objects.filter(status=ContributionStatus.SUBMITTED)
        .prefetch_related("content_object")
        .order_by("updated_at")
    )
    commitments = Commitment.objects.filter(status=CommitmentStatus.SUBMITTED).order_by("title")
    progress = (
        ProgressReport.objects.filter(status=ProgressStatus.SUBMITTED)
        .select_related("commitment")
        .order_by("reporting_date")
    )
    reports = Report.objects.filter(status=ReportStatus.OPEN).prefetch_related("content_object")

    return [
        Section(
            "organisations",
            _("New organisations to verify"),
            organisations.count(),
            [(o.name, _edit_url(o), o.get_kind_display()) for o in organisations[:shown]],
            _list_url(Organisation, "is_verified=false"),
        ),
        Section(
            "join_requests",
            _("Requests to join an organisation"),
            join_requests.count(),
            [
                (
                    f"{r.user} → {r.organisation.name}",
                    reverse("organizations:members", args=[r.organisation.slug]),
                    r.message[:120],
                )
                for r in join_requests[:shown]
            ],
        ),
        Section(
            "contributions",
            _("Contributions in moderation"),
            contributions.count(),
            [
                (str(c.content_object), _edit_url(c.content_object), c.content_type.name)
                for c in contributions.select_related("content_type")[:shown]
                if c.content_object is not None
            ],
            _list_url(Contribution, f"status={ContributionStatus.SUBMITTED}"),
        ),
        Section(
            "commitments",
            _("Commitments submitted for verification"),
            commitments.count(),
            [(c.title, _edit_url(c), "") for c in commitments[:shown]],
            _list_url(Commitment, f"status={CommitmentStatus.SUBMITTED}"),
        ),
        Section(
            "progress_reports",
            _("Progress reports awaiting moderation"),
            progress.count(),
            [(str(p), _edit_url(p), "") for p in progress[:shown]],
            _list_url(ProgressReport, f"status={ProgressStatus.SUBMITTED}"),
        ),
        Section(
            "reports",
            _("Reported content"),
            reports.count(),
            [
                (str(r.content_object or r.content_type.name), _edit_url(r), r.get_reason_display())
                for r in reports.select_related("content_type")[:shown]
            ],
            _list_url(Report, f"status={ReportStatus.OPEN}"),
        ),
    ]


def inbox_view(request):
    if not has_staff_powers(request.user):
        raise PermissionDenied
    found = sections()
    return TemplateResponse(
        request,
        "contributions/admin/inbox.html",
        {"sections": found, "total": sum(section.count for section in found)},
    )


class InboxPanel(Component):
    """The dashboard's summary: how many items of each kind wait, linking to the inbox."""

    name = "moderation_inbox"
    order = 50
    template_name = "contributions/admin/inbox_panel.html"

    def get_context_data(self, parent_context=None):
        found = sections(shown=0)  # the counts only
        return {
            "sections": found,
            "total": sum(section.count for section in found),
            "inbox_url": reverse("contributions_inbox"),
        }

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from puente.core import conflicts
from puente.core.access import (
    AwaitingVerification,
    can_act_for,
    is_focal_point,
    is_secretariat,
    require,
    require_can_act_for,
)
from puente.core.views import paginate
from puente.organizations.models import Membership, MembershipRole, Organisation
from puente.organizations.views import awaiting_verification

from . import reporting, services
from .filters import CommitmentFilterSet
from .forms import CommitmentForm, PriorityFormSet, ReasonForm, ReportForm, SignOffForm
from .models import Commitment, CommitmentStatus, Competence, ProgressReport, ReportStatus, overdue_months


def index(request):
    filterset = CommitmentFilterSet(request.GET, queryset=Commitment.objects.published().for_list())
    return render(
        request,
        "commitments/commitment_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
    )


def _get_commitment(request, slug):
    queryset = Commitment.objects.select_related("local_government__country").prefetch_related(
        "priorities", "impacts", "partner_initiatives", *Commitment.TAG_FIELDS
    )
    commitment = queryset.filter(slug=slug).first()
    if commitment is None or not services.can_view(request.user, commitment):
        raise Http404
    return commitment


def detail(request, slug):
    commitment = _get_commitment(request, slug)
    reports = list(commitment.reports.for_timeline()) if commitment.live else []
    focal = is_focal_point(request.user, commitment.local_government)
    acts_for = focal and can_act_for(request.user, commitment.local_government)
    own_reports = (
        list(commitment.reports.exclude(status=ReportStatus.APPROVED).order_by("-reporting_date"))
        if focal or is_secretariat(request.user)
        else []
    )
    return render(
        request,
        "commitments/commitment_detail.html",
        {
            "commitment": commitment,
            "previous": commitment.previous() if commitment.live else None,
            "next": commitment.next() if commitment.live else None,
            "reports": reports,
            "pending_reports": own_reports,
            "overdue": commitment.is_overdue(),
            "overdue_months": overdue_months(),
            "can_edit": services.can_edit(request.user, commitment),
            "can_report": services.can_report(request.user, commitment),
            "is_focal_point": acts_for,
            "awaiting_verification": focal and not acts_for,
            "is_secretariat": is_secretariat(request.user),
            "reason_form": ReasonForm(),
            "sign_off_form": SignOffForm(
                initial={"mayor": commitment.mayor or commitment.local_government.mayor}
            ),
        },
    )


# --- focal points ----------------------------------------------------------------------------------------------


def _focal_organisations(user):
    return Organisation.objects.filter(
        memberships__user=user, memberships__role__in=[MembershipRole.FOCAL_POINT, MembershipRole.ADMIN]
    ).distinct()


@login_required
def mine(request):
    """The commitments of the local governments the user is a focal point for, in every state."""
    organisations = list(_focal_organisations(request.user).order_by("name"))
    member_of = Membership.objects.filter(user=request.user).values("organisation")
    commitments = (
        Commitment.objects.filter(local_government__in=member_of)
        .select_related("local_government")
        .order_by("local_government__name", "title")
    )
    return render(
        request,
        "commitments/mine.html",
        {"organisations": organisations, "commitments": commitments},
    )


def _priority_lines(rows) -> str:
    """Priorities as numbered lines, to show what changed between two versions of a commitment."""
    competences = dict(Competence.choices)
    lines = []
    for number, (text, competence, indicator, unit, baseline, target) in enumerate(rows, start=1):
        line = f"{number}. {' '.join(str(text).split())} ({competences.get(competence, competence)})"
        if indicator:
            measure = f"{conflicts.decimal_text(baseline) or '?'} → {conflicts.decimal_text(target) or '?'}"
            line += f" – {indicator}: {measure} {unit}".rstrip()
        lines.append(line)
    return "\n".join(lines)


def _saved_priorities(commitment) -> str:
    return _priority_lines(
        (p.text, p.competence, p.indicator, p.unit, p.baseline, p.target) for p in commitment.priorities.all()
    )


def _typed_priorities(formset) -> str:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data.get("DELETE") or not data.get("text"):
            continue
        rows.append(
            tuple(
                data.get(name) for name in ("text", "competence", "indicator", "unit", "baseline", "target")
            )
        )
    return _priority_lines(rows)


ADD_PRIORITY = "add_priority"


def _with_another_priority(request, commitment, organisation, template, heading):
    """The "Add another priority" button (works without JavaScript): the same form back, as typed, with one
    more empty priority row. Nothing is saved and nothing is reported as an error yet."""
    data = request.POST.copy()
    total = int(data.get("priorities-TOTAL_FORMS") or 0)
    data["priorities-TOTAL_FORMS"] = str(min(total + 1, PriorityFormSet.max_num))
    form = CommitmentForm(data, instance=commitment)
    formset = PriorityFormSet(data, instance=commitment, prefix="priorities")
    # Validate once so the bound values render, then drop the errors: the person has not submitted yet.
    form.is_valid()
    form._errors.clear()
    formset.is_valid()
    formset._non_form_errors = formset.error_class()
    for row in formset.forms:
        row._errors.clear()
    loaded = conflicts.posted_version(request.POST)
    context = {
        "form": form,
        "formset": formset,
        "organisation": organisation,
        "commitment": commitment,
        "heading": heading,
        "version": loaded if loaded is not None else conflicts.current_version(commitment),
        "conflict": None,
    }
    return render(request, template, context)


def _save_commitment_form(request, commitment, organisation, template, heading):
    """The draft form. An edit carries the revision it was loaded from: when someone else saved the draft
    meanwhile, nothing is saved and the form comes back with this person's input, what changed, and the new
    version to save over consciously."""
    if request.method == "POST" and ADD_PRIORITY in request.POST:
        return _with_another_priority(request, commitment, organisation, template, heading)
    form = CommitmentForm(request.POST or None, instance=commitment)
    formset = PriorityFormSet(request.POST or None, instance=commitment, prefix="priorities")
    loaded = conflicts.posted_version(request.POST) if request.method == "POST" else None
    version = loaded if loaded is not None else conflicts.current_version(commitment)
    conflict = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                is_new = commitment.pk is None
                if not is_new and loaded is not None:
                    conflicts.check(
                        commitment,
                        loaded,
                        form,
                        lambda obj: CommitmentForm(instance=obj),
                        extra=[(_("Priorities"), _saved_priorities, _typed_priorities(formset))],
                    )
                item = form.save(commit=False)
                if is_new:
                    item.slug = services.unique_slug(item.title)
                    item.local_government = organisation
                    item.status = CommitmentStatus.DRAFT
                    item.submitted_by = request.user
                    item.live = False
                    if organisation.country_id:
                        item.save()
                        item.countries.set([organisation.country_id])
                item.save()
                item.cla_objectives.set(form.cleaned_data["cla_objectives"])
                item.save()
                formset.instance = item
                formset.save()
                item.save_revision(user=request.user)
        except conflicts.EditConflict as exc:
            conflict = exc.changes
            version = conflicts.current_version(commitment)
        else:
            messages.success(
                request, _("The draft has been saved. Only your local government and the secretariat see it.")
            )
            return redirect(item.get_absolute_url())
    if request.method == "POST" and conflict is None:
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        template,
        {
            "form": form,
            "formset": formset,
            "organisation": organisation,
            "commitment": commitment,
            "heading": heading,
            "version": version,
            "conflict": conflict,
        },
        status=409 if conflict is not None else 200,
    )


def _refusal(request, organisation, message):
    """None when the user may act for ``organisation``; the page saying it awaits verification when only that
    is missing; PermissionDenied otherwise."""
    try:
        require_can_act_for(request.user, organisation, message)
    except AwaitingVerification:
        return awaiting_verification(request, organisation)
    return None


@login_required
def create(request):
    organisation_id = request.GET.get("organisation") or request.POST.get("organisation")
    organisation = _focal_organisations(request.user).filter(pk=_int(organisation_id)).first()
    refusal = _refusal(
        request, organisation, _("Only a focal point of a local government may draft its commitments.")
    )
    if refusal is not None:
        return refusal
    return _save_commitment_form(
        request,
        Commitment(local_government=organisation, mayor=organisation.mayor),
        organisation,
        "commitments/commitment_form.html",
        _("New commitment for %(name)s") % {"name": organisation.name},
    )


@login_required
def edit(request, slug):
    commitment = get_object_or_404(Commitment, slug=slug)
    message = _("Only a focal point of this local government may edit this draft.")
    if not commitment.is_editable_by_local_government:
        raise PermissionDenied(message)
    refusal = _refusal(request, commitment.local_government, message)
    if refusal is not None:
        return refusal
    return _save_commitment_form(
        request,
        commitment,
        commitment.local_government,
        "commitments/commitment_form.html",
        _("Edit %(title)s") % {"title": commitment.title},
    )


def _int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _act(request, slug, action, success):
    """Run a life-cycle service on a POST; report refusals as messages, never as server errors."""
    commitment = get_object_or_404(Commitment, slug=slug)
    try:
        action(commitment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except AwaitingVerification as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("commitments:detail", slug=commitment.slug)


@require_POST
@login_required
def sign_off(request, slug):
    commitment = get_object_or_404(Commitment, slug=slug)
    try:
        services.require_can_edit(request.user, commitment, "")
    except AwaitingVerification as exc:
        messages.error(request, str(exc))
        return redirect("commitments:detail", slug=slug)
    form = SignOffForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("commitments:detail", slug=slug)
    return _act(
        request,
        slug,
        lambda c: services.record_sign_off(
            c, request.user, mayor=form.cleaned_data["mayor"], signed_on=form.cleaned_data["signed_on"]
        ),
        _("The mayor's sign-off has been recorded."),
    )


@require_POST
@login_required
def submit(request, slug):
    return _act(
        request,
        slug,
        lambda c: services.submit(c, request.user),
        _("Submitted: the secretariat will verify the commitment and tell you by e-mail."),
    )


@require_POST
@login_required
def verify(request, slug):
    return _act(request, slug, lambda c: services.verify(c, request.user), _("The commitment is verified."))


@require_POST
@login_required
def publish(request, slug):
    return _act(request, slug, lambda c: services.publish(c, request.user), _("The commitment is published."))


@require_POST
@login_required
def send_back(request, slug):
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        slug,
        lambda c: services.send_back(c, request.user, reason=reason),
        _("The commitment has been sent back to the local government."),
    )


# --- progress reports ----------------------------------------------------------------------------------------


def _report_form_page(request, commitment, report=None):
    priorities = list(commitment.priorities.all())
    form = ReportForm(request.POST or None, request.FILES or None, priorities=priorities, report=report)
    if request.method == "POST" and form.is_valid():
        data = {
            "reporting_date": form.cleaned_data["reporting_date"],
            "narrative": form.cleaned_data["narrative"],
            "rows": form.row_data(),
            "evidence_links": form.cleaned_data["evidence_links"],
            "evidence_document": form.cleaned_data.get("evidence_document"),
        }
        try:
            if report is None:
                services.file_report(commitment, request.user, **data)
            else:
                services.edit_report(report, request.user, **data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(None if field == "__all__" else field, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Your report has been submitted for moderation."))
            return redirect(commitment.get_absolute_url())
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "commitments/report_form.html",
        {"form": form, "commitment": commitment, "report": report},
    )


@login_required
def report_create(request, slug):
    commitment = get_object_or_404(Commitment, slug=slug)
    refusal = _refusal(
        request,
        commitment.local_government,
        _("Only a focal point of this local government may report on its commitment."),
    )
    if refusal is not None:
        return refusal
    if not commitment.live:
        messages.error(request, _("Progress can only be reported on a published commitment."))
        return redirect("commitments:detail", slug=slug)
    return _report_form_page(request, commitment)


@login_required
def report_edit(request, pk):
    report = get_object_or_404(ProgressReport.objects.select_related("commitment__local_government"), pk=pk)
    refusal = _refusal(
        request,
        report.commitment.local_government,
        _("Only a focal point of this local government may edit its reports."),
    )
    if refusal is not None:
        return refusal
    return _report_form_page(request, report.commitment, report)


def _report_act(request, pk, action, success):
    report = get_object_or_404(ProgressReport.objects.select_related("commitment"), pk=pk)
    try:
        action(report)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("commitments:review")


@require_POST
@login_required
def report_approve(request, pk):
    return _report_act(
        request,
        pk,
        lambda r: services.approve_report(r, request.user),
        _("The report is approved and published."),
    )


@require_POST
@login_required
def report_send_back(request, pk):
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _report_act(
        request,
        pk,
        lambda r: services.send_back_report(r, request.user, reason=reason),
        _("The report has been sent back to the focal point."),
    )


# --- secretariat -----------------------------------------------------------------------------------------------


@login_required
def review(request):
    require(is_secretariat(request.user))
    commitments = (
        Commitment.objects.filter(status__in=[CommitmentStatus.SUBMITTED, CommitmentStatus.VERIFIED])
        .select_related("local_government__country")
        .order_by("submitted_on", "title")
    )
    reports = (
        ProgressReport.objects.filter(status=ReportStatus.SUBMITTED)
        .select_related("commitment__local_government", "submitted_by")
        .prefetch_related("rows__priority")
        .order_by("submitted_at")
    )
    return render(
        request,
        "commitments/review.html",
        {"commitments": commitments, "reports": reports, "reason_form": ReasonForm()},
    )


# --- public overviews --------------------------------------------------------------------------------------------


def dashboard(request):
    filterset = CommitmentFilterSet(request.GET, queryset=Commitment.objects.filter(deleted_at__isnull=True))
    filtered = filterset.qs
    published = filtered.published()
    pipeline = filtered.exclude(status=CommitmentStatus.DRAFT)
    charts = reporting.dashboard_charts(published, pipeline)
    return render(
        request,
        "commitments/dashboard.html",
        {"filter": filterset, "charts": charts, "published_count": published.count()},
    )


def asks(request):
    filterset = CommitmentFilterSet(request.GET, queryset=Commitment.objects.published())
    return render(
        request,
        "commitments/asks.html",
        {"filter": filterset, "groups": reporting.asks_by_country(filterset.qs)},
    )


def export(request, fmt):
    filterset = CommitmentFilterSet(request.GET, queryset=Commitment.objects.published().order_by("title"))
    from django.conf import settings

    rows = reporting.export_rows(filterset.qs, site_url=settings.SITE_URL)
    if fmt == "xlsx":
        response = HttpResponse(
            reporting.to_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(reporting.to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="commitments.{fmt}"'
    return response

import json
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from puente.core.access import AwaitingVerification, require_can_act_for
from puente.organizations.models import Membership, MembershipRole, Organisation
from puente.organizations.views import awaiting_verification
from puente.practices.models import Practice

from . import scoring, services
from .forms import AnswerForm, StartRoundForm
from .models import Answer, Assignment, Criterion, Framework, Round, RoundStatus

# What a signed-out visitor typed into an answer form, kept in the session to restore after signing in again:
# {path: {field: value}}, for a few forms, each within a size limit (JSON characters, as the session stores it).
STASH = "assessment-stash"
STASH_FORMS = 3
STASH_MAX_CHARS = 16 * 1024


def _round(request, pk) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("organisation", "version__framework"), pk=pk)
    if not services.can_view(request.user, round_):
        raise Http404
    return round_


def framework(request, slug):
    """The public description of a framework's current version: scale, criteria and questions."""
    item = get_object_or_404(Framework, slug=slug)
    version = item.current_version()
    if version is None:
        raise Http404
    criteria = version.criteria().prefetch_related("questions")
    return render(
        request,
        "assessments/framework.html",
        {"framework": item, "version": version, "levels": version.levels.all(), "criteria": criteria},
    )


@login_required
def index(request):
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    organisations = [m.organisation for m in memberships]
    focal = [
        m.organisation for m in memberships if m.role in (MembershipRole.FOCAL_POINT, MembershipRole.ADMIN)
    ]
    rounds = (
        Round.objects.filter(organisation__in=organisations)
        .select_related("organisation", "version__framework")
        .order_by("organisation__name", "-year")
    )
    return render(
        request,
        "assessments/index.html",
        {"rounds": rounds, "focal_organisations": focal, "frameworks": Framework.objects.all()},
    )


@login_required
def start(request):
    organisation = get_object_or_404(Organisation, pk=_int(request.GET.get("organisation")))
    try:
        require_can_act_for(
            request.user,
            organisation,
            _("Only a focal point of this local government may start an assessment."),
        )
    except AwaitingVerification:
        return awaiting_verification(request, organisation)
    form = StartRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.start_round(
                organisation=organisation,
                user=request.user,
                framework=form.cleaned_data["framework"],
                year=form.cleaned_data["year"],
                title=form.cleaned_data["title"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("The round has started. Assign criteria to your colleagues, or answer them yourself."),
            )
            return redirect(round_)
    return render(request, "assessments/start.html", {"form": form, "organisation": organisation})


def _int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


@login_required
def round_detail(request, pk):
    round_ = _round(request, pk)
    criteria = list(round_.version.criteria().prefetch_related("questions"))
    answered = {}
    for answer in Answer.objects.filter(round=round_, level__isnull=False).values("question__criterion"):
        key = answer["question__criterion"]
        answered[key] = answered.get(key, 0) + 1
    assignments = {
        a.criterion_id: a.assignee for a in Assignment.objects.filter(round=round_).select_related("assignee")
    }
    manage = services.can_manage(request.user, round_)
    members = (
        get_user_model().objects.filter(memberships__organisation=round_.organisation).order_by("username")
        if manage
        else []
    )
    rows = [
        {
            "criterion": c,
            "questions": len(c.questions.all()),
            "answered": answered.get(c.pk, 0),
            "assignee": assignments.get(c.pk),
            "can_answer": manage or assignments.get(c.pk) == request.user,
        }
        for c in criteria
    ]
    return render(
        request,
        "assessments/round.html",
        {"round": round_, "rows": rows, "can_manage": manage, "members": members},
    )


@require_POST
@login_required
def assign(request, pk):
    round_ = _round(request, pk)
    users = get_user_model().objects
    changes = {}
    for criterion in round_.version.criteria():
        value = request.POST.get(f"assignee_{criterion.pk}")
        if value is None:
            continue
        assignee = users.filter(pk=_int(value)).first() if value else None
        if value and assignee is None:
            messages.error(request, _("Choose a colleague from the list."))
            return redirect(round_)
        changes[criterion] = assignee
    try:
        services.assign(round_, request.user, changes)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except AwaitingVerification as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The assignments have been saved."))
    return redirect(round_)


def answer(request, pk, criterion_id):
    """Answer one criterion. A POST from an expired session is kept and restored after signing in again."""
    if not request.user.is_authenticated:
        if request.method == "POST":
            kept = _stash(request, pk, criterion_id)
            if kept:
                messages.warning(
                    request, _("Your session has expired. Sign in again: your answers have been kept.")
                )
            elif kept is not None:
                messages.warning(
                    request,
                    _(
                        "Your session has expired. What you typed is too long to keep while you sign in "
                        "again: go back, copy it, then sign in."
                    ),
                )
        return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
    round_ = _round(request, pk)
    criterion = get_object_or_404(
        Criterion.objects.select_related("domain"), pk=criterion_id, domain__version=round_.version
    )
    if not services.can_answer(request.user, round_, criterion):
        raise PermissionDenied(_("You may not answer this criterion in this round."))
    if not round_.is_open:
        messages.info(request, _("This round is closed: its answers can no longer be changed."))
        return redirect("assessments:results", pk=round_.pk)
    questions = criterion.questions.all()
    existing = {a.question_id: a for a in Answer.objects.filter(round=round_, question__criterion=criterion)}
    levels = list(round_.version.levels.all())
    stash = request.session.get(STASH, {}).pop(request.path, None) if request.method == "GET" else None
    if stash:
        request.session.modified = True
        messages.info(request, _("We kept what you typed before your session expired. Check it and save."))
    data = request.POST if request.method == "POST" else stash
    form = AnswerForm(data, questions=questions, levels=levels, answers=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_answers(round_, criterion, request.user, form.answers())
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _(
                    "Your answers have been saved. You can come back and change them until the round is closed."
                ),
            )
            return redirect(round_)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "assessments/answer.html",
        {"round": round_, "criterion": criterion, "form": form, "levels": levels},
    )


def _stash(request, pk, criterion_id) -> bool | None:
    """Keep a signed-out visitor's answers to restore them after they sign in again (``answer``): only for an
    open round's criterion, only that form's fields (choices that exist, texts within the form's limit), within
    ``STASH_MAX_CHARS`` in all, for the last ``STASH_FORMS`` forms. None when there is nothing to keep and False
    when it is too long to keep: no session is started for either."""
    if not (_int(pk) and _int(criterion_id)):
        return None
    round_ = Round.objects.filter(pk=pk, status=RoundStatus.OPEN).select_related("version").first()
    criterion = round_ and Criterion.objects.filter(pk=criterion_id, domain__version=round_.version).first()
    if not criterion:
        return None
    form = AnswerForm(questions=criterion.questions.all(), levels=round_.version.levels.all())
    kept = {}
    for name, field in form.fields.items():
        value = request.POST.get(name, "")
        if not value:
            continue
        if isinstance(field, forms.ChoiceField):
            if value in {str(key) for key, _label in field.choices}:
                kept[name] = value
        elif len(value) > field.max_length:
            return False
        else:
            kept[name] = value
    if not kept:
        return None
    if len(json.dumps(kept)) > STASH_MAX_CHARS:
        return False
    stash = {path: data for path, data in request.session.get(STASH, {}).items() if path != request.path}
    stash[request.path] = kept
    request.session[STASH] = dict(list(stash.items())[-STASH_FORMS:])
    return True


@require_http_methods(["GET", "POST"])
@login_required
def close(request, pk):
    """GET asks to confirm (closing cannot be undone: answers freeze); the POST from that page closes."""
    round_ = _round(request, pk)
    if request.method == "GET":
        if not services.can_manage(request.user, round_):
            raise PermissionDenied
        if not round_.is_open:
            return redirect("assessments:results", pk=round_.pk)
        return render(request, "assessments/close_confirm.html", {"round": round_})
    try:
        services.close_round(round_, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(round_)
    except AwaitingVerification as exc:
        messages.error(request, str(exc))
        return redirect(round_)
    messages.success(request, _("The round is closed. Here are its results."))
    return redirect("assessments:results", pk=round_.pk)


@require_POST
@login_required
def publish(request, pk):
    round_ = _round(request, pk)
    try:
        services.set_summary_public(round_, request.user, request.POST.get("public") == "1")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except AwaitingVerification as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The summary is now on your organisation's public page.")
            if round_.summary_public
            else _("The summary is no longer public."),
        )
    return redirect("assessments:results", pk=round_.pk)


def _attach_suggestions(round_, results) -> None:
    """Published practices from other organisations tagged with each gap's criterion ("who already solved
    this"), as ``gap.practices``: one query for all gaps."""
    gaps = [gap for gap in results.gaps if gap.criterion.taxonomy_id]
    if not gaps:
        return
    wanted = {gap.criterion.taxonomy_id for gap in gaps}
    found: dict[int, list] = {}
    practices = (
        Practice.objects.published()
        .filter(criteria__in=wanted)
        .exclude(organisations=round_.organisation)
        .annotate(criterion_id=F("criteria"))
        .order_by("-submitted_on", "-first_published_at")
    )
    for practice in practices:
        bucket = found.setdefault(practice.criterion_id, [])
        if len(bucket) < 3:
            bucket.append(practice)
    for gap in gaps:
        gap.practices = found.get(gap.criterion.taxonomy_id, [])


@login_required
def results(request, pk):
    round_ = _round(request, pk)
    res = scoring.results(round_)
    _attach_suggestions(round_, res)
    drafts = services.gap_drafts(round_) if res.gaps else {}
    for gap in res.gaps:
        gap.draft = drafts.get(gap.criterion.pk)  # drafting again opens this one
    return render(
        request,
        "assessments/results.html",
        {
            "round": round_,
            "results": res,
            "radar": scoring.radar(res),
            "can_manage": services.can_manage(request.user, round_),
            "peer_minimum": scoring.PEER_MINIMUM,
        },
    )


@require_POST
@login_required
def commitment_from_gap(request, pk, criterion_id):
    round_ = _round(request, pk)
    criterion = get_object_or_404(Criterion, pk=criterion_id, domain__version=round_.version)
    try:
        commitment, created = services.commitment_from_gap(round_, criterion, request.user)
    except AwaitingVerification as exc:
        messages.error(request, str(exc))
        return redirect("assessments:results", pk=round_.pk)
    if created:
        messages.success(
            request,
            _("A draft commitment has been created from this gap. Complete it and submit it when ready."),
        )
    else:
        messages.info(request, _("A commitment was drafted from this gap already: here it is."))
    return redirect("commitments:edit", slug=commitment.slug)


def _report_context(request, round_):
    res = scoring.results(round_)
    return {
        "round": round_,
        "results": res,
        "radar": scoring.radar(res),
        "peer_minimum": scoring.PEER_MINIMUM,
    }


@login_required
def report(request, pk):
    round_ = _round(request, pk)
    with translation.override(round_.language):
        return render(request, "assessments/report.html", _report_context(request, round_))


@login_required
def report_pdf(request, pk):
    round_ = _round(request, pk)
    with translation.override(round_.language):
        html = render_to_string("assessments/report.html", _report_context(request, round_), request=request)
    try:
        from weasyprint import HTML
    except (ImportError, OSError):  # WeasyPrint needs Pango; say so instead of failing
        messages.error(
            request, _("PDF reports are not available on this server. Use the printable page instead.")
        )
        return redirect("assessments:report", pk=round_.pk)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="self-assessment-{round_.pk}.pdf"'
    return response

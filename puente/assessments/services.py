"""Running an assessment round: who may do what, and each step in one transaction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from puente.core.access import can_act_for, is_secretariat, organisation_role, require_can_act_for

from .models import (
    MAX_LEVEL,
    MIN_LEVEL,
    Answer,
    Assignment,
    Competence,
    Criterion,
    Framework,
    GapDraft,
    Round,
    RoundStatus,
)

# --- permissions ----------------------------------------------------------------------------------------------


def can_view(user, round_: Round) -> bool:
    """Rounds are private to the organisation's members and the secretariat."""
    return is_secretariat(user) or organisation_role(user, round_.organisation) is not None


def can_manage(user, round_: Round) -> bool:
    """Assign, close, publish and draft commitments from gaps: those who may act for the organisation."""
    return can_act_for(user, round_.organisation)


def can_answer(user, round_: Round, criterion: Criterion) -> bool:
    if organisation_role(user, round_.organisation) is None:
        return False
    if can_manage(user, round_):
        return True
    return Assignment.objects.filter(round=round_, criterion=criterion, assignee=user).exists()


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _require_manage(user, round_: Round, message: str) -> None:
    """``can_manage`` or raise; ``access.AwaitingVerification`` when only the verification is missing."""
    require_can_act_for(user, round_.organisation, message)


# --- steps ------------------------------------------------------------------------------------------------------


@transaction.atomic
def start_round(*, organisation, user, framework: Framework, year: int, title: str, language: str) -> Round:
    require_can_act_for(
        user, organisation, _("Only a focal point of this local government may start an assessment.")
    )
    version = framework.current_version()
    if version is None:
        raise ValidationError(_("This framework has no current version yet."))
    return Round.objects.create(
        organisation=organisation, version=version, year=year, title=title, language=language, started_by=user
    )


def _require_open(round_: Round) -> None:
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(_("This round is closed: its answers can no longer be changed."))


@transaction.atomic
def assign(round_: Round, user, assignments: dict) -> None:
    """``assignments``: {criterion: assignee or None}. Assignees must belong to the organisation."""
    _require_manage(user, round_, _("Only a focal point may assign criteria."))
    _require_open(round_)
    for criterion, assignee in assignments.items():
        if criterion.domain.version_id != round_.version_id:
            raise ValidationError(_("This criterion is not part of the round's framework version."))
        if assignee is None:
            Assignment.objects.filter(round=round_, criterion=criterion).delete()
            continue
        if organisation_role(assignee, round_.organisation) is None:
            raise ValidationError(
                _("%(name)s is not a member of %(organisation)s.")
                % {"name": assignee, "organisation": round_.organisation}
            )
        Assignment.objects.update_or_create(
            round=round_, criterion=criterion, defaults={"assignee": assignee}
        )


@transaction.atomic
def save_answers(round_: Round, criterion: Criterion, user, answers: dict[int, dict]) -> int:
    """Save the answers to ``criterion``'s questions: {question id: {level, competence, evidence, notes,
    potential_commitment}}. A missing level keeps the answer as a draft. Returns how many were saved."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    _require(can_answer(user, round_, criterion), _("You may not answer this criterion in this round."))
    _require_open(round_)
    if criterion.domain.version_id != round_.version_id:
        raise ValidationError(_("This criterion is not part of the round's framework version."))
    questions = {q.pk: q for q in criterion.questions.all()}
    saved = 0
    for question_id, data in answers.items():
        question = questions.get(question_id)
        if question is None:
            raise ValidationError(_("This question is not part of this criterion."))
        level = data.get("level")
        if level is not None and not MIN_LEVEL <= level <= MAX_LEVEL:
            raise ValidationError(
                _("Choose a level between %(min)s and %(max)s.") % {"min": MIN_LEVEL, "max": MAX_LEVEL}
            )
        competence = data.get("competence") or ""
        if competence and competence not in Competence.values:
            raise ValidationError(_("Choose who is competent from the list."))
        Answer.objects.update_or_create(
            round=round_,
            question=question,
            defaults={
                "level": level,
                "competence": competence,
                "evidence": data.get("evidence", ""),
                "notes": data.get("notes", ""),
                "potential_commitment": data.get("potential_commitment", ""),
                "answered_by": user,
            },
        )
        saved += 1
    return saved


@transaction.atomic
def close_round(round_: Round, user) -> Round:
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    _require_manage(user, round_, _("Only a focal point may close the round."))
    _require_open(round_)
    if not Answer.objects.filter(round=round_, level__isnull=False).exists():
        raise ValidationError(_("Answer at least one question before closing the round."))
    round_.status = RoundStatus.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    return round_


@transaction.atomic
def set_summary_public(round_: Round, user, public: bool) -> Round:
    _require_manage(user, round_, _("Only a focal point may publish the round's summary."))
    if public and round_.status != RoundStatus.CLOSED:
        raise ValidationError(_("Close the round before publishing its summary."))
    round_.summary_public = public
    round_.save(update_fields=["summary_public"])
    return round_


def gap_drafts(round_: Round) -> dict:
    """{criterion id: draft commitment} for the gaps of a round already drafted from (one query)."""
    found = GapDraft.objects.filter(round=round_, commitment__deleted_at__isnull=True).select_related(
        "commitment"
    )
    return {draft.criterion_id: draft.commitment for draft in found}


@transaction.atomic
def commitment_from_gap(round_: Round, criterion: Criterion, user):
    """(commitment, created): a draft commitment for the organisation, prefilled from a criterion's answers;
    the one drafted already from this gap if there is one (a second click, or a colleague's), so that a gap
    never gets two drafts."""
    _require_manage(user, round_, _("Only a focal point may draft commitments."))
    Round.objects.select_for_update().get(pk=round_.pk)  # two clicks at once: the second waits, then finds it
    existing = gap_drafts(round_).get(criterion.pk)
    if existing is not None:
        return existing, False
    commitment = _draft_from_gap(round_, criterion, user)
    GapDraft.objects.update_or_create(round=round_, criterion=criterion, defaults={"commitment": commitment})
    return commitment, True


def _draft_from_gap(round_: Round, criterion: Criterion, user):
    from django.utils.html import escape

    from puente.commitments.services import create_draft_commitment

    answers = list(
        Answer.objects.filter(round=round_, question__criterion=criterion).select_related("question")
    )
    language = round_.language if round_.language in ("en", "es", "fr") else "en"
    priorities = [
        {"text": answer.potential_commitment.strip(), "competence": answer.competence or "municipal"}
        for answer in answers
        if answer.potential_commitment.strip()
    ]
    if not priorities:
        priorities = [
            {"text": _("Improve on: %(criterion)s") % {"criterion": criterion.translated("name", language)}}
        ]
    competence_lines = "".join(
        f"<li>{escape(answer.question.text_in(language))} – {escape(answer.get_competence_display() or '—')}</li>"
        for answer in answers
    )
    overview = (
        "<p>"
        + escape(
            _("Drafted from the self-assessment “%(round)s” (%(year)s), criterion “%(criterion)s”.")
            % {
                "round": round_.title,
                "year": round_.year,
                "criterion": criterion.translated("name", language),
            }
        )
        + "</p>"
        + (
            f"<p>{escape(_('Competence analysis:'))}</p><ul>{competence_lines}</ul>"
            if competence_lines
            else ""
        )
    )
    return create_draft_commitment(
        organisation=round_.organisation,
        user=user,
        title=_("%(criterion)s: commitment of %(organisation)s")
        % {"criterion": criterion.translated("name", language), "organisation": round_.organisation.name},
        overview=overview,
        summary=_("A commitment drafted from the self-assessment on %(criterion)s.")
        % {"criterion": criterion.translated("name", language)},
        priorities=priorities,
        solidarity_criteria=[criterion.taxonomy] if criterion.taxonomy_id else [],
        language=language,
    )


def published_summaries(organisation) -> list:
    """(round, results) for an organisation's rounds whose summary it chose to publish, newest first."""
    from .scoring import results

    rounds = Round.objects.filter(organisation=organisation, summary_public=True, status=RoundStatus.CLOSED)
    return [(r, results(r, compare=False)) for r in rounds.select_related("version__framework")]

"""Demo accountability data (``data/demo_progress.yaml``): focal points, priority details, approved reports.

Called by ``manage.py load_demo`` after the core demo content. Idempotent: reports are matched by
commitment and reporting date, accounts by username. All of it belongs to the fictional demo organisation;
``withdrawn`` removes what earlier versions of the demo invented about a real local government.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from puente.organizations.models import Membership, MembershipRole, Organisation

from .models import (
    Commitment,
    CommitmentPriority,
    Competence,
    PriorityProgress,
    PriorityStatus,
    ProgressReport,
    ReportStatus,
)

DATA = Path(__file__).parent / "data" / "demo_progress.yaml"


def _decimal(value):
    return None if value is None else Decimal(str(value))


@transaction.atomic
def load() -> list[str]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    users = get_user_model().objects
    created_accounts, created_reports = [], 0
    for spec in data.get("focal_points", []):
        spec = dict(spec)
        organisation = Organisation.objects.get(slug=spec.pop("organisation"))
        password = spec.pop("password")
        user = users.filter(username=spec["username"]).first()
        if user is None:
            user = users.create_user(password=password, **spec)
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
            created_accounts.append(f"{user.username} / {password}")
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": MembershipRole.FOCAL_POINT}
        )

    for slug, spec in (data.get("commitments") or {}).items():
        commitment = Commitment.objects.get(slug=slug)
        priorities = list(commitment.priorities.order_by("sort_order", "pk"))
        for number, fields in (spec.get("priorities") or {}).items():
            priority = priorities[number - 1]
            for key in ("competence", "indicator", "unit"):
                if key in fields:
                    setattr(priority, key, fields[key])
            priority.baseline = _decimal(fields.get("baseline"))
            priority.target = _decimal(fields.get("target"))
            priority.save()
        Commitment.objects.filter(pk=commitment.pk).update(
            signed_off_by_mayor=spec.get("signed_off_by_mayor", ""),
            signed_off_on=spec.get("signed_off_on"),
        )
        for report_spec in spec.get("reports") or []:
            reporting_date = report_spec["reporting_date"]
            if isinstance(reporting_date, str):
                reporting_date = dt.date.fromisoformat(reporting_date)
            report, created = ProgressReport.objects.get_or_create(
                commitment=commitment,
                reporting_date=reporting_date,
                defaults={
                    "narrative": " ".join(report_spec["narrative"].split()),
                    "evidence_links": report_spec.get("evidence_links", ""),
                    "status": ReportStatus.APPROVED,
                },
            )
            if not created:
                continue
            created_reports += 1
            for number, row in report_spec["rows"].items():
                PriorityProgress.objects.create(
                    report=report,
                    priority=priorities[number - 1],
                    status=row["status"],
                    percent_complete=row["percent"],
                    indicator_value=_decimal(row.get("value")),
                )
            report.save_revision()
        commitment.refresh_progress()

    removed = remove_withdrawn(data.get("withdrawn") or {})
    lines = [f"Progress reports: {created_reports} created"]
    if removed:
        lines.append(f"Withdrawn demo data about real organisations: {removed} records removed")
    lines += [f"Demo focal point account created: {account}" for account in created_accounts]
    return lines


def _date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def remove_withdrawn(spec: dict) -> int:
    """Remove what earlier demo versions invented about real organisations; how many records went."""
    removed = 0
    for row in spec.get("memberships") or []:
        removed += Membership.objects.filter(
            user__username=row["username"], organisation__slug=row["organisation"]
        ).delete()[0]
    for slug, withdrawn in (spec.get("commitments") or {}).items():
        commitment = Commitment.objects.filter(slug=slug).first()
        if commitment is None:
            continue
        dates = [_date(d) for d in withdrawn.get("reports") or []]
        reports = commitment.reports.filter(reporting_date__in=dates)
        if not reports.exists():
            continue
        removed += reports.delete()[0]
        # The invented reports came with invented priority details and a sign-off: none was recorded.
        CommitmentPriority.objects.filter(commitment=commitment).update(
            competence=Competence.MUNICIPAL,
            indicator="",
            unit="",
            baseline=None,
            target=None,
            status=PriorityStatus.NOT_STARTED,
        )
        Commitment.objects.filter(
            pk=commitment.pk, signed_off_on=_date(withdrawn.get("signed_off_on"))
        ).update(signed_off_by_mayor="", signed_off_on=None, sign_off_recorded_by=None)
        commitment.refresh_progress()
    return removed

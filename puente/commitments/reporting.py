"""Read-only views of many commitments: dashboard figures, chart geometry, exports, asks to other levels."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from puente.taxonomy.models import UNRegion

from .models import CommitmentPriority, CommitmentStatus, PriorityProgress, ProgressReport, ReportStatus

PROGRESS_BUCKETS = [(0, 0), (1, 25), (26, 50), (51, 75), (76, 99), (100, 100)]


@dataclass
class Chart:
    """A horizontal bar chart: the same rows feed the SVG and the table beside it."""

    slug: str
    title: str
    rows: list[tuple[str, int]]
    width: int = 360
    label_width: int = 150
    bar_height: int = 20
    gap: int = 6

    @property
    def total(self) -> int:
        return sum(value for _label, value in self.rows)

    @property
    def height(self) -> int:
        return max(len(self.rows) * (self.bar_height + self.gap), self.bar_height)

    @property
    def bars(self) -> list[dict]:
        peak = max((value for _label, value in self.rows), default=0) or 1
        room = self.width - self.label_width - 40
        return [
            {
                "label": label if len(label) <= 24 else label[:23] + "…",
                "full_label": label,
                "value": value,
                "y": i * (self.bar_height + self.gap),
                "text_y": i * (self.bar_height + self.gap) + round(self.bar_height * 0.7),
                "width": round(value / peak * room),
                "value_x": self.label_width + round(value / peak * room) + 4,
            }
            for i, (label, value) in enumerate(self.rows)
        ]


def dashboard_charts(published, pipeline) -> list[Chart]:
    """The dashboard's charts. ``published``: filtered published commitments; ``pipeline``: filtered
    commitments that have left the local government (submitted, verified, published)."""
    by_objective = Counter()
    by_country = Counter()
    by_region = Counter()
    regions = dict(UNRegion.choices)
    progress = Counter()
    commitments = list(
        published.select_related("local_government__country").prefetch_related("cla_objectives")
    )
    for commitment in commitments:
        for objective in commitment.cla_objectives.all():
            by_objective[objective.label] += 1
        country = commitment.local_government.country
        if country:
            by_country[country.label] += 1
            by_region[str(regions.get(country.region, country.region))] += 1
        progress[bucket_label(commitment.progress_percent)] += 1

    status_counts = dict(pipeline.order_by().values_list("status").annotate(n=Count("pk")))
    reports = Counter(
        date.year
        for date in ProgressReport.objects.filter(
            commitment__in=published, status=ReportStatus.APPROVED
        ).values_list("reporting_date", flat=True)
    )
    bucket_order = [bucket_label(low) if low == high else f"{low}–{high}%" for low, high in PROGRESS_BUCKETS]
    return [
        Chart("objective", _("Commitments by priority objective"), by_objective.most_common()),
        Chart("region", _("Commitments by UN region"), sorted(by_region.items())),
        Chart("country", _("Commitments by country"), by_country.most_common()),
        Chart(
            "status",
            _("Commitments by status"),
            [
                (str(label), status_counts.get(value, 0))
                for value, label in CommitmentStatus.choices
                if value != CommitmentStatus.DRAFT
            ],
        ),
        Chart(
            "progress",
            _("Progress of published commitments"),
            [(_("No report yet"), progress.get(_("No report yet"), 0))]
            + [(label, progress.get(label, 0)) for label in bucket_order],
        ),
        Chart(
            "reports",
            _("Approved progress reports per year"),
            sorted((str(y), n) for y, n in reports.items()),
        ),
    ]


def bucket_label(percent: int | None) -> str:
    if percent is None:
        return _("No report yet")
    for low, high in PROGRESS_BUCKETS:
        if low <= percent <= high:
            return f"{low}%" if low == high else f"{low}–{high}%"
    return f"{percent}%"


# --- exports -------------------------------------------------------------------------------------------------

# Headers are translated when the file is written, so each reader gets them in the language of the page.
EXPORT_COLUMNS = [
    ("commitment", gettext_lazy("Commitment"), 40),
    ("url", gettext_lazy("Address"), 40),
    ("local_government", gettext_lazy("Local government"), 28),
    ("country", gettext_lazy("Country"), 16),
    ("status", gettext_lazy("Status"), 16),
    ("start_date", gettext_lazy("Start"), 12),
    ("end_date", gettext_lazy("End"), 12),
    ("progress_percent", gettext_lazy("Overall progress (%)"), 12),
    ("last_report_on", gettext_lazy("Last report"), 12),
    ("report_overdue", gettext_lazy("Report overdue"), 10),
    ("priority_number", gettext_lazy("Priority"), 9),
    ("priority", gettext_lazy("Priority text"), 50),
    ("competence", gettext_lazy("Competence"), 28),
    ("priority_status", gettext_lazy("Priority status"), 16),
    ("percent_complete", gettext_lazy("Percent complete (latest report)"), 12),
    ("indicator", gettext_lazy("Indicator"), 30),
    ("unit", gettext_lazy("Unit"), 10),
    ("baseline", gettext_lazy("Baseline"), 12),
    ("target", gettext_lazy("Target"), 12),
    ("indicator_value", gettext_lazy("Indicator value (latest report)"), 12),
]


def export_headers() -> list[str]:
    return [str(header) for _key, header, _width in EXPORT_COLUMNS]


def export_queryset(queryset):
    latest_rows = PriorityProgress.objects.filter(report__status=ReportStatus.APPROVED).order_by(
        "-report__reporting_date", "-report__pk"
    )
    return queryset.select_related("local_government__country").prefetch_related(
        Prefetch(
            "priorities",
            queryset=CommitmentPriority.objects.order_by("sort_order", "pk").prefetch_related(
                Prefetch("progress", queryset=latest_rows, to_attr="approved_progress")
            ),
        )
    )


def export_rows(queryset, site_url: str = "") -> list[dict]:
    """One row per priority (one row for a commitment without priorities), with the latest progress.

    Values keep their types (dates, numbers, ``None`` for "not recorded"); choices are given as their labels
    in the active language. ``to_csv`` and ``to_xlsx`` decide how each type is written."""
    rows = []
    for commitment in export_queryset(queryset):
        country = commitment.local_government.country
        base = {
            "commitment": commitment.title,
            "url": site_url + commitment.get_absolute_url(),
            "local_government": commitment.local_government.name,
            "country": country.label if country else None,
            "status": commitment.get_status_display(),
            "start_date": commitment.start_date,
            "end_date": commitment.end_date,
            "progress_percent": commitment.progress_percent,
            "last_report_on": commitment.last_report_on,
            "report_overdue": _("Yes") if commitment.is_overdue() else _("No"),
        }
        priorities = list(commitment.priorities.all())
        if not priorities:
            rows.append({**base, **{key: None for key, _h, _w in EXPORT_COLUMNS if key not in base}})
        for number, priority in enumerate(priorities, start=1):
            latest = priority.approved_progress[0] if priority.approved_progress else None
            rows.append(
                {
                    **base,
                    "priority_number": number,
                    "priority": priority.text,
                    "competence": priority.get_competence_display(),
                    "priority_status": priority.get_status_display(),
                    "percent_complete": latest.percent_complete if latest else None,
                    "indicator": priority.indicator,
                    "unit": priority.unit,
                    "baseline": priority.baseline,
                    "target": priority.target,
                    "indicator_value": latest.indicator_value if latest else None,
                }
            )
    return rows


def _safe_cell(value):
    """Defuse spreadsheet formulas in text typed by users (CSV/XLSX injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_cell(value) -> str:
    """CSV has no types: ISO dates and plain decimals read the same in every language and spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return _safe_cell(str(value))


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export_headers())
    for row in rows:
        writer.writerow([_csv_cell(row[key]) for key, _h, _w in EXPORT_COLUMNS])
    return out.getvalue()


def to_xlsx(rows: list[dict]) -> bytes:
    """A typed workbook: numbers and dates are real cells, the header row stays in view, columns are sized."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Commitments"))[:31]
    sheet.append(export_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe_cell(row[key]) for key, _h, _w in EXPORT_COLUMNS])
    for index, (key, _header, width) in enumerate(EXPORT_COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        if key in ("start_date", "end_date", "last_report_on"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- asks to other levels of government ----------------------------------------------------------------------


def asks_by_country(queryset) -> list[tuple[object, list[CommitmentPriority]]]:
    """Priorities of published commitments that the municipality cannot deliver alone, per country."""
    priorities = (
        CommitmentPriority.objects.filter(commitment__in=queryset, competence__in=["shared", "other"])
        .select_related("commitment__local_government__country")
        .order_by("commitment__local_government__country__name_en", "commitment__title", "sort_order")
    )
    grouped: dict = defaultdict(list)
    for priority in priorities:
        grouped[priority.commitment.local_government.country].append(priority)
    return list(grouped.items())

"""A commitment's derived figures (overall progress, last report, report overdue, each priority's status) equal
a fresh computation from the approved reports after every kind of change: the public forms and review page,
the admin's edit, create, delete, bulk delete and revision views, publishing in the admin, soft delete and
restore. The page, the dashboard and the CSV show the same figures."""

import csv
import datetime as dt
import io

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from puente.commitments.models import (
    Commitment,
    PriorityProgress,
    PriorityStatus,
    ProgressReport,
    ReportStatus,
    add_months,
    overdue_months,
)
from puente.core.tests.factories import make_commitment, make_organisation, make_user

from .test_conflicts import admin_form
from .test_lifecycle import focal_point

TODAY = timezone.localdate()
EARLY = TODAY - dt.timedelta(days=300)  # more than six months ago: overdue when it is the last report
RECENT = TODAY - dt.timedelta(days=30)


def fresh(commitment: Commitment) -> dict:
    """The derived figures computed from scratch from the approved reports (the rule of the register: the
    mean of each priority's latest reported percentage, 0 when never reported, discontinued ones left out)."""
    approved = ProgressReport.objects.filter(commitment=commitment, status=ReportStatus.APPROVED)
    last = max(approved.values_list("reporting_date", flat=True), default=None)
    latest: dict[int, PriorityProgress] = {}
    rows = PriorityProgress.objects.filter(report__in=approved).order_by(
        "report__reporting_date", "report__pk"
    )
    for row in rows:
        latest[row.priority_id] = row  # later reports win
    priorities = list(commitment.priorities.all())
    statuses = {p.pk: latest[p.pk].status if p.pk in latest else p.status for p in priorities}
    values = [
        latest[p.pk].percent_complete if p.pk in latest else 0
        for p in priorities
        if statuses[p.pk] != PriorityStatus.DISCONTINUED
    ]
    progress = round(sum(values) / len(values)) if latest and values else None
    started = last or (commitment.first_published_at.date() if commitment.first_published_at else None)
    overdue = bool(commitment.live and started and add_months(started, overdue_months()) < TODAY)
    return {
        "progress_percent": progress,
        "last_report_on": last,
        "overdue": overdue,
        "priority_statuses": {p.pk: latest[p.pk].status for p in priorities if p.pk in latest},
    }


def stored(commitment: Commitment) -> dict:
    commitment = Commitment.objects.get(pk=commitment.pk)
    return {
        "progress_percent": commitment.progress_percent,
        "last_report_on": commitment.last_report_on,
        "overdue": commitment.is_overdue(),
        "priority_statuses": {
            p.pk: p.status
            for p in commitment.priorities.all()
            if p.progress.filter(report__status="approved")
        },
    }


class DerivedProgressTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = make_organisation("Villa Derivada")
        cls.focal = focal_point(cls.city, "derived-focal")
        cls.admin = make_user("derived-admin", is_staff=True, is_superuser=True)
        cls.commitment = make_commitment(
            "Welcoming Villa Derivada",
            local_government=cls.city,
            priorities=["One-stop shop", "Diploma recognition", "Festival"],
            start_date=TODAY - dt.timedelta(days=400),
        )
        Commitment.objects.filter(pk=cls.commitment.pk).update(
            first_published_at=timezone.now() - dt.timedelta(days=400)
        )
        cls.priorities = list(cls.commitment.priorities.all())

    # --- helpers: the public surface ----------------------------------------------------------------------

    def file(self, day, rows, narrative="What happened."):
        """A focal point files a report through the public form; returns it (awaiting moderation)."""
        data = {"reporting_date": day.isoformat(), "narrative": narrative, "evidence_links": ""}
        for priority, (status, percent) in zip(self.priorities, rows, strict=True):
            data |= {f"status_{priority.pk}": status, f"percent_{priority.pk}": percent}
        self.client.force_login(self.focal)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/en/commitments/{self.commitment.slug}/reports/new/", data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        return ProgressReport.objects.get(commitment=self.commitment, reporting_date=day)

    def approve(self, report):
        self.client.force_login(self.admin)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/en/commitments/reports/{report.pk}/approve/")

    def early_approved(self):
        report = self.file(EARLY, [("in_progress", 40), ("in_progress", 50), ("not_started", 0)])
        self.approve(report)
        return report

    def csv_row(self) -> dict:
        response = self.client.get("/en/commitments/export.csv")
        rows = csv.DictReader(io.StringIO(response.content.decode()))
        return next(row for row in rows if row["Address"].endswith(f"/{self.commitment.slug}/"))

    def assert_fresh(self):
        """Stored figures equal a fresh computation, and the page and the CSV show them."""
        expected = fresh(Commitment.objects.get(pk=self.commitment.pk))
        self.assertEqual(stored(self.commitment), expected)
        self.client.logout()
        row = self.csv_row()
        progress, last = expected["progress_percent"], expected["last_report_on"]
        self.assertEqual(row["Overall progress (%)"], "" if progress is None else str(progress))
        self.assertEqual(row["Last report"], last.isoformat() if last else "")
        self.assertEqual(row["Report overdue"].lower(), "yes" if expected["overdue"] else "no")
        page = self.client.get(self.commitment.get_absolute_url())
        if progress is None:
            self.assertNotContains(page, "% complete")
        else:
            self.assertContains(page, f"{progress}% complete")
        if expected["overdue"]:
            self.assertContains(page, "Report overdue")
        else:
            self.assertNotContains(page, "Report overdue")
        return expected

    # --- helpers: the admin ---------------------------------------------------------------------------------

    def admin_url(self, model, name, *args):
        return reverse(model.snippet_viewset.get_url_name(name), args=args)

    def admin_form(self, url) -> dict:
        """What the admin's form at ``url`` holds when a superuser opens it."""
        self.client.force_login(self.admin)
        return admin_form(self.client.get(url))

    def admin_post(self, url, changes=None, form=None):
        """Save the admin's form at ``url`` as loaded (or ``form``), with ``changes``, as a superuser."""
        data = form if form is not None else self.admin_form(url)
        self.client.force_login(self.admin)
        data.update(changes or {})
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
        return response

    def row_field(self, form, priority, name):
        """The name of a report row's field in the admin form, for ``priority``."""
        for key, values in form.items():
            if key.startswith("rows-") and key.endswith("-priority") and values == [str(priority.pk)]:
                return key.removesuffix("priority") + name
        raise AssertionError(f"No row for {priority} in the form")

    # --- the public forms and review page -------------------------------------------------------------------

    def test_public_file_approve_edit_and_send_back(self):
        self.assertEqual(self.assert_fresh()["overdue"], True)
        report = self.file(EARLY, [("in_progress", 40), ("in_progress", 50), ("not_started", 0)])
        self.assertIsNone(self.assert_fresh()["progress_percent"])  # awaiting moderation
        self.approve(report)
        self.assertEqual(self.assert_fresh()["progress_percent"], 30)
        # Editing an approved report withdraws it until it is approved again.
        self.client.force_login(self.focal)
        data = {"reporting_date": EARLY.isoformat(), "narrative": "Corrected.", "evidence_links": ""}
        for priority in self.priorities:
            data |= {f"status_{priority.pk}": "in_progress", f"percent_{priority.pk}": 60}
        self.client.post(f"/en/commitments/reports/{report.pk}/edit/", data)
        self.assertIsNone(self.assert_fresh()["progress_percent"])
        self.client.force_login(self.admin)
        self.client.post(f"/en/commitments/reports/{report.pk}/send-back/", {"reason": "Add evidence."})
        self.assertIsNone(self.assert_fresh()["last_report_on"])

    # --- the admin: approving, editing, adding, deleting reports ---------------------------------------------

    def test_approving_in_the_admin_updates_progress_last_report_and_overdue(self):
        self.early_approved()
        before = self.assert_fresh()
        self.assertEqual((before["progress_percent"], before["overdue"]), (30, True))
        report = self.file(RECENT, [("achieved", 100), ("in_progress", 80), ("in_progress", 70)])

        self.admin_post(self.admin_url(ProgressReport, "edit", report.pk), {"status": ReportStatus.APPROVED})

        after = self.assert_fresh()
        self.assertEqual(after["progress_percent"], 83)
        self.assertEqual(after["last_report_on"], RECENT)
        self.assertFalse(after["overdue"])
        self.assertEqual(self.csv_row()["Percent complete (latest report)"], "100")
        self.assertEqual(self.csv_row()["Priority status"], str(PriorityStatus.ACHIEVED.label))
        dashboard = self.client.get("/en/commitments/dashboard/").content.decode()
        self.assertInHTML('<tr><th scope="row">76–99%</th><td class="num">1</td></tr>', dashboard)

    def test_sending_back_an_approved_report_in_the_admin(self):
        report = self.early_approved()
        self.admin_post(self.admin_url(ProgressReport, "edit", report.pk), {"status": ReportStatus.SENT_BACK})
        self.assertIsNone(self.assert_fresh()["progress_percent"])

    def test_editing_figures_and_date_of_an_approved_report_in_the_admin(self):
        report = self.early_approved()
        url = self.admin_url(ProgressReport, "edit", report.pk)
        form = self.admin_form(url)
        form[self.row_field(form, self.priorities[2], "percent_complete")] = ["90"]
        form[self.row_field(form, self.priorities[2], "status")] = [PriorityStatus.DISCONTINUED]
        form["reporting_date"] = [RECENT.isoformat()]
        self.admin_post(url, form=form)
        after = self.assert_fresh()
        self.assertEqual((after["progress_percent"], after["last_report_on"]), (45, RECENT))
        self.assertEqual(after["priority_statuses"][self.priorities[2].pk], PriorityStatus.DISCONTINUED)

    def test_adding_an_approved_report_in_the_admin(self):
        self.early_approved()
        url = self.admin_url(ProgressReport, "add")
        form = self.admin_form(url)
        form |= {
            "commitment": [str(self.commitment.pk)],
            "reporting_date": [RECENT.isoformat()],
            "narrative": ["Typed in by the secretariat."],
            "status": [ReportStatus.APPROVED],
            "rows-TOTAL_FORMS": ["1"],
            "rows-INITIAL_FORMS": ["0"],
            "rows-0-priority": [str(self.priorities[0].pk)],
            "rows-0-status": [PriorityStatus.ACHIEVED],
            "rows-0-percent_complete": ["100"],
            "rows-0-indicator_value": [""],
            "rows-0-ORDER": ["1"],
            "rows-0-id": [""],
            "rows-0-DELETE": [""],
        }
        self.admin_post(url, form=form)
        after = self.assert_fresh()
        self.assertEqual((after["progress_percent"], after["last_report_on"]), (50, RECENT))

    def test_deleting_a_report_in_the_admin_one_or_in_bulk(self):
        first = self.early_approved()
        second = self.file(RECENT, [("achieved", 100), ("in_progress", 80), ("in_progress", 70)])
        self.approve(second)
        self.assertEqual(self.assert_fresh()["progress_percent"], 83)
        self.admin_post(self.admin_url(ProgressReport, "delete", second.pk), form={})
        self.assertEqual(self.assert_fresh()["progress_percent"], 30)
        self.client.force_login(self.admin)
        response = self.client.post(f"/admin/bulk/commitments/progressreport/delete/?id={first.pk}")
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ProgressReport.objects.exists())
        self.assertIsNone(self.assert_fresh()["last_report_on"])

    def test_reverting_a_report_to_an_earlier_revision_in_the_admin(self):
        report = self.early_approved()
        earlier = report.revisions.order_by("created_at", "pk").last()
        self.admin_post(self.admin_url(ProgressReport, "edit", report.pk), {"status": ReportStatus.SENT_BACK})
        self.assertIsNone(self.assert_fresh()["progress_percent"])
        revert = self.admin_url(ProgressReport, "revisions_revert", report.pk, earlier.pk)
        self.admin_post(revert, {"status": ReportStatus.APPROVED})
        self.assertEqual(self.assert_fresh()["progress_percent"], 30)

    # --- the admin: the commitment itself ------------------------------------------------------------------

    def test_adding_and_removing_priorities_in_the_admin(self):
        self.early_approved()
        url = self.admin_url(Commitment, "edit", self.commitment.pk)
        form = self.admin_form(url)
        total = int(form["priorities-TOTAL_FORMS"][0])
        form |= {
            "priorities-TOTAL_FORMS": [str(total + 1)],
            f"priorities-{total}-text": ["A new priority, not reported on yet"],
            f"priorities-{total}-competence": ["municipal"],
            f"priorities-{total}-status": [PriorityStatus.NOT_STARTED],
            f"priorities-{total}-ORDER": [str(total + 1)],
            f"priorities-{total}-id": [""],
            "action-publish": ["action-publish"],
        }
        self.admin_post(url, form=form)
        self.assertEqual(
            self.assert_fresh()["progress_percent"], 22
        )  # (40 + 50 + 0 + 0) / 4, rounded half to even

        form = self.admin_form(url)
        first = next(k for k, v in form.items() if k.endswith("-id") and v == [str(self.priorities[0].pk)])
        form[first.removesuffix("id") + "DELETE"] = ["1"]
        form["action-publish"] = ["action-publish"]
        self.admin_post(url, form=form)
        self.assertEqual(self.assert_fresh()["progress_percent"], 17)  # (50 + 0 + 0) / 3

    def test_publishing_an_older_draft_of_the_commitment_keeps_todays_figures(self):
        """A revision saved before a report was approved carries the figures of its day; publishing it must
        not bring them back."""
        self.early_approved()
        url = self.admin_url(Commitment, "edit", self.commitment.pk)
        self.admin_post(url, {"summary": "A summary edited as a draft."})  # "Save draft": a revision only
        self.approve(self.file(RECENT, [("achieved", 100), ("in_progress", 80), ("in_progress", 70)]))
        self.assertEqual(self.assert_fresh()["progress_percent"], 83)
        self.admin_post(url, {"action-publish": "action-publish"})
        self.assertEqual(
            Commitment.objects.get(pk=self.commitment.pk).summary, "A summary edited as a draft."
        )
        self.assertEqual(self.assert_fresh()["progress_percent"], 83)

    def test_soft_delete_and_restore(self):
        self.early_approved()
        self.admin_post(self.admin_url(Commitment, "delete", self.commitment.pk), form={})
        self.assertIsNotNone(Commitment.objects.get(pk=self.commitment.pk).deleted_at)
        self.assertEqual(stored(self.commitment), fresh(Commitment.objects.get(pk=self.commitment.pk)))
        content_type = ContentType.objects.get_for_model(Commitment)
        self.client.post(f"/admin/deleted/{content_type.pk}/{self.commitment.pk}/restore/")
        self.assertEqual(self.assert_fresh()["progress_percent"], 30)

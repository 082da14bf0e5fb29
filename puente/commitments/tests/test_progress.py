"""Progress reports, derived progress, overdue marking and reminders, through HTTP and the command."""

import datetime as dt
import io

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from puente.commitments.models import (
    Commitment,
    CommitmentPriority,
    ProgressReport,
    ReportReminder,
    ReportStatus,
)
from puente.core.tests.factories import make_commitment, make_organisation

from .test_lifecycle import focal_point, moderator


def report_data(commitment, rows, **overrides):
    data = {
        "reporting_date": "2026-06-30",
        "narrative": "We opened the one-stop shop.",
        "evidence_links": "https://example.org/report",
    }
    for priority, (status, percent, value) in zip(commitment.priorities.all(), rows, strict=True):
        data[f"status_{priority.pk}"] = status
        data[f"percent_{priority.pk}"] = percent
        data[f"value_{priority.pk}"] = value
    data.update(overrides)
    return data


class ProgressReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = make_organisation("Villa Nueva")
        cls.other_city = make_organisation("Otra Villa")
        cls.focal = focal_point(cls.city, "focal")
        cls.other_focal = focal_point(cls.other_city, "other-focal")
        cls.moderator = moderator()
        cls.commitment = make_commitment(
            "Welcoming Villa Nueva",
            local_government=cls.city,
            priorities=["One-stop shop", "Diploma recognition", "Festival", "Housing"],
            start_date=dt.date(2026, 1, 1),
        )
        first = cls.commitment.priorities.all()[0]
        first.indicator, first.unit, first.baseline, first.target = "People served", "people", 0, 500
        first.save()

    def url(self):
        return f"/en/commitments/{self.commitment.slug}/reports/new/"

    def file(self, rows, **overrides):
        self.client.force_login(self.focal)
        return self.client.post(self.url(), report_data(self.commitment, rows, **overrides))

    def approve(self, report):
        self.client.force_login(self.moderator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/en/commitments/reports/{report.pk}/approve/")

    def test_report_is_moderated_then_shown_with_derived_progress(self):
        rows = [
            ("in_progress", 40, "120"),
            ("achieved", 100, ""),
            ("discontinued", 0, ""),
            ("not_started", 0, ""),
        ]
        with self.captureOnCommitCallbacks(execute=True):
            response = self.file(rows)
        self.assertRedirects(response, self.commitment.get_absolute_url())
        report = ProgressReport.objects.get()
        self.assertEqual(report.status, ReportStatus.SUBMITTED)
        self.assertEqual(mail.outbox[-1].to, [self.moderator.email])

        # Not public until approved.
        self.client.logout()
        page = self.client.get(self.commitment.get_absolute_url())
        self.assertNotContains(page, "We opened the one-stop shop.")
        self.assertContains(page, "No progress report has been published yet.")

        self.approve(report)
        self.commitment.refresh_from_db()
        # (40 + 100 + 0) / 3: the discontinued priority is left out.
        self.assertEqual(self.commitment.progress_percent, 47)
        self.assertEqual(self.commitment.last_report_on, dt.date(2026, 6, 30))
        self.assertEqual(
            list(self.commitment.priorities.values_list("status", flat=True)),
            ["in_progress", "achieved", "discontinued", "not_started"],
        )
        self.assertEqual(mail.outbox[-1].to, [self.focal.email])
        self.client.logout()
        page = self.client.get(self.commitment.get_absolute_url())
        self.assertContains(page, "47% complete")
        self.assertContains(page, "We opened the one-stop shop.")
        self.assertContains(page, "30/06/2026")
        self.assertContains(page, "120 people")

    def test_a_later_report_updates_progress_and_a_priority_not_mentioned_keeps_its_last_value(self):
        self.file(
            [
                ("in_progress", 50, ""),
                ("in_progress", 50, ""),
                ("in_progress", 50, ""),
                ("in_progress", 50, ""),
            ]
        )
        self.approve(ProgressReport.objects.get())
        self.file(
            [
                ("achieved", 100, ""),
                ("in_progress", 70, ""),
                ("in_progress", 50, ""),
                ("in_progress", 60, ""),
            ],
            reporting_date="2026-09-30",
        )
        self.approve(ProgressReport.objects.get(reporting_date=dt.date(2026, 9, 30)))
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.progress_percent, 70)  # (100 + 70 + 50 + 60) / 4
        self.assertEqual(self.commitment.last_report_on, dt.date(2026, 9, 30))

    def test_bad_reports_are_refused_and_nothing_is_saved(self):
        good = [
            ("in_progress", 10, ""),
            ("in_progress", 10, ""),
            ("in_progress", 10, ""),
            ("in_progress", 10, ""),
        ]
        cases = [
            ([("in_progress", 150, "")] + good[1:], {}, "Ensure this value is less than or equal to 100."),
            ([("in_progress", -5, "")] + good[1:], {}, "Ensure this value is greater than or equal to 0."),
            ([("in_progress", 10, "lots")] + good[1:], {}, "Enter a number."),
            ([("bogus", 10, "")] + good[1:], {}, "Select a valid choice."),
            (good, {"reporting_date": "2025-12-31"}, "The reporting date is before the commitment started"),
            (good, {"reporting_date": "2999-01-01"}, "The reporting date cannot be in the future."),
            (good, {"reporting_date": "31/02/2026"}, "Enter a valid date."),
            (
                good,
                {"evidence_links": "https://ok.example\njavascript:alert(1)"},
                "Line 2 is not a web address",
            ),
            (good, {"narrative": ""}, "This field is required."),
        ]
        for rows, overrides, message in cases:
            with self.subTest(message=message):
                response = self.file(rows, **overrides)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
                self.assertContains(
                    response, "We opened the one-stop shop." if "narrative" not in overrides else ""
                )
        self.assertFalse(ProgressReport.objects.exists())

    def test_uploads_are_checked_by_content(self):
        rows = [("in_progress", 10, "")] * 4
        fake = SimpleUploadedFile(
            "evidence.pdf", b"MZ\x90\x00 not really a pdf", content_type="application/pdf"
        )
        response = self.file(rows, evidence_document=fake)
        self.assertContains(response, "This file is not a document we accept.")
        self.assertFalse(ProgressReport.objects.exists())
        real = SimpleUploadedFile("evidence.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
        with override_settings(MEDIA_ROOT=self.tmp_media()):
            self.file(rows, evidence_document=real)
        self.assertTrue(ProgressReport.objects.get().evidence_document.name.endswith(".pdf"))

    def tmp_media(self):
        import tempfile

        path = tempfile.mkdtemp(prefix="puente-media-")
        self.addCleanup(__import__("shutil").rmtree, path, True)
        return path

    def test_reports_on_someone_elses_or_unpublished_commitments_are_refused(self):
        self.client.force_login(self.other_focal)
        response = self.client.post(self.url(), report_data(self.commitment, [("in_progress", 10, "")] * 4))
        self.assertEqual(response.status_code, 403)

        draft = make_commitment("Draft one", local_government=self.city, live=False, priorities=["A"])
        self.client.force_login(self.focal)
        response = self.client.post(
            f"/en/commitments/{draft.slug}/reports/new/",
            report_data(draft, [("in_progress", 10, "")]),
            follow=True,
        )
        self.assertContains(response, "Progress can only be reported on a published commitment.")

        # A priority of another commitment smuggled into the form is ignored: only this one's rows count.
        other = make_commitment("Other", local_government=self.other_city, priorities=["Z"])
        data = report_data(self.commitment, [("in_progress", 10, "")] * 4)
        data[f"percent_{other.priorities.get().pk}"] = 100
        self.client.post(self.url(), data)
        report = ProgressReport.objects.get()
        self.assertEqual(report.rows.count(), 4)
        self.assertFalse(report.rows.filter(priority__commitment=other).exists())
        self.assertFalse(ProgressReport.objects.filter(commitment__in=[draft, other]).exists())

    def test_editing_a_report_keeps_the_earlier_version(self):
        self.file([("in_progress", 30, "")] * 4)
        report = ProgressReport.objects.get()
        self.approve(report)
        self.client.force_login(self.focal)
        edit_url = f"/en/commitments/reports/{report.pk}/edit/"
        self.assertContains(self.client.get(edit_url), "We opened the one-stop shop.")
        self.client.post(
            edit_url,
            report_data(self.commitment, [("in_progress", 60, "")] * 4, narrative="Corrected figures."),
        )
        report.refresh_from_db()
        self.assertEqual(report.narrative, "Corrected figures.")
        self.assertEqual(report.status, ReportStatus.SUBMITTED)  # moderated again
        revisions = list(report.revisions.order_by("created_at", "pk"))
        self.assertEqual(len(revisions), 2)
        self.assertEqual(revisions[0].content["narrative"], "We opened the one-stop shop.")
        self.assertEqual(revisions[1].content["narrative"], "Corrected figures.")
        self.assertEqual(revisions[0].content["rows"][0]["percent_complete"], 30)
        self.commitment.refresh_from_db()
        self.assertIsNone(self.commitment.progress_percent)  # the approved version is withdrawn
        self.client.force_login(self.other_focal)
        self.assertEqual(self.client.get(edit_url).status_code, 403)

    def test_send_back_report_with_reason(self):
        self.file([("in_progress", 30, "")] * 4)
        report = ProgressReport.objects.get()
        self.client.force_login(self.moderator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/en/commitments/reports/{report.pk}/send-back/", {"reason": "Add evidence."})
        report.refresh_from_db()
        self.assertEqual(report.status, ReportStatus.SENT_BACK)
        self.assertIn("Add evidence.", mail.outbox[-1].body)
        self.assertIn(f"/en/commitments/reports/{report.pk}/edit/", mail.outbox[-1].body)
        self.client.force_login(self.focal)
        self.assertContains(self.client.get(self.commitment.get_absolute_url()), "Add evidence.")
        self.client.force_login(self.other_focal)
        self.client.post(f"/en/commitments/reports/{report.pk}/approve/")
        report.refresh_from_db()
        self.assertEqual(report.status, ReportStatus.SENT_BACK)

    def test_review_page_query_count(self):
        for i in range(3):
            self.file([("in_progress", 10 * i, "")] * 4, reporting_date=f"2026-0{i + 3}-01")
        self.client.force_login(self.moderator)
        self.client.get("/en/commitments/review/")
        with self.assertNumQueries(9):
            response = self.client.get("/en/commitments/review/")
        self.assertContains(response, "3 progress reports awaiting moderation")


class OverdueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = make_organisation("Lentaville")
        cls.focal = focal_point(cls.city, "slow-focal")
        cls.commitment = make_commitment("Slow plan", local_government=cls.city, priorities=["One"])
        long_ago = timezone.now() - dt.timedelta(days=250)
        Commitment.objects.filter(pk=cls.commitment.pk).update(first_published_at=long_ago)
        cls.fresh = make_commitment("Fresh plan", local_government=cls.city, priorities=["One"])

    def test_overdue_is_marked_on_the_page(self):
        self.assertContains(self.client.get(self.commitment.get_absolute_url()), "Report overdue")
        self.assertNotContains(self.client.get(self.fresh.get_absolute_url()), "Report overdue")

    @override_settings(PUENTE_REPORT_OVERDUE_MONTHS=12)
    def test_the_period_is_configurable(self):
        self.assertNotContains(self.client.get(self.commitment.get_absolute_url()), "Report overdue")

    def test_reminder_command_sends_one_email_per_period(self):
        out = io.StringIO()
        call_command("send_report_reminders", stdout=out)
        call_command("send_report_reminders", stdout=out)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.focal.email])
        self.assertIn("Slow plan", mail.outbox[0].subject)
        self.assertIn(f"/en/commitments/{self.commitment.slug}/reports/new/", mail.outbox[0].body)
        self.assertEqual(ReportReminder.objects.count(), 1)

        # A report resets the clock; when it is overdue again, a new period gives a new reminder.
        Commitment.objects.filter(pk=self.commitment.pk).update(
            last_report_on=timezone.localdate() - dt.timedelta(days=200)
        )
        call_command("send_report_reminders", stdout=out)
        call_command("send_report_reminders", stdout=out)
        self.assertEqual(len(mail.outbox), 2)

    def test_reminders_go_out_in_the_focal_points_language(self):
        self.focal.preferred_language = "es"
        self.focal.save()
        call_command("send_report_reminders", stdout=io.StringIO())
        self.assertIn("/es/commitments/", mail.outbox[0].body)


class PriorityModelTests(TestCase):
    def test_baseline_without_indicator_is_invalid(self):
        from django.core.exceptions import ValidationError

        commitment = make_commitment("Model check", priorities=["One"])
        priority = CommitmentPriority(commitment=commitment, text="Two", baseline=3)
        with self.assertRaises(ValidationError):
            priority.full_clean()

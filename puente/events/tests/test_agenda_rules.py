"""Rules for meetings and agendas, shared by the admin and the front-end forms (model ``clean``)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.test import TestCase

from puente.core.tests.base import DemoContentTestCase
from puente.core.tests.factories import make_meeting
from puente.events.models import AgendaItem, Meeting

T = dt.time


class MeetingRuleTests(TestCase):
    def test_end_before_start_is_refused(self):
        meeting = Meeting(title="x", slug="x", date=dt.date(2030, 1, 1), start_time=T(11), end_time=T(10))
        with self.assertRaisesMessage(ValidationError, "The meeting must end after it starts."):
            meeting.full_clean()

    def test_item_starting_outside_the_meeting_is_refused(self):
        meeting = make_meeting("Rules", start_time=T(10), end_time=T(11, 30))
        item = AgendaItem(
            meeting=meeting, start_time=T(9, 30), end_time=T(10), title="Early", duration_minutes=30
        )
        with self.assertRaisesMessage(ValidationError, "outside the meeting's time (10:00–11:30)"):
            item.full_clean()

    def test_item_ending_after_the_meeting_is_refused(self):
        meeting = make_meeting("Rules", start_time=T(10), end_time=T(11, 30))
        item = AgendaItem(meeting=meeting, start_time=T(11), end_time=T(13), title="Long")
        with self.assertRaisesMessage(ValidationError, "after the meeting ends"):
            item.full_clean()

    def test_item_ending_before_it_starts_is_refused(self):
        meeting = make_meeting("Rules")
        item = AgendaItem(meeting=meeting, start_time=T(10, 30), end_time=T(10, 10), title="Backwards")
        with self.assertRaisesMessage(ValidationError, "An agenda item must end after it starts."):
            item.full_clean()

    def test_a_typo_whose_stated_duration_fits_is_accepted_and_flagged(self):
        meeting = make_meeting("Typo", start_time=T(10), end_time=T(11, 30))
        item = AgendaItem(
            meeting=meeting, start_time=T(10, 5), end_time=T(11, 45), title="Talk", duration_minutes=40
        )
        item.full_clean()  # no error: one of the two readings fits the meeting

    def test_parallel_item_without_times_is_accepted(self):
        AgendaItem(meeting=make_meeting("Parallel"), title="Group 2").full_clean()

    def test_review_flags_overlaps_and_durations_that_do_not_add_up(self):
        meeting = make_meeting(
            "Clash",
            start_time=T(10),
            end_time=T(11),
            agenda=[(T(10), T(10, 30), "A", 30), (T(10, 20), T(10, 40), "B", 20)],
        )
        review = meeting.agenda_review()
        self.assertEqual(review.rows[0].warnings, [])
        self.assertEqual([str(w) for w in review.rows[1].warnings], ["Overlaps the item at 10:00–10:30."])
        self.assertEqual((review.total, review.length), (50, 60))
        self.assertFalse(review.durations_add_up)
        response = self.client.get(meeting.get_absolute_url())
        self.assertContains(response, "The durations add up to 50 min, but the meeting lasts 60 min.")

    def test_changing_the_schedule_bumps_the_sequence(self):
        meeting = make_meeting("Sequence")
        self.assertEqual(meeting.sequence, 0)
        meeting = Meeting.objects.get(pk=meeting.pk)
        meeting.objective = "Only the text"
        meeting.save()
        self.assertEqual(meeting.sequence, 0)
        meeting.start_time = T(9)
        meeting.save()
        self.assertEqual(Meeting.objects.get(pk=meeting.pk).sequence, 1)


class SeedAgendaTests(DemoContentTestCase):
    def test_the_seed_typo_stays_loadable_and_is_flagged_not_rejected(self):
        meeting = Meeting.objects.get(slug="mirps-local-governance-session-1")
        item = meeting.agenda_items.get(start_time=T(10, 5))
        item.full_clean()
        review = Meeting.objects.prefetch_related("agenda_items").get(pk=meeting.pk).agenda_review()
        flagged = [row for row in review.rows if row.warnings]
        self.assertEqual(flagged[0].item, item)
        self.assertIn(
            "the time range covers 100 min, the stated duration is 40 min", str(flagged[0].warnings[0])
        )
        self.assertTrue(review.durations_add_up)  # 5 + 40 + 20 + 20 + 5 = 90 minutes
        response = self.client.get(meeting.get_absolute_url())
        self.assertContains(response, "The time range and the duration do not match", count=1)
        self.assertContains(response, "Overlaps the item at 10:05–11:45.")

    def test_sessions_two_and_three_have_no_warnings(self):
        for slug in ("mirps-local-governance-session-2", "mirps-local-governance-session-3"):
            meeting = Meeting.objects.prefetch_related("agenda_items").get(slug=slug)
            self.assertEqual(meeting.agenda_review().warning_count, 0, slug)

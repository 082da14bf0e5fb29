"""Coordinators edit meetings, agendas, minutes, action items and attendance; everyone else gets a clear 403."""

import csv
import datetime as dt
import io

from django.test import TestCase

from puente.core.tests.factories import make_group, make_meeting, make_organisation, make_user
from puente.events import services
from puente.events.models import ActionItem, ActionItemStatus, AgendaItem, Attendance, Meeting
from puente.organizations.models import Membership

T = dt.time
NEXT_YEAR = dt.date.today().year + 1


def agenda_data(rows, prefix="agenda", initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def details(**changes):
    data = {
        "title": "Session 4",
        "date": f"{NEXT_YEAR}-03-10",
        "start_time": "10:00",
        "end_time": "11:30",
        "time_zone": "America/Guatemala",
        "is_online": "on",
        "online_url": "https://meet.example.org/s4",
        "capacity": "20",
        "objective": "Review progress.",
    }
    data.update(changes)
    return data


class CoordinatorPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = make_organisation("Esquipulas")
        cls.group = make_group("Working group")
        cls.group.members.add(cls.city)
        cls.coordinator = make_user("coordinator")
        cls.group.coordinators.add(cls.coordinator)
        cls.group.save()
        cls.member = make_user("member")
        Membership.objects.create(user=cls.member, organisation=cls.city)
        cls.meeting = make_meeting(
            "Session 3",
            group=cls.group,
            date=dt.date(NEXT_YEAR, 2, 10),
            agenda=[(T(10), T(10, 5), "Opening", 5), (T(10, 5), T(11, 30), "Talk", 85)],
        )

    def test_non_coordinators_are_refused_with_a_clear_message(self):
        for user in (None, self.member):
            if user:
                self.client.force_login(user)
            for path in ("edit", "minutes", "attendance", "attendees.csv"):
                with self.subTest(user=user, path=path):
                    response = self.client.get(
                        f"/en/events/{self.meeting.slug}/{path}" + ("" if "." in path else "/")
                    )
                    self.assertContains(
                        response,
                        "Only the coordinators of the Working group and the secretariat may change this meeting.",
                        status_code=403,
                    )
            response = self.client.post(f"/en/events/{self.meeting.slug}/edit/", details(title="Hacked"))
            self.assertEqual(response.status_code, 403)
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).title, "Session 3")

    def test_coordinator_edits_details_and_agenda(self):
        self.client.force_login(self.coordinator)
        items = list(self.meeting.agenda_items.order_by("sort_order"))
        data = details(
            **agenda_data(
                [
                    {
                        "id": items[0].pk,
                        "start_time": "10:00",
                        "end_time": "10:10",
                        "title": "Welcome",
                        "duration_minutes": "10",
                    },
                    {
                        "id": items[1].pk,
                        "DELETE": "on",
                        "start_time": "10:05",
                        "end_time": "11:30",
                        "title": "Talk",
                    },
                    {
                        "start_time": "10:10",
                        "end_time": "11:30",
                        "title": "Exchange",
                        "speakers": "UNHCR",
                        "duration_minutes": "80",
                    },
                ],
                initial=2,
            )
        )
        response = self.client.post(f"/en/events/{self.meeting.slug}/edit/", data, follow=True)
        self.assertContains(response, "The meeting has been saved.")
        self.assertEqual(
            list(AgendaItem.objects.filter(meeting=self.meeting).values_list("title", "sort_order")),
            [("Welcome", 0), ("Exchange", 1)],
        )
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).title, "Session 4")

    def test_bad_input_is_refused_with_messages_and_what_was_typed_is_kept(self):
        self.client.force_login(self.coordinator)
        data = details(
            end_time="09:00",
            title="Typed title",
            **agenda_data(
                [{"start_time": "12:00", "end_time": "12:30", "title": "Too late for the meeting"}]
            ),
        )
        response = self.client.post(f"/en/events/{self.meeting.slug}/edit/", data)
        self.assertContains(response, "The meeting must end after it starts.")
        self.assertContains(response, 'value="Typed title"')
        self.assertContains(response, 'value="Too late for the meeting"')
        data = details(**agenda_data([{"start_time": "12:00", "end_time": "12:30", "title": "Too late"}]))
        response = self.client.post(f"/en/events/{self.meeting.slug}/edit/", data)
        self.assertContains(
            response, "This item starts at 12:00, outside the meeting&#x27;s time (10:00–11:30)."
        )
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).title, "Session 3")

    def test_overlaps_are_saved_and_flagged(self):
        self.client.force_login(self.coordinator)
        data = details(
            **agenda_data(
                [
                    {"start_time": "10:00", "end_time": "10:40", "title": "A", "duration_minutes": "40"},
                    {"start_time": "10:30", "end_time": "11:30", "title": "B", "duration_minutes": "60"},
                ]
            )
        )
        response = self.client.post(f"/en/groups/{self.group.slug}/meetings/new/", data, follow=True)
        self.assertContains(response, "The agenda has warnings: please check the flagged items below.")
        self.assertContains(response, "Overlaps the item at 10:00–10:40.")
        self.assertEqual(Meeting.objects.get(title="Session 4").group, self.group)

    def test_minutes_decisions_and_action_items_carry_forward_until_closed(self):
        self.client.force_login(self.coordinator)
        next_meeting = make_meeting("Session 4", group=self.group, date=dt.date(NEXT_YEAR, 3, 10))
        other_group_meeting = make_meeting(
            "Elsewhere", group=make_group("Other"), date=dt.date(NEXT_YEAR, 3, 11)
        )
        data = {"minutes": "We met.", **agenda_data([{"text": "Adopt the plan."}], prefix="decisions")}
        data.update(
            agenda_data(
                [
                    {
                        "title": "Share the self-assessment",
                        "owner": "Esquipulas",
                        "due_date": f"{NEXT_YEAR}-03-01",
                        "status": "open",
                    },
                    {"title": "Already done", "owner": "Secretariat", "status": "done"},
                ],
                prefix="actions",
            )
        )
        response = self.client.post(f"/en/events/{self.meeting.slug}/minutes/", data, follow=True)
        self.assertContains(response, "The minutes, decisions and action items have been saved.")
        self.assertContains(response, "Adopt the plan.")

        page = self.client.get(next_meeting.get_absolute_url())
        self.assertContains(page, "Open action items from earlier meetings")
        self.assertContains(page, "Share the self-assessment")
        self.assertNotContains(page, "Already done")
        self.assertNotContains(
            self.client.get(other_group_meeting.get_absolute_url()), "Share the self-assessment"
        )
        self.assertNotContains(
            self.client.get(self.meeting.get_absolute_url()), "Open action items from earlier"
        )

        ActionItem.objects.filter(title="Share the self-assessment").update(status=ActionItemStatus.DONE)
        self.assertNotContains(self.client.get(next_meeting.get_absolute_url()), "Share the self-assessment")

    def test_minutes_of_members_only_groups_are_hidden_from_others(self):
        closed = make_group("Closed", is_public=False)
        meeting = make_meeting(
            "Closed session",
            group=closed,
            minutes="Confidential minutes",
            online_url="https://meet.example.org/x",
        )
        response = self.client.get(meeting.get_absolute_url())
        self.assertNotContains(response, "Confidential minutes")
        self.assertNotContains(response, "meet.example.org/x")
        self.assertContains(response, "available to its members")

    def test_attendance_per_municipality_and_attendee_list(self):
        other_city = make_organisation("La Chorrera")
        guest = make_user("guest", first_name="=cmd|", last_name="x")
        Membership.objects.create(user=guest, organisation=other_city)
        services.registration_create(meeting=self.meeting, user=self.member)
        services.registration_create(meeting=self.meeting, user=guest)
        self.client.force_login(self.coordinator)
        response = self.client.get(f"/en/events/{self.meeting.slug}/attendance/")
        self.assertContains(response, "Esquipulas")
        self.assertContains(response, "La Chorrera")
        response = self.client.post(
            f"/en/events/{self.meeting.slug}/attendance/",
            {
                f"present_{self.city.pk}": "on",
                f"participants_{self.city.pk}": "3",
                f"participants_{other_city.pk}": "-1",
            },
        )
        self.assertContains(response, "Ensure this value is greater than or equal to 0.")
        self.client.post(
            f"/en/events/{self.meeting.slug}/attendance/",
            {f"present_{self.city.pk}": "on", f"participants_{self.city.pk}": "3"},
        )
        self.assertEqual(
            list(Attendance.objects.values_list("organisation__name", "present", "participants")),
            [("Esquipulas", True, 3), ("La Chorrera", False, None)],
        )
        self.assertContains(self.client.get(self.meeting.get_absolute_url()), "Esquipulas (3)")

        with self.assertNumQueries(CSV_QUERIES):
            response = self.client.get(f"/en/events/{self.meeting.slug}/attendees.csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:4], ["Name", "E-mail", "Organisation", "Country"])
        self.assertEqual([r[2] for r in rows[1:]], ["Esquipulas", "La Chorrera"])
        self.assertEqual(rows[2][0], "'=cmd| x")  # no spreadsheet formula


CSV_QUERIES = 6  # meeting, session, user, secretariat and coordinator checks, registrations with users


class OversizedFormSetTests(TestCase):
    def test_a_huge_posted_form_count_builds_no_more_than_the_cap(self):
        group = make_group("Capped group")
        coordinator = make_user("capped-coordinator")
        group.coordinators.add(coordinator)
        group.save()
        self.client.force_login(coordinator)
        data = details(title="Capped", **{"agenda-TOTAL_FORMS": "100000", "agenda-INITIAL_FORMS": "0"})
        response = self.client.post(f"/en/groups/{group.slug}/meetings/new/", data)
        self.assertEqual(response.status_code, 200)
        self.assertLessEqual(len(response.context["formset"].forms), 100)
        self.assertContains(response, "at most 100")
        self.assertFalse(Meeting.objects.filter(title="Capped").exists())

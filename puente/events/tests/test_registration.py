"""Registration: places, waiting list, cancellation, e-mails with the calendar file, and the refusals."""

import datetime as dt

import icalendar
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase

from puente.core.tests.factories import make_group, make_meeting, make_organisation, make_user
from puente.events import services
from puente.events.models import Registration, RegistrationStatus
from puente.organizations.models import Membership

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)


class RegistrationServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.meeting = make_meeting("Small webinar", capacity=2)
        cls.ana, cls.ben, cls.cruz, cls.dora = (make_user(n) for n in ("ana", "ben", "cruz", "dora"))

    def register(self, user, meeting=None, **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            return services.registration_create(meeting=meeting or self.meeting, user=user, **kwargs)

    def cancel(self, registration):
        with self.captureOnCommitCallbacks(execute=True):
            return services.registration_cancel(registration=registration)

    def test_places_then_waiting_list_in_order(self):
        statuses = [self.register(u).status for u in (self.ana, self.ben, self.cruz, self.dora)]
        self.assertEqual(statuses, [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED])
        self.assertEqual(Registration.objects.get(user=self.dora).waitlist_position(), 2)

    def test_registering_twice_keeps_one_registration(self):
        first = self.register(self.ana)
        second = self.register(self.ana)
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(Registration.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_cancelling_promotes_the_first_person_waiting_and_tells_them(self):
        ana = self.register(self.ana)
        self.register(self.ben)
        self.register(self.cruz)
        self.register(self.dora)
        mail.outbox.clear()
        promoted = self.cancel(ana)
        self.assertEqual([r.user for r in promoted], [self.cruz])
        self.assertEqual(Registration.objects.get(user=self.cruz).status, CONFIRMED)
        self.assertEqual(Registration.objects.get(user=self.dora).status, WAITLISTED)
        self.assertEqual(Registration.objects.get(user=self.ana).status, CANCELLED)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["ana@example.org", "cruz@example.org"])
        promotion = next(m for m in mail.outbox if m.to == ["cruz@example.org"])
        self.assertIn("A place is yours", promotion.subject)
        self.assertEqual(promotion.attachments[0][2], "text/calendar")
        self.assertEqual(Registration.objects.filter(meeting=self.meeting).confirmed().count(), 2)

    def test_cancelling_a_waiting_place_promotes_nobody(self):
        self.register(self.ana)
        self.register(self.ben)
        cruz = self.register(self.cruz)
        self.assertEqual(self.cancel(cruz), [])

    def test_registering_again_after_cancelling_goes_to_the_end_of_the_queue(self):
        ana = self.register(self.ana)
        self.cancel(ana)
        self.register(self.ben)
        self.register(self.cruz)
        self.assertEqual(self.register(self.ana).status, WAITLISTED)

    def test_registration_after_the_meeting_has_started_is_refused(self):
        past = make_meeting("Last year", date=dt.date.today() - dt.timedelta(days=365))
        with self.assertRaisesMessage(
            ValidationError, "Registration is closed: this meeting has already started."
        ):
            self.register(self.ana, meeting=past)
        self.assertFalse(Registration.objects.filter(meeting=past).exists())

    def test_full_waiting_list_is_refused(self):
        meeting = make_meeting("Tiny", capacity=1, waitlist_size=1)
        self.register(self.ana, meeting=meeting)
        self.register(self.ben, meeting=meeting)
        with self.assertRaisesMessage(
            ValidationError, "This meeting is full (1 place) and so is its waiting list."
        ):
            self.register(self.cruz, meeting=meeting)

    def test_raising_the_capacity_fills_places_from_the_waiting_list(self):
        for user in (self.ana, self.ben, self.cruz, self.dora):
            self.register(user)
        self.meeting.capacity = 3
        self.meeting.save()
        with self.captureOnCommitCallbacks(execute=True):
            services.registrations_fill_places(meeting=self.meeting)
        self.assertEqual(Registration.objects.get(user=self.cruz).status, CONFIRMED)
        self.assertEqual(Registration.objects.get(user=self.dora).status, WAITLISTED)

    def test_confirmation_carries_the_calendar_file_in_the_recipients_language(self):
        self.ana.preferred_language = "es"
        self.ana.save()
        self.register(self.ana, language="fr")
        self.register(self.ben, language="fr")
        by_recipient = {m.to[0]: m for m in mail.outbox}
        self.assertIn("Small webinar", by_recipient["ana@example.org"].subject)
        name, content, mimetype = by_recipient["ana@example.org"].attachments[0]
        self.assertEqual((name, mimetype), ("small-webinar.ics", "text/calendar"))
        calendar = icalendar.Calendar.from_ical(content)
        self.assertEqual(str(calendar.events[0]["SUMMARY"]), "Small webinar")
        self.assertEqual(services.recipient_language(self.ana, "fr"), "es")
        self.assertEqual(services.recipient_language(self.ben, "fr"), "fr")
        self.assertEqual(services.recipient_language(self.ben, None), "en")

    def test_the_organisation_is_the_users_member_municipality(self):
        group = make_group("Group")
        city, other = make_organisation("Member town"), make_organisation("Elsewhere")
        group.members.add(city)
        group.save()
        Membership.objects.create(user=self.ana, organisation=other)
        Membership.objects.create(user=self.ana, organisation=city)
        meeting = make_meeting("Group meeting", group=group)
        self.assertEqual(self.register(self.ana, meeting=meeting).organisation, city)


class RegistrationViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.meeting = make_meeting("Open day", capacity=1)
        cls.user = make_user("reg_user")
        cls.second = make_user("second_user")

    def test_anonymous_visitors_are_asked_to_sign_in(self):
        response = self.client.get(self.meeting.get_absolute_url())
        self.assertContains(response, "Sign in to register")
        response = self.client.post(f"/en/events/{self.meeting.slug}/register/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_register_then_cancel(self):
        self.client.force_login(self.user)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/en/events/{self.meeting.slug}/register/", follow=True)
        self.assertContains(
            response, "You are registered. A confirmation with the calendar file is on its way."
        )
        self.assertContains(response, "Cancel my registration")
        self.assertEqual(len(mail.outbox), 1)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/en/events/{self.meeting.slug}/cancel/", follow=True)
        self.assertContains(response, "Your registration has been cancelled.")
        self.assertEqual(Registration.objects.get().status, CANCELLED)

    def test_full_meeting_offers_the_waiting_list(self):
        services.registration_create(meeting=self.meeting, user=self.second)
        self.client.force_login(self.user)
        self.assertContains(self.client.get(self.meeting.get_absolute_url()), "Join the waiting list")
        response = self.client.post(f"/en/events/{self.meeting.slug}/register/", follow=True)
        self.assertContains(response, "The meeting is full: you are number 1 on the waiting list.")

    def test_registering_for_a_past_meeting_shows_why_not(self):
        past = make_meeting("Old", date=dt.date(2020, 5, 5))
        self.client.force_login(self.user)
        response = self.client.post(f"/en/events/{past.slug}/register/", follow=True)
        self.assertContains(response, "Registration is closed: this meeting has already started.")

    def test_members_only_meetings_refuse_outsiders_with_a_message(self):
        meeting = make_meeting("Closed", group=make_group("Closed group", is_public=False))
        self.client.force_login(self.user)
        response = self.client.post(f"/en/events/{meeting.slug}/register/")
        self.assertContains(
            response, "This meeting is open to members of the working group only.", status_code=403
        )

    def test_register_needs_post(self):
        self.client.force_login(self.user)
        self.assertEqual(self.client.get(f"/en/events/{self.meeting.slug}/register/").status_code, 405)

    def test_detail_query_count_for_a_registered_user(self):
        services.registration_create(meeting=self.meeting, user=self.user)
        self.client.force_login(self.user)
        url = self.meeting.get_absolute_url()
        self.client.get(url)
        with self.assertNumQueries(REGISTERED_DETAIL_QUERIES):
            self.client.get(url)


# session + user, meeting, agenda, topics, organisers, documents, decisions, action items, registration, status counts,
# attendance, ``is_secretariat`` (the user's groups), and the Wagtail user bar's two permission queries.
REGISTERED_DETAIL_QUERIES = 15

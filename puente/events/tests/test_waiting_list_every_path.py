"""No one waits while a place is free, whatever freed it: a capacity raised in the admin, a place cancelled or a
registration deleted there (one or in bulk), or a person's account deleted. The first person waiting gets the
place and the e-mail that says so, as when someone cancels on the meeting page."""

import datetime as dt

from django.core import mail
from django.test import TestCase
from django.urls import reverse

from puente.commitments.tests.test_conflicts import admin_form
from puente.core.tests.factories import make_meeting, make_user
from puente.events import services
from puente.events.models import Meeting, Registration, RegistrationStatus


class WaitingListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("waiting-admin", is_staff=True, is_superuser=True)
        cls.meeting = make_meeting("Small webinar", capacity=1, date=dt.date.today() + dt.timedelta(days=20))
        cls.meeting.save_revision().publish()
        cls.ana, cls.ben, cls.cruz = (make_user(name) for name in ("wl-ana", "wl-ben", "wl-cruz"))
        for user in (cls.ana, cls.ben, cls.cruz):
            services.registration_create(meeting=cls.meeting, user=user)

    def status(self, user) -> str:
        return Registration.objects.get(meeting=self.meeting, user=user).status

    def assert_no_one_waits_while_a_place_is_free(self):
        meeting = Meeting.objects.get(pk=self.meeting.pk)
        registrations = Registration.objects.filter(meeting=meeting)
        if registrations.waitlisted().exists():
            self.assertGreaterEqual(registrations.confirmed().count(), meeting.capacity)

    def assert_promoted(self, user):
        self.assert_no_one_waits_while_a_place_is_free()
        self.assertEqual(self.status(user), RegistrationStatus.CONFIRMED)
        self.assertIn("A place is yours", next(m.subject for m in mail.outbox if m.to == [user.email]))

    def admin_post(self, url, changes=None, form=None):
        self.client.force_login(self.admin)
        data = form if form is not None else admin_form(self.client.get(url))
        data.update(changes or {})
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content.decode()[-2000:])

    def registration_url(self, name, user):
        registration = Registration.objects.get(meeting=self.meeting, user=user)
        return reverse(Registration.snippet_viewset.get_url_name(name), args=[registration.pk])

    def test_raising_the_capacity_in_the_admin(self):
        self.assertEqual(self.status(self.ben), RegistrationStatus.WAITLISTED)
        url = reverse(Meeting.snippet_viewset.get_url_name("edit"), args=[self.meeting.pk])
        self.admin_post(url, {"capacity": "2", "action-publish": "action-publish"})
        self.assert_promoted(self.ben)
        self.assertEqual(self.status(self.cruz), RegistrationStatus.WAITLISTED)

    def test_cancelling_a_place_in_the_admin(self):
        self.admin_post(self.registration_url("edit", self.ana), {"status": RegistrationStatus.CANCELLED})
        self.assert_promoted(self.ben)

    def test_deleting_a_registration_in_the_admin_one_or_in_bulk(self):
        self.admin_post(self.registration_url("delete", self.ana), form={})
        self.assert_promoted(self.ben)
        ben = Registration.objects.get(meeting=self.meeting, user=self.ben)
        self.client.force_login(self.admin)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/admin/bulk/events/registration/delete/?id={ben.pk}")
        self.assert_promoted(self.cruz)

    def test_deleting_the_account_of_a_participant(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.ana.delete()
        self.assert_promoted(self.ben)

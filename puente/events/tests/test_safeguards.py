"""Safeguards around meetings, through HTTP: the join link only for confirmed participants and organisers, a
waiting-list calendar file marked TENTATIVE, no "Join the waiting list" once that list is full, pluralised
place counts, a confirmation page before cancelling, and past meetings labelled as past in every listing."""

import datetime as dt

import icalendar
from django.test import TestCase
from wagtail.models import Page, Site

from puente.core.models import HomePage
from puente.core.tests.factories import make_group, make_meeting, make_user
from puente.events import services
from puente.events.models import Registration, RegistrationStatus

LINK = "meet.example.org/room-42"


def ics_event(response):
    return icalendar.Calendar.from_ical(response.content).events[0]


class JoinLinkAndCalendarTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.meeting = make_meeting("Webinar", online_url=f"https://{LINK}", capacity=1, is_online=True)
        cls.ana, cls.ben, cls.stranger = make_user("ana"), make_user("ben"), make_user("stranger")
        services.registration_create(meeting=cls.meeting, user=cls.ana)
        services.registration_create(meeting=cls.meeting, user=cls.ben)  # waiting list
        cls.secretariat = make_user("secretariat", is_staff=True)  # organises meetings outside any group

    def ics(self):
        return self.client.get(f"/en/events/{self.meeting.slug}/calendar.ics")

    def test_join_link_only_for_confirmed_participants_and_organisers(self):
        url = self.meeting.get_absolute_url()
        self.assertNotContains(self.client.get(url), LINK)
        self.assertNotIn(LINK.encode(), self.ics().content)
        for user, shown in (
            (self.stranger, False),
            (self.ben, False),
            (self.ana, True),
            (self.secretariat, True),
        ):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                page = self.client.get(url)
                (self.assertContains if shown else self.assertNotContains)(page, LINK)
                self.assertEqual(LINK.encode() in self.ics().content, shown)
        self.client.force_login(self.ben)
        self.assertContains(self.client.get(url), "the join link is for registered participants")

    def test_waiting_list_calendar_file_is_tentative(self):
        self.client.force_login(self.ben)
        self.assertEqual(str(ics_event(self.ics())["STATUS"]), "TENTATIVE")
        self.client.force_login(self.ana)
        self.assertEqual(str(ics_event(self.ics())["STATUS"]), "CONFIRMED")

    def test_waiting_list_e_mail_attachment_is_tentative(self):
        from django.core import mail

        with self.captureOnCommitCallbacks(execute=True):
            services.registration_create(meeting=self.meeting, user=self.stranger)
        attachment = mail.outbox[-1].attachments[0]
        event = icalendar.Calendar.from_ical(attachment[1]).events[0]
        self.assertEqual(str(event["STATUS"]), "TENTATIVE")
        self.assertNotIn(LINK, attachment[1] if isinstance(attachment[1], str) else attachment[1].decode())


class WaitingListAndCountsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.meeting = make_meeting("Small workshop", capacity=1, waitlist_size=1, is_online=False)
        cls.ana, cls.ben, cls.cruz = make_user("ana"), make_user("ben"), make_user("cruz")

    def test_one_place_is_singular(self):
        page = self.client.get(self.meeting.get_absolute_url())
        self.assertContains(page, "1 place left of 1")
        self.assertNotContains(page, "1 places")

    def test_no_waiting_list_offered_when_it_is_full(self):
        url = self.meeting.get_absolute_url()
        self.client.force_login(self.ana)
        self.client.post(f"/en/events/{self.meeting.slug}/register/")
        self.client.force_login(self.ben)
        page = self.client.get(url)
        self.assertContains(page, "0 places left of 1")
        self.assertContains(page, "Join the waiting list")
        self.client.post(f"/en/events/{self.meeting.slug}/register/")
        self.assertEqual(Registration.objects.get(user=self.ben).status, RegistrationStatus.WAITLISTED)
        self.client.force_login(self.cruz)
        page = self.client.get(url)
        self.assertNotContains(page, "Join the waiting list")
        self.assertNotContains(page, f'action="/en/events/{self.meeting.slug}/register/"')
        self.assertContains(page, "This meeting is full, and so is its waiting list.")
        # A POST anyway (an old page) is refused, with the count in the singular.
        refused = self.client.post(f"/en/events/{self.meeting.slug}/register/", follow=True)
        self.assertContains(refused, "This meeting is full (1 place) and so is its waiting list.")
        self.assertFalse(Registration.objects.filter(user=self.cruz).exists())

    def test_cancelling_asks_for_confirmation_first(self):
        self.client.force_login(self.ana)
        self.client.post(f"/en/events/{self.meeting.slug}/register/")
        cancel = f"/en/events/{self.meeting.slug}/cancel/"
        self.assertContains(self.client.get(self.meeting.get_absolute_url()), f'href="{cancel}"')
        confirm = self.client.get(cancel)
        self.assertEqual(confirm.status_code, 200)
        self.assertContains(confirm, "Cancel your registration?")
        self.assertContains(confirm, f'<form method="post" action="{cancel}">')
        self.assertEqual(Registration.objects.get(user=self.ana).status, RegistrationStatus.CONFIRMED)
        self.assertRedirects(self.client.post(cancel), self.meeting.get_absolute_url())
        self.assertEqual(Registration.objects.get(user=self.ana).status, RegistrationStatus.CANCELLED)


class PastLabelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.group = make_group("Labour mobility")
        cls.past = make_meeting("Old meeting", group=cls.group, date=dt.date.today() - dt.timedelta(days=40))
        cls.future = make_meeting("New meeting", group=cls.group)

    def test_past_meetings_are_labelled_in_lists(self):
        past_list = self.client.get("/en/events/?when=past")
        self.assertContains(past_list, "Old meeting")
        self.assertContains(past_list, "Past event")
        upcoming = self.client.get("/en/events/")
        self.assertContains(upcoming, "New meeting")
        self.assertNotContains(upcoming, "Past event")

    def test_past_meetings_are_labelled_on_the_home_page(self):
        home = Page.get_first_root_node().add_child(instance=HomePage(title="Home", slug="safeguards-home"))
        Site.objects.update(root_page=home)
        page = self.client.get("/en/")
        self.assertContains(page, "Old meeting")
        self.assertContains(page, "New meeting")
        self.assertContains(page, "Past event", count=1)

"""Concurrent sign-ups never over-book: the meeting row is locked while places are counted (PostgreSQL)."""

import threading
from unittest import skipUnless

from django.db import close_old_connections, connection, connections
from django.test import TransactionTestCase

from puente.core.tests.factories import make_meeting, make_user
from puente.events import services
from puente.events.models import Registration, RegistrationStatus

THREADS = 12
CAPACITY = 4


@skipUnless(connection.vendor == "postgresql", "row locks (SELECT ... FOR UPDATE) need PostgreSQL")
class ConcurrentRegistrationTests(TransactionTestCase):
    def run_at_once(self, work, items):
        """Run ``work(item)`` in one thread per item, each with its own database connection, released together."""
        barrier = threading.Barrier(len(items))
        errors = []

        def target(item):
            try:
                close_old_connections()
                barrier.wait(timeout=30)
                work(item)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=target, args=(item,)) for item in items]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(errors, [])

    def test_simultaneous_sign_ups_fill_exactly_the_capacity(self):
        meeting = make_meeting("Popular", capacity=CAPACITY)
        users = [make_user(f"rush{i}") for i in range(THREADS)]
        self.run_at_once(lambda user: services.registration_create(meeting=meeting, user=user), users)
        registrations = Registration.objects.filter(meeting=meeting)
        self.assertEqual(registrations.count(), THREADS)
        self.assertEqual(registrations.confirmed().count(), CAPACITY)
        self.assertEqual(registrations.waitlisted().count(), THREADS - CAPACITY)

    def test_double_submission_by_one_person_makes_one_registration(self):
        meeting = make_meeting("Double click", capacity=CAPACITY)
        user = make_user("clicker")
        self.run_at_once(lambda _: services.registration_create(meeting=meeting, user=user), range(6))
        self.assertEqual(Registration.objects.filter(meeting=meeting, user=user).count(), 1)

    def test_simultaneous_cancellations_promote_each_waiting_person_once(self):
        meeting = make_meeting("Churn", capacity=CAPACITY)
        users = [make_user(f"churn{i}") for i in range(CAPACITY * 2)]
        for user in users:
            services.registration_create(meeting=meeting, user=user)
        leaving = list(Registration.objects.filter(meeting=meeting).confirmed())
        self.run_at_once(
            lambda registration: services.registration_cancel(registration=registration), leaving
        )
        registrations = Registration.objects.filter(meeting=meeting)
        self.assertEqual(registrations.confirmed().count(), CAPACITY)
        self.assertEqual(registrations.filter(status=RegistrationStatus.CANCELLED).count(), CAPACITY)
        self.assertEqual(registrations.waitlisted().count(), 0)

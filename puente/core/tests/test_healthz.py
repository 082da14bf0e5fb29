"""``/healthz`` tells load balancers whether this worker can serve: 200 with a database, 503 without one."""

from unittest import mock

from django.db import connections
from django.test import TestCase


def unreachable_database():
    """A connection like the site's, to a database that cannot be reached (a path that does not exist for
    SQLite, a closed port for PostgreSQL): connecting fails in the driver as it does in an outage."""
    wrapper = connections.create_connection("default")
    if wrapper.vendor == "sqlite":
        changes = {"NAME": "/nonexistent/puente/db.sqlite3"}
    else:
        changes = {"HOST": "127.0.0.1", "PORT": "1", "OPTIONS": {"connect_timeout": 2}}
    wrapper.settings_dict = {**wrapper.settings_dict, **changes}
    return wrapper


class HealthzTests(TestCase):
    def test_it_answers_ok_with_the_database(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok")

    def test_it_answers_503_when_the_database_cannot_be_reached(self):
        database = unreachable_database()
        with (
            mock.patch("puente.core.views.connection", database),
            self.assertLogs("puente.core.views", "WARNING"),
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Content-Type"], "text/plain")
        database.close()

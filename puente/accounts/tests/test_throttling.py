"""Sign-in throttling holds behind the proxy and across workers: limits count per real client address and per
account in a shared store, so one visitor's failures lock neither everyone else nor other accounts."""

import os
import socket
import subprocess
import sys
import unittest

from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.test import TestCase, override_settings

from puente.core.tests.factories import make_user

PASSWORD = "the-right-passphrase"
DATABASE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "test_cache"}
}
REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": f"puente-test-{os.getpid()}",
    }
}


def redis_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def attempt(client, login, password, address):
    response = client.post(
        "/en/accounts/login/",
        {"login": login, "password": password},
        HTTP_X_FORWARDED_FOR=address,
        REMOTE_ADDR="10.0.0.2",  # the proxy: every request arrives from it
    )
    return response.status_code == 302 and "_auth_user_id" in client.session


class ThrottleChecks:
    """The same checks against each shared store."""

    def setUp(self):
        caches["default"].clear()
        self.rosa = make_user("rosa", password=PASSWORD, verified_email=True)
        self.other = make_user("other", password=PASSWORD, verified_email=True)

    def test_one_visitors_failures_behind_the_proxy_do_not_lock_out_others(self):
        for n in range(12):  # every failure on a different account: only the address limit applies
            attempt(self.client_class(), f"nobody{n}", "wrong", "203.0.113.5")
        self.assertFalse(attempt(self.client_class(), "rosa", PASSWORD, "203.0.113.5"))
        self.assertTrue(attempt(self.client_class(), "rosa", PASSWORD, "198.51.100.7"))

    def test_a_locked_account_does_not_lock_other_accounts(self):
        for _ in range(5):
            attempt(self.client_class(), "rosa", "wrong", "203.0.113.5")
        self.assertFalse(attempt(self.client_class(), "rosa", PASSWORD, "198.51.100.7"))
        self.assertTrue(attempt(self.client_class(), "other", PASSWORD, "203.0.113.5"))

    def test_addresses_written_by_the_client_are_not_trusted(self):
        # The client rotates what it writes into X-Forwarded-For; the proxy appends the real address.
        for n in range(12):
            attempt(self.client_class(), f"nobody{n}", "wrong", f"192.0.2.{n}, 203.0.113.5")
        self.assertFalse(attempt(self.client_class(), "other", PASSWORD, "192.0.2.99, 203.0.113.5"))


@override_settings(TRUSTED_PROXY_COUNT=1, ALLAUTH_TRUSTED_PROXY_COUNT=1, CACHES=DATABASE_CACHE)
class DatabaseCacheThrottleTests(ThrottleChecks, TestCase):
    def setUp(self):
        call_command("createcachetable", verbosity=0)
        super().setUp()

    def test_the_counts_live_in_the_database(self):
        from django.db import connection

        attempt(self.client_class(), "rosa", "wrong", "203.0.113.5")
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM test_cache")
            self.assertGreater(cursor.fetchone()[0], 0)


@unittest.skipUnless(redis_running(), "no Redis on 127.0.0.1:6379")
@override_settings(TRUSTED_PROXY_COUNT=1, ALLAUTH_TRUSTED_PROXY_COUNT=1, CACHES=REDIS_CACHE)
class RedisThrottleTests(ThrottleChecks, TestCase):
    pass


class SharedStoreSettingsTests(unittest.TestCase):
    """Production settings never keep the limits in one worker's memory."""

    def backend(self, **env) -> str:
        code = "import puente.settings.base as s; print(s.CACHES['default']['BACKEND'])"
        environment = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        environment.update(SECRET_KEY="x" * 50, DEBUG="false", **env)
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
        )
        return result.stdout.strip()

    def test_redis_when_configured_else_the_database(self):
        self.assertEqual(self.backend(), "django.core.cache.backends.db.DatabaseCache")
        self.assertEqual(
            self.backend(REDIS_URL="redis://127.0.0.1:6379/0"), "django.core.cache.backends.redis.RedisCache"
        )

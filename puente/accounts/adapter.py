"""Puente's allauth adapter: usernames are generated, never chosen at sign-up."""

import secrets

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_username
from django.contrib.auth import get_user_model


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user):
        """A new account's username is an opaque handle ("member-3f9a0c1d"): it appears in profile addresses,
        and a username typed at sign-up would tell whether someone already has it (and leak e-mail names)."""
        if user_username(user):
            return
        users = get_user_model().objects
        while True:
            candidate = f"member-{secrets.token_hex(4)}"
            if not users.filter(username__iexact=candidate).exists():
                user_username(user, candidate)
                return

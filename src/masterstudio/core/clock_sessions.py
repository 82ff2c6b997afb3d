"""Database sessions that keep real time under the demo clock (core/clock.py): moving the demo date
a week forward must not end every session. Used only when the demo clock is on (settings)."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from masterstudio.core.clock import real_time


class SessionStore(DatabaseSessionStore):
    def load(self):
        with real_time():
            return super().load()

    def save(self, must_create=False):
        with real_time():
            return super().save(must_create)

    def get_expiry_age(self, **kwargs):
        with real_time():
            return super().get_expiry_age(**kwargs)

    def get_expiry_date(self, **kwargs):
        with real_time():
            return super().get_expiry_date(**kwargs)

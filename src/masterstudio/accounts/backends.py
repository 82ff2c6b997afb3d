"""Django's model backend, with the signed-in user of each request loaded cheaply.

* The columns no page needs on every request are not loaded: the encrypted phone number and
  authenticator secret (each would be decrypted for every request) and the recovery-code hashes.
  They load when something reads them.
* A unit account's user carries its unit's registration status (``unit_status``), read in the same
  query (a join), for the check every unit page makes (core.permissions.approved_unit_required).
* It also carries its unread notifications' count (``unread_count``, a subquery of the same
  query) for the navigation's bell, which every signed-in page shows.
* The user is read from the database on every request: a role or duty change, a lock, a password
  or authenticator change saved through any server holds at the next request.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from masterstudio.core.models import Notification

PER_REQUEST_DEFERRED = ("phone", "totp_secret", "recovery_codes")
_UNREAD = Coalesce(
    Subquery(
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("id"))
        .values("n")[:1]
    ),
    0,
)


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = (
                model._default_manager.defer(*PER_REQUEST_DEFERRED)
                .annotate(unit_status=F("unit__status"), unread_count=_UNREAD)
                .get(pk=user_id)
            )
        except (model.DoesNotExist, ValueError, TypeError):
            return None
        return user if self.user_can_authenticate(user) else None

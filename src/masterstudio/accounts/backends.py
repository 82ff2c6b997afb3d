"""Django's model backend, with the signed-in user of each request loaded cheaply.

* The columns no page needs on every request are not loaded: the encrypted phone number and
  authenticator secret (each would be decrypted for every request) and the recovery-code hashes.
  They load when something reads them.
* Each application process keeps the users it has loaded, and reuses one while no ``accounts_``
  table has been written since (the ``accounts`` data version in the shared cache, see
  core.pagecache): a role or duty change, a lock, a password or authenticator change saved through
  any server reaches every server at its next request. Every request gets its own copy.
* A unit account's user carries its unit's registration status (``unit_status``), read with it
  and kept under the ``units`` data version as well, for the check every unit page makes
  (core.permissions.approved_unit_required).
"""

from __future__ import annotations

import threading

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models.base import ModelState

PER_REQUEST_DEFERRED = ("phone", "totp_secret", "recovery_codes")
_KEPT = 2000  # users per process
_users: dict[int, tuple[object, object]] = {}
_lock = threading.Lock()


def _copy(user):
    clone = user.__class__.__new__(user.__class__)
    clone.__dict__ = dict(user.__dict__)
    clone._state = ModelState()
    clone._state.adding, clone._state.db = False, user._state.db
    if isinstance(clone.__dict__.get("duties"), list):
        clone.duties = list(clone.duties)
    return clone


class AccountBackend(ModelBackend):
    def _load(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.defer(*PER_REQUEST_DEFERRED).get(pk=user_id)
        except (model.DoesNotExist, ValueError, TypeError):
            return None
        if user.unit_id is not None:
            from masterstudio.units.models import Unit

            user.unit_status = Unit.objects.filter(pk=user.unit_id).values_list("status", flat=True).first()
        return user

    def get_user(self, user_id):
        from masterstudio.core import pagecache

        version = (None,)
        if pagecache.shared_cache_outside_database() and not pagecache.has_uncommitted_writes("accounts", "units"):
            try:
                version = pagecache.prefetched_versions("accounts", "units") or pagecache.current_versions(
                    "accounts", "units"
                )
            except Exception:  # the shared cache is down: read the row
                pass
        if None in version:
            user = self._load(user_id)
        else:
            key = str(user_id)
            kept = _users.get(key)
            if kept is not None and kept[0] == version:
                user = _copy(kept[1])
            else:
                user = self._load(user_id)
                if user is not None:
                    with _lock:
                        if len(_users) >= _KEPT:
                            _users.clear()
                        _users[key] = (version, _copy(user))
        return user if user is not None and self.user_can_authenticate(user) else None

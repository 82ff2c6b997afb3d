"""Process-level copies of the staff catalogue and the policy versions (core/versions.py): kept
while nothing changed them, dropped by the services that change them, refreshed from another
server's change within a second, never holding what a rolled-back transaction wrote. And the
signed-in user, read on every request (accounts/backends.py). These tests commit for real
(transactional_db): copies follow commits."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from masterstudio.core import transitions, versions


@pytest.fixture
def memory_cache(settings):
    """A cache outside the database, as Redis in production: copies are kept."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "versions-test"}
    }
    from django.core.cache import cache

    cache.clear()
    for copies in versions._copies.values():
        for copy in copies:
            copy.forget()
    yield
    cache.clear()


def _codes():
    from masterstudio.catalog import engine

    return {entry["code"] for entry in engine.staff_facts()[1]}


def test_the_catalogue_is_kept_and_an_added_occupation_is_used_at_once(
    transactional_db, memory_cache, cast, django_assert_num_queries
):
    from masterstudio.catalog import services

    assert "6-99-99-98" not in _codes()
    with django_assert_num_queries(0):  # kept by the process now
        assert "6-99-99-98" not in _codes()
    services.add_occupation_values(code="6-99-99-98", name="版本测试新职业", source="测试", actor=cast["sysadmin"])
    assert "6-99-99-98" in _codes()


def test_the_changing_transaction_reads_its_own_rows_and_a_rollback_moves_nothing(transactional_db, memory_cache, cast):
    from masterstudio.catalog.models import Occupation

    _codes()
    before = versions.current("catalog")
    with pytest.raises(RuntimeError, match="撤销"):
        with transaction.atomic():
            versions.changed("catalog")
            Occupation.objects.create(code="6-99-99-96", name="回滚的职业", source="测试", added_by=cast["sysadmin"])
            assert "6-99-99-96" in _codes()  # this transaction sees what it wrote
            raise RuntimeError("撤销")
    assert versions.current("catalog") == before  # rolled back: the shared version did not move
    assert "6-99-99-96" not in _codes()  # and no copy holds the rolled-back row


def test_another_servers_change_is_seen_at_the_next_check(transactional_db, memory_cache, cast, monkeypatch):
    from masterstudio.catalog import engine
    from masterstudio.catalog.models import Occupation

    _codes()
    kept = engine._facts._kept
    Occupation.objects.create(
        code="6-99-99-97", name="另一台服务器保存的职业", source="测试", added_by=cast["sysadmin"]
    )
    versions.bump("catalog")  # what the other server's service did when it committed
    engine._facts._kept = kept  # this process did not see that change: only the shared version moved
    assert "6-99-99-97" not in _codes()  # within the second: the copy
    monkeypatch.setattr(versions, "RECHECK_SECONDS", 0.0)
    assert "6-99-99-97" in _codes()


def test_a_confirmed_policy_version_reaches_the_chain(transactional_db, memory_cache, cast, django_assert_num_queries):
    from masterstudio.policytools import versions as policy_versions
    from tests.policytools.test_versions import add_successor

    first = policy_versions.chain()
    with django_assert_num_queries(0):
        assert policy_versions.chain() is first
    add_successor(cast)
    assert "measures-2027" in [v.name for v in policy_versions.chain().versions]


def test_role_changes_and_unit_status_reach_the_next_request(transactional_db, memory_cache, cast, unit_a):
    from masterstudio.accounts.models import User
    from masterstudio.units.models import Unit

    staff = Client()
    staff.force_login(cast["reviewer"])
    assert staff.get("/manage/").status_code == 200
    User.objects.filter(pk=cast["reviewer"].pk).update(is_active=False)
    response = staff.get("/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    unit = Client()
    unit.force_login(cast["unit_a"])
    assert unit.get("/applications/").status_code == 200
    with transitions.seed("test: a unit's registration put back to pending, as a fixture"):
        Unit.objects.filter(pk=unit_a.pk).update(status="pending")
    assert unit.get("/applications/").status_code == 403


def test_a_rolled_back_change_leaves_no_mark_on_the_next_transaction(transactional_db, memory_cache):
    # the mark once stayed beside the connection after a rollback: every later transaction on it
    # read the rows itself and the process's copy never held a version (public pages never kept)
    with pytest.raises(RuntimeError, match="撤销"):
        with transaction.atomic():
            versions.changed("catalog")
            assert versions.changed_in_transaction("catalog")
            raise RuntimeError("撤销")
    with transaction.atomic():
        assert not versions.changed_in_transaction("catalog")
        _codes()
        assert dict(versions.topics_now())["catalog"] is not None
    with transaction.atomic():  # a savepoint rolled back takes its mark with it
        with pytest.raises(RuntimeError, match="撤销"):
            with transaction.atomic():
                versions.changed("catalog")
                raise RuntimeError("撤销")
        assert not versions.changed_in_transaction("catalog")

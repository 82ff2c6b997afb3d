"""Resolving a supervision flag is a service (``assessments.flags.resolve_flag``): once, with its
event; a second resolution (also one made meanwhile through a stale page) is refused."""

from __future__ import annotations

import pytest

from masterstudio.assessments.flags import FlagError, resolve_flag
from masterstudio.assessments.models import Flag
from masterstudio.core.models import Event
from tests.factories.studio_life import make_studio

pytestmark = pytest.mark.django_db


def _flag(unit):
    return Flag.objects.create(
        studio=make_studio(unit, grant=False),
        kind="inactive",
        key="2025-01-01",
        clause="13.1",
        raised_on="2026-02-01",
        detail="超过一年未开展工作",
    )


def test_a_flag_is_resolved_once_with_its_event(cast, unit_a):
    flag = _flag(unit_a)
    stale = Flag.objects.get(pk=flag.pk)
    resolve_flag(flag, resolution="  已核实：单位提供了活动记录 ", actor=cast["reviewer"])
    with pytest.raises(FlagError, match="该提示已处理"):
        resolve_flag(stale, resolution="第二次处理", actor=cast["approver"])
    flag.refresh_from_db()
    assert flag.resolution == "已核实：单位提供了活动记录" and flag.resolved_by == cast["reviewer"]
    assert Event.objects.filter(action="flag.resolved").count() == 1


def test_a_resolution_must_say_something(cast, unit_a):
    flag = _flag(unit_a)
    with pytest.raises(FlagError, match="请填写处理意见"):
        resolve_flag(flag, resolution="   ", actor=cast["reviewer"])
    flag.refresh_from_db()
    assert flag.resolved_at is None


def test_the_page_says_a_flag_resolved_meanwhile_is_resolved(client, cast, unit_a):
    flag = _flag(unit_a)
    resolve_flag(flag, resolution="已核实", actor=cast["approver"])
    client.force_login(cast["reviewer"])
    response = client.post(f"/studios/flags/{flag.pk}/resolve/", {"resolution": "再次处理"}, follow=True)
    assert "该提示已处理" in response.content.decode()
    assert Event.objects.filter(action="flag.resolved").count() == 1

"""The audit chain is keyed and anchored outside the database (issue 21.4): truncation and rewrites
by the database's owner are named by verify_audit, with times in Beijing time."""

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command

from masterstudio.core import audit
from masterstudio.core.events import record_event, verify_chain
from masterstudio.core.models import ChainHead, Event


def _events(actor, n=5):
    return [record_event("test.ping", actor=actor, data={"i": i}) for i in range(n)]


def _rechain_from(seq: int, hasher) -> None:
    """What the database's owner can do with SQL: rewrite rows from ``seq`` on, recomputing every
    later hash with ``hasher`` and moving the head."""
    previous = Event.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for event in Event.objects.filter(seq__gte=seq).order_by("seq"):
        event.prev_hash = previous
        previous = hasher(event)
        Event.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=previous)
    ChainHead.objects.filter(pk=1).update(hash=previous)


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_the_chain_is_keyed(cast):
    event = record_event("test.ping", actor=cast["auditor"])
    assert event.hash != hashlib.sha256((event.prev_hash + event.payload()).encode()).hexdigest()
    assert event.hash == event.compute_hash()


def test_deleting_the_newest_rows_is_named_a_truncation(cast):
    _events(cast["reviewer"])
    call_command("anchor_audit", stdout=io.StringIO())
    assert "与锚点一致" in _verify() and "北京时间" in _verify()
    Event.objects.filter(seq__gt=3).delete()
    ChainHead.objects.filter(pk=1).update(seq=3, hash=Event.objects.get(seq=3).hash)
    assert verify_chain()[1] is None  # the shorter chain is valid on its own
    with pytest.raises(
        CommandError,
        match=r"审计日志被截断：\d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）"
        r"的锚点记录链头为第 5 条，数据库现在只到第 3 条",
    ):
        _verify()


def test_a_rewrite_with_an_unkeyed_recomputed_chain_is_named(cast):
    _events(cast["reviewer"])
    Event.objects.filter(seq=2).update(reason="改写")
    _rechain_from(2, _legacy)  # unkeyed SHA-256, recomputed for every later record
    with pytest.raises(CommandError, match=r"第 2 条记录（.*北京时间.*本条记录内容与哈希不符"):
        _verify()


def test_a_rewrite_even_with_the_key_is_caught_by_the_anchor(cast):
    _events(cast["reviewer"])
    call_command("anchor_audit", stdout=io.StringIO())
    Event.objects.filter(seq=2).update(reason="改写")
    _rechain_from(2, _keyed)
    assert verify_chain()[1] is None
    with pytest.raises(CommandError, match="审计日志被改写：第 5 条记录的哈希与.*（北京时间）的锚点不符"):
        _verify()


def _keyed(event):
    fresh = Event.objects.get(pk=event.pk)
    fresh.prev_hash = event.prev_hash
    return fresh.compute_hash()


def test_an_edited_anchor_file_is_named(cast, settings):
    _events(cast["reviewer"], 2)
    call_command("anchor_audit", stdout=io.StringIO())
    record_event("test.ping", actor=cast["reviewer"])
    call_command("anchor_audit", stdout=io.StringIO())
    path = settings.AUDIT_ANCHOR_PATH
    lines = path.read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [2, 3]
    path.write_text(lines[1] + "\n")  # the first line dropped
    with pytest.raises(CommandError, match="锚点文件第 1 行签名或顺序不符"):
        _verify()
    forged = json.loads(lines[0]) | {"seq": 1}
    path.write_text(json.dumps(forged) + "\n" + lines[1] + "\n")
    with pytest.raises(CommandError, match="锚点文件第 1 行签名或顺序不符"):
        _verify()


def test_daily_anchors_the_head_and_tells_the_auditor(cast, settings):
    from masterstudio.core.models import Notification

    _events(cast["reviewer"], 2)
    call_command("daily", "--only", "audit_anchor", stdout=io.StringIO())
    anchors = audit.read_anchors()
    assert len(anchors) == 1 and anchors[0]["seq"] == Event.objects.order_by("-seq").first().seq
    note = Notification.objects.get(recipient=cast["auditor"], key="audit_anchor")
    assert anchors[0]["sig"] in note.body and "北京时间" in note.body


def test_the_auditor_downloads_the_anchor_file(client, cast):
    call_command("anchor_audit", stdout=io.StringIO())
    client.force_login(cast["auditor"])
    response = client.get("/manage/activity/anchors/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content.decode().splitlines()[0])["sig"]
    client.force_login(cast["sysadmin"])
    assert client.get("/manage/activity/anchors/").status_code == 403


def test_an_unkeyed_chain_of_before_is_rekeyed(cast):
    _events(cast["reviewer"], 4)
    _rechain_from(1, _legacy)
    record_event("test.after_upgrade", actor=cast["reviewer"])  # the new code appends on top of the old chain
    with pytest.raises(CommandError, match="未加密钥的旧哈希链，请运行 manage.py rekey_audit"):
        _verify()
    out = io.StringIO()
    call_command("rekey_audit", stdout=out)
    assert "已重新计算 5 条记录" in out.getvalue()
    assert "与锚点一致" in _verify()
    record_event("test.after_rekey", actor=cast["reviewer"])
    assert verify_chain() == (6, None, "")
    Event.objects.filter(seq=3).update(reason="改写")
    with pytest.raises(CommandError, match="第 3 条记录"):
        call_command("rekey_audit", stdout=io.StringIO())


def _legacy(event):
    fresh = Event.objects.get(pk=event.pk)
    fresh.prev_hash = event.prev_hash
    return fresh.legacy_hash()

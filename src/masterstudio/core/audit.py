"""Evidence that outlives a compromise of the database (issue 21.4).

The event log is a chain of HMAC-SHA256 hashes under ``AUDIT_CHAIN_KEY`` (core.models.Event): the
key lives outside the database, so whoever owns the database can delete or edit rows but cannot
recompute a valid chain. Deleting the newest rows leaves a valid shorter chain, and an owner who
also took the key could rewrite everything, so the head of the chain (seq, hash, time) is also
**anchored** outside the database: one signed line per anchor appended to ``AUDIT_ANCHOR_PATH``
(a file on the application server, opened for appending only; in production made append-only with
``chattr +a`` or kept on another host), each line signed with a key derived from
``AUDIT_CHAIN_KEY`` and chained to the line before it, and e-mailed to the auditors. ``manage.py
daily`` writes one a day and ``manage.py anchor_audit`` one at any time; the auditor downloads the
file from the activity log (``core:audit_anchors``) and keeps copies.

:func:`verify` walks the chain and then checks every anchor against it, so a truncation (the
database ends before an anchored head) and a rewrite (an anchored record's hash changed) are named,
with the anchor's time in Beijing time.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from masterstudio.core.models import ChainHead, Event

BEIJING = ZoneInfo("Asia/Shanghai")
GENESIS = "0" * 64


def beijing(moment: datetime) -> str:
    """'2026-12-02 09:30:00（北京时间）'."""
    return f"{moment.astimezone(BEIJING):%Y-%m-%d %H:%M:%S}（北京时间）"


def _anchor_key() -> bytes:
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), b"audit-anchor", hashlib.sha256).digest()


def _signature(fields: dict) -> str:
    text = json.dumps({k: fields[k] for k in ("n", "seq", "hash", "at", "prev")}, sort_keys=True)
    return hmac.new(_anchor_key(), text.encode(), hashlib.sha256).hexdigest()


def _head() -> tuple[int, str]:
    head = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    return head or (0, GENESIS)


def read_anchors(path=None) -> list[dict]:
    path = path or settings.AUDIT_ANCHOR_PATH
    try:
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError:
        return []


def write_anchor(*, notify_auditors: bool = True) -> dict:
    """Append the chain's current head to the anchor file (signed, chained to the previous line)."""
    path = settings.AUDIT_ANCHOR_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    seq, digest = _head()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # two servers anchoring at once write whole, chained lines
        try:
            anchors = read_anchors(path)
            last = anchors[-1] if anchors else None
            line = {
                "n": (last["n"] + 1) if last else 1,
                "seq": seq,
                "hash": digest,
                "at": timezone.now().isoformat(),
                "prev": last["sig"] if last else GENESIS,
            }
            line["sig"] = _signature(line)
            handle.write(json.dumps(line, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    if notify_auditors:
        from django.contrib.auth import get_user_model

        from masterstudio.core.notify import notify

        # the installed user model (accounts.User) names the staff holding a duty
        notify(
            get_user_model().staff_with("auditor"),
            "audit_anchor",
            {"line": json.dumps(line, sort_keys=True), "seq": seq, "at": beijing(timezone.now())},
        )
    return line


@dataclass
class Finding:
    ok: bool
    message: str


def verify() -> list[Finding]:
    """The chain, then every anchor: a list of findings, the broken ones first named."""
    from masterstudio.core.events import verify_chain

    findings: list[Finding] = []
    checked, broken, why = verify_chain()
    if broken is not None:
        legacy = broken.seq == 1 and broken.hash == broken.legacy_hash()
        findings.append(
            Finding(
                False,
                (
                    "审计日志仍是未加密钥的旧哈希链，请运行 manage.py rekey_audit 用 AUDIT_CHAIN_KEY 重新计算"
                    if legacy
                    else f"审计日志哈希链断裂：第 {broken.seq} 条记录（{beijing(broken.at)} {broken.action} "
                    f"{broken.object_repr}）：{why}。此前 {checked} 条记录完好"
                ),
            )
        )
    else:
        findings.append(Finding(True, f"审计日志哈希链完好：共 {checked} 条记录，序号连续，HMAC 校验通过"))
    anchors = read_anchors()
    if not anchors:
        findings.append(
            Finding(
                True,
                f"没有锚点文件 {settings.AUDIT_ANCHOR_PATH}：无法发现末尾记录被删除，"
                "请运行 manage.py anchor_audit（manage.py daily 每天写入一次）",
            )
        )
        return findings
    previous = GENESIS
    for index, line in enumerate(anchors, start=1):
        if (
            line.get("n") != index
            or line.get("prev") != previous
            or not hmac.compare_digest(str(line.get("sig", "")), _signature(line))
        ):
            findings.append(Finding(False, f"锚点文件第 {index} 行签名或顺序不符：锚点文件被修改、删行或伪造"))
            return findings
        previous = line["sig"]
    stored = dict(Event.objects.filter(seq__in=[a["seq"] for a in anchors]).values_list("seq", "hash"))
    last_seq = Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    for anchor in anchors:
        at = beijing(datetime.fromisoformat(anchor["at"]))
        if anchor["seq"] == 0:
            continue
        if anchor["seq"] > last_seq:
            findings.append(
                Finding(
                    False,
                    (
                        f"审计日志被截断：{at}的锚点记录链头为第 {anchor['seq']} 条，数据库现在只到第 {last_seq} 条"
                        f"（第 {last_seq + 1}–{anchor['seq']} 条记录被删除）"
                    ),
                )
            )
            return findings
        if stored.get(anchor["seq"]) != anchor["hash"]:
            findings.append(
                Finding(
                    False,
                    (
                        f"审计日志被改写：第 {anchor['seq']} 条记录的哈希与{at}的锚点不符"
                        "（该条或更早的记录被修改后重新计算了哈希链）"
                    ),
                )
            )
            return findings
    latest = anchors[-1]
    when = beijing(datetime.fromisoformat(latest["at"]))
    findings.append(Finding(True, f"与锚点一致：共 {len(anchors)} 个锚点，最近一个是{when}记录的第 {latest['seq']} 条"))
    return findings


def rekey() -> int:
    """Re-key an existing chain: every record must be valid in the chain as it stands, under the old
    unkeyed SHA-256 or already under the key (events appended by the new code on top of an old
    chain); a broken chain is refused. Then every hash is computed again under ``AUDIT_CHAIN_KEY``
    in order, the head row locked so no event is appended meanwhile. Returns the records changed."""
    table, qn = Event._meta.db_table, connection.ops.quote_name
    with transaction.atomic():
        ChainHead.objects.select_for_update().get_or_create(pk=1)
        old_previous = new_previous = GENESIS
        expected, rows = 1, []
        for event in Event.objects.order_by("seq").iterator(chunk_size=2000):
            if (
                event.seq != expected
                or event.prev_hash != old_previous
                or event.hash not in (event.legacy_hash(), event.compute_hash())
            ):
                raise ValueError(f"第 {event.seq} 条记录与现有哈希链不符，不能重新计算（请先用备份核对）")
            original = (event.prev_hash, event.hash)
            old_previous, expected = event.hash, expected + 1
            event.prev_hash = new_previous
            new = event.compute_hash()
            if (new_previous, new) != original:
                rows.append((new_previous, new, event.pk))
            new_previous = new
        with connection.cursor() as cursor:
            sql = f"UPDATE {qn(table)} SET {qn('prev_hash')} = %s, {qn('hash')} = %s WHERE {qn('id')} = %s"
            cursor.executemany(sql, rows)
        if expected > 1:
            ChainHead.objects.filter(pk=1).update(seq=expected - 1, hash=new_previous)
    return len(rows)

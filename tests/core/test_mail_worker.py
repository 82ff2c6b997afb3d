"""``manage.py mail_worker`` (EMAIL_DELIVERY=worker): it sends the waiting e-mail once, leaves failed
ones to the daily command, reads only the partial index, stops after its batch on SIGTERM and
survives a database error. The loop runs in a real process, signals included."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masterstudio.core import notify as outbox
from masterstudio.core.models import Notification

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def waiting(cast):
    """Makes e-mails waiting for the worker (as EMAIL_DELIVERY=worker writes them: unclaimed)."""

    def make(count=3):
        return [
            Notification.objects.create(
                recipient=cast["unit_a"], key="k", title=f"标题{i}", body="内容", email_to=f"unit_{i}@example.cn"
            )
            for i in range(count)
        ]

    return make


def worker(*args) -> str:
    out = StringIO()
    call_command("mail_worker", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_once_sends_the_waiting_mail_and_a_second_run_sends_nothing(cast, settings, mailoutbox):
    settings.EMAIL_DELIVERY = "worker"
    for name, email in (("unit_a", "unit_a@example.cn"), ("approver", "")):
        cast[name].email = email
        cast[name].save()
    outbox.notify([cast["unit_a"], cast["approver"]], "unit_decided", {"unit": cast["unit_a"].unit}, "/u/")
    assert mailoutbox == []
    assert "已发送 1 封通知邮件" in worker("--once")
    assert [m.to for m in mailoutbox] == [["unit_a@example.cn"]] and mailoutbox[0].body.endswith("/u/")
    assert Notification.objects.get(recipient=cast["unit_a"]).emailed_at is not None
    assert "已发送 0 封通知邮件" in worker("--once")
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_once_goes_through_every_batch(waiting, monkeypatch, mailoutbox):
    monkeypatch.setattr(outbox, "WORKER_BATCH", 2)
    waiting(5)
    assert "已发送 5 封通知邮件" in worker("--once")
    assert sorted(m.to[0] for m in mailoutbox) == [f"unit_{i}@example.cn" for i in range(5)]


@pytest.mark.django_db
def test_a_failed_mail_is_left_to_the_daily_command(waiting, mailoutbox):
    (note,) = waiting(1)
    with mock.patch("masterstudio.core.notify.send_mail", side_effect=OSError("收件地址不存在")):
        assert "已发送 0 封通知邮件" in worker("--once")
    note.refresh_from_db()
    assert note.emailed_at is None and "收件地址不存在" in note.email_error
    assert "已发送 0 封通知邮件" in worker("--once")  # not tried again every few seconds
    assert mailoutbox == []
    assert outbox.send_pending() == 1 and [m.to for m in mailoutbox] == [[note.email_to]]  # the daily retry


@pytest.mark.django_db
def test_the_poll_reads_only_the_partial_index():
    with CaptureQueriesContext(connection) as queries:
        outbox.send_fresh()
    (poll,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # the test's table is tiny: ask for an index
            cursor.execute("EXPLAIN " + poll)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + poll)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "notification_unsent_idx" in plan, plan


@pytest.mark.parametrize("value, ok", [("worker", True), ("after_commit", True), ("queue", False)])
def test_email_delivery_accepts_only_its_two_values(tmp_path, value, ok):
    env = dict(os.environ, DEBUG="true", VAR_DIR=str(tmp_path), EMAIL_DELIVERY=value)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", "import masterstudio.settings as s; print(s.EMAIL_DELIVERY)"],
        cwd=ROOT,
        env=env | {"PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    if ok:
        assert result.returncode == 0 and result.stdout.strip() == value, result.stderr
    else:
        assert result.returncode != 0
        assert "EMAIL_DELIVERY='queue' 无效（应为 after_commit 或 worker）" in result.stderr


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return "sqlite:///" + str(db["NAME"])
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _manage(*args) -> subprocess.Popen:
    """manage.py on the test database, in its own process (the worker installs signal handlers)."""
    env = dict(os.environ, DATABASE_URL=_database_url(), DJANGO_SETTINGS_MODULE="masterstudio.settings_test")
    connection.close()  # SQLite: let the other process take the write lock
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run_worker_in_shell(code: str) -> tuple[int, str, str]:
    """Run the worker from a manage.py shell after ``code`` (which patches what the test needs)."""
    process = _manage("shell", "-c", textwrap.dedent(code))
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def _sent(notes) -> list[bool]:
    return [n.emailed_at is not None for n in Notification.objects.filter(pk__in=[n.pk for n in notes]).order_by("pk")]


@pytest.mark.django_db(transaction=True)
def test_sigterm_ends_the_sleep_at_once(waiting):
    notes = waiting(2)
    process = _manage("mail_worker", "--interval", "60")
    try:
        deadline = time.monotonic() + 30
        while _sent(notes) != [True, True] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _sent(notes) == [True, True]
        started = time.monotonic()
        process.terminate()  # SIGTERM, as systemd stops it
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert time.monotonic() - started < 15  # well before the 60 s sleep would have ended
    assert "已发送 2 封通知邮件" in out and "通知邮件发送进程已停止" in out


@pytest.mark.django_db(transaction=True)
def test_sigterm_during_a_batch_finishes_the_batch_and_exits(waiting):
    notes = waiting(3)
    code, out, err = _run_worker_in_shell("""
        import os, signal
        from django.core.management import call_command
        from masterstudio.core import notify
        notify.WORKER_BATCH = 2
        real_send_mail, calls = notify.send_mail, []
        def send_mail(*args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                os.kill(os.getpid(), signal.SIGTERM)  # stopped while the first e-mail goes out
            return real_send_mail(*args, **kwargs)
        notify.send_mail = send_mail
        call_command("mail_worker", "--interval", "60")
    """)
    assert code == 0, err
    assert _sent(notes) == [True, True, False]  # the claimed batch was sent, the next one not started
    assert "已发送 2 封通知邮件" in out and "通知邮件发送进程已停止" in out


@pytest.mark.django_db(transaction=True)
def test_a_database_error_is_logged_and_the_next_round_sends(waiting):
    notes = waiting(2)
    code, out, err = _run_worker_in_shell("""
        import os, signal
        from django.core.management import call_command
        from django.db import OperationalError
        from masterstudio.core import notify
        real_send_fresh, calls = notify.send_fresh, []
        def send_fresh():
            calls.append(1)
            if len(calls) == 1:
                raise OperationalError("数据库正在重启（测试）")
            result = real_send_fresh()
            os.kill(os.getpid(), signal.SIGTERM)
            return result
        notify.send_fresh = send_fresh
        call_command("mail_worker", "--interval", "0.1")
    """)
    assert code == 0, err
    assert "通知邮件发送进程访问数据库失败" in err and "数据库正在重启（测试）" in err
    assert _sent(notes) == [True, True]
    assert "已发送 2 封通知邮件" in out

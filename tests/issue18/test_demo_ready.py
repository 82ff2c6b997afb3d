"""Issue 18 points 14–16: ready on first start — sign-in help, PORT, the expert stage at once, the demo
clock (demo mode only) and the platform's own error pages in demo mode."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from masterstudio.applications.models import Round
from masterstudio.core import clock
from masterstudio.experts.models import Expert

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_demo_data_prints_the_sign_in_help_and_holds_the_expert_stage(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    text = out.getvalue()
    assert "manage.py demo_totp" in text and "30 秒内" in text and "几个不同的演示账号" in text
    assert "/manage/demo-clock/" in text
    round_ = Round.objects.get(year=2026)
    rubric = round_.rubrics.get(purpose="application")
    assert rubric.max_total == 100 and rubric.criteria.count() == 4
    experts = Expert.objects.filter(active=True)
    assert experts.count() >= 4  # a draw of three with one to spare for a recusal
    assert all(e.matches("6-22-02-01", "") for e in experts[:3])  # unit B's occupation


def test_make_run_takes_a_port():
    dry = subprocess.run(["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "runserver 127.0.0.1:8123" in dry.stdout
    assert "PORT=8080" in (ROOT / "README.md").read_text() and "demo_totp" in (ROOT / "README.md").read_text()


@pytest.fixture
def demo_clock(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.DEBUG = True
    settings.DEMO_CLOCK = True
    clock.install()
    yield clock
    clock.uninstall()


def test_the_demo_clock_moves_every_today_of_the_server(demo_clock, cast, client):
    from masterstudio.core.models import Event

    before = timezone.localdate()
    client.force_login(cast["reviewer"])
    response = client.post(reverse("core:demo_clock"), {"days": "7"})
    assert response.status_code == 302
    assert timezone.localdate() == before + timedelta(days=7)
    event = Event.objects.filter(action="demo.clock_set").latest("seq")
    assert event.at.date() >= before + timedelta(days=6)  # a model default (Event.at) sees it too
    page = client.get(reverse("core:demo_clock")).content.decode()
    assert (before + timedelta(days=7)).strftime("%Y-%m-%d") in page  # the session survived the jump
    assert 'data-testid="demo-clock"' in page


def test_the_demo_clock_moves_only_forward(demo_clock, cast, client):
    client.force_login(cast["reviewer"])
    client.post(reverse("core:demo_clock"), {"days": "3"})
    response = client.post(reverse("core:demo_clock"), {"date": timezone.localdate().isoformat()})
    assert response.status_code == 302  # to the day it already is: allowed
    response = client.post(reverse("core:demo_clock"), {"date": "2020-01-01"})
    assert response.status_code == 400 and "只能向前拨" in response.content.decode()
    client.post(reverse("core:demo_clock"), {"reset": "1"})
    assert clock.offset() == timedelta(0)


def test_the_demo_clock_is_for_staff(demo_clock, cast, client):
    client.force_login(cast["unit_a"])
    assert client.post(reverse("core:demo_clock"), {"days": "7"}).status_code == 403
    assert clock.offset() == timedelta(0)


def test_no_demo_clock_in_production(cast, client):
    assert not clock.installed()
    client.force_login(cast["reviewer"])
    assert client.get(reverse("core:demo_clock")).status_code == 404
    assert client.post(reverse("core:demo_clock"), {"days": "7"}).status_code == 404
    with pytest.raises(clock.ClockError, match="仅在演示环境"):
        clock.install()


def test_the_settings_refuse_the_demo_clock_without_debug():
    env = {
        "DEBUG": "false",
        "DEMO_CLOCK": "true",
        "SECRET_KEY": "x" * 50,
        "FIELD_ENCRYPTION_KEY": "c2tpbGwtc3R1ZGlvLXRlc3Qta2V5LTMyLWJ5dGVzISE=",
        "ALLOWED_HOSTS": "x",
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT / "src"),
    }
    run = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", "import masterstudio.settings"], env=env, capture_output=True, text=True
    )
    assert run.returncode != 0 and "DEMO_CLOCK" in run.stderr


@override_settings(DEBUG=True)
def test_demo_mode_404_is_the_platforms_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在（404）" in page and "URLconf" not in page and "Django" not in page
    response = client.get(reverse("applications:download", args=[999999]))  # a view's own Http404
    assert response.status_code in (302, 404)


@override_settings(DEBUG=True)
def test_demo_mode_404_from_a_view_and_403(client, cast):
    client.force_login(cast["unit_a"])
    response = client.get(reverse("applications:detail", args=[999999]))
    assert response.status_code == 404 and "页面不存在（404）" in response.content.decode()
    assert "Traceback" not in response.content.decode() and "Raised by" not in response.content.decode()
    response = client.get(reverse("reviews:queue"))
    assert response.status_code == 403 and "无权访问（403）" in response.content.decode()


def test_sessions_keep_real_time_when_the_demo_date_moves(demo_clock):
    from django.contrib.sessions.backends.db import SessionStore as PlainStore

    from masterstudio.core.clock_sessions import SessionStore

    kept, plain = SessionStore(), PlainStore()
    for store in (kept, plain):
        store["who"] = "unit_b"
        store.save()
    clock.advance(7)
    assert SessionStore(session_key=kept.session_key).load() == {"who": "unit_b"}
    assert PlainStore(session_key=plain.session_key).load() == {}  # what the demo's engine avoids


def test_one_demo_code_signs_in_several_demo_accounts_once_each(settings, tmp_path):
    import pyotp

    from masterstudio.accounts.models import User
    from masterstudio.accounts.otp import verify_code
    from masterstudio.workspaces.management.commands.demo_data import DEMO_TOTP_SECRET

    settings.MEDIA_ROOT = str(tmp_path)
    call_command("demo_data", stdout=io.StringIO())
    code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
    review, approve = User.objects.get(username="staff_review"), User.objects.get(username="staff_approve")
    assert verify_code(review, code) and verify_code(approve, code)  # what the printed help promises
    assert not verify_code(review, code)  # each account once
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_totp", stdout=out)
    assert "可分别登录几个不同的演示账号" in out.getvalue()


def test_demo_mode_sees_no_model_change(tmp_path):
    """With the demo clock installed (DEBUG=true, as `make run`), the migrations still match the
    models: the clock stands in for timezone.now without changing how the defaults deconstruct."""
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "VAR_DIR"}}
    env.update(DEBUG="true", VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "No changes detected" in result.stdout, result.stdout + result.stderr

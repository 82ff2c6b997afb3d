"""Web hardening (issue 8, item 6): CSRF on every form, rate limits on every anonymous write, and
the lockout message that says until when."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD
from tests.factories import selecting as f

FACTS = "领办人不在一线岗位，申报材料所述工作年限与事实不符"  # an objection's facts, as long as the rules ask

pytestmark = pytest.mark.django_db


def test_every_post_form_on_every_page_carries_a_csrf_token(world):
    from tests.security.test_access_matrix import NOT_DEPLOYED, ROLES, kwargs_for, url_patterns

    o = dict(
        world["objects"],
        unit_a=world["objects"]["studio"].unit,
        unit_a_user=world["users"]["unit_a"],
        today=timezone.localdate(),
    )
    pages = [reverse(n, kwargs=kwargs_for(n, p, o)) for n, p in url_patterns() if n not in NOT_DEPLOYED]
    forms_seen = 0
    for role in ROLES:
        client = Client()
        if world["users"][role] is not None:
            client.force_login(world["users"][role])
        for url in pages:
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I):
                if re.search(r'method="post"', form, flags=re.I):
                    forms_seen += 1
                    assert "csrfmiddlewaretoken" in form, f"{role} {url}: POST 表单缺少 CSRF 令牌"
            assert "<script>" not in html.replace("<script src=", "")  # no inline scripts (CSP)
    assert forms_seen > 50


def test_a_post_without_the_csrf_token_is_refused_in_chinese(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "unit_a", "password": PASSWORD})
    assert response.status_code == 403 and "CSRF" in response.content.decode()


def test_objections_are_rate_limited_per_address(cast, unit_a, settings):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.to_proposed(application, cast["reviewer"], cast["approver"])
    notice = f.published(application.round, cast["approver"], on=timezone.localdate().isoformat())
    entry = notice.entries.get()
    settings.OBJECTION_RATE_LIMIT = 2
    url = f"/notices/{notice.pk}/entries/{entry.pk}/object/"
    client = Client()
    codes = [
        client.post(
            url,
            {"name": "李某", "contact": "13900001111", "content": f"第{i}条异议：{FACTS}", "pledge": "on"},
            REMOTE_ADDR="10.0.0.7",
        ).status_code
        for i in range(3)
    ]
    assert codes == [302, 302, 429]
    limited = client.post(url, {}, REMOTE_ADDR="10.0.0.7")
    assert "操作过于频繁" in limited.content.decode() and int(limited["Retry-After"]) > 0
    assert (
        client.post(
            url, {"name": "王某", "contact": "13900003333", "content": FACTS, "pledge": "on"}, REMOTE_ADDR="10.0.0.8"
        ).status_code
        == 302
    )  # another address is not affected


def test_registration_is_rate_limited(db, settings):
    settings.REGISTER_RATE_LIMIT = 1
    client = Client()
    assert client.post("/accounts/register/", {}, REMOTE_ADDR="10.0.0.9").status_code == 200  # form errors
    assert client.post("/accounts/register/", {}, REMOTE_ADDR="10.0.0.9").status_code == 429


def test_guessing_objection_receipts_is_rate_limited(db):
    client = Client()
    codes = {
        client.get(f"/notices/objections/YY20261124{i:08X}/", REMOTE_ADDR="10.0.0.10").status_code for i in range(61)
    }
    assert codes == {404, 429}


def test_lockout_message_says_until_when(client, cast, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post("/accounts/login/", {"username": "unit_a", "password": "wrong-password"})
    response = client.post("/accounts/login/", {"username": "unit_a", "password": PASSWORD})
    text = response.content.decode()
    assert re.search(r"锁定至.*\d{2}:\d{2}", text), text
    assert "_auth_user_id" not in client.session


def test_idle_sessions_end_and_activity_keeps_them_alive(client, cast, settings):
    """30 idle minutes end a session; requests renew it, writing the session at most once a minute."""
    from datetime import timedelta

    from django.contrib.sessions.models import Session

    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_RENEW_SECONDS == 60
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(cast["reviewer"])
    key = client.session.session_key

    def expires_in():
        return Session.objects.get(session_key=key).expire_date - timezone.now()

    assert client.get("/manage/").status_code == 200  # first request: renewed
    assert timedelta(minutes=29) < expires_in() <= timedelta(minutes=30)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=10))
    assert client.get("/manage/").status_code == 200  # within the minute: nothing written
    assert timedelta(minutes=9) < expires_in() <= timedelta(minutes=10)

    session = client.session
    session["_touched"] -= 61  # the last renewal is a minute old
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=10))
    assert client.get("/manage/").status_code == 200  # renewed: 30 minutes again
    assert timedelta(minutes=29) < expires_in() <= timedelta(minutes=30)

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_exported_text_that_looks_like_a_formula_stays_text(client, cast, unit_a):
    """A studio named '=HYPERLINK(...)' is exported as that text, not as a formula Excel would run."""
    import io
    import zipfile

    from tests.factories.money import make_studio

    make_studio(unit_a, name='=HYPERLINK("http://evil.example","点我")')
    client.force_login(cast["reviewer"])
    for url in ("/funding/?format=xlsx", "/ledger/?format=xlsx", "/manage/activity/?export=xlsx"):
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet, url
    from masterstudio.funding.services import award_grant
    from masterstudio.studios.models import Studio

    studio = Studio.objects.get(name__startswith="=HYPERLINK")
    award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
    content = client.get("/funding/?format=xlsx").content
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        text = (
            book.read("xl/worksheets/sheet1.xml").decode() + book.read("xl/sharedStrings.xml").decode()
            if "xl/sharedStrings.xml" in book.namelist()
            else book.read("xl/worksheets/sheet1.xml").decode()
        )
    assert "HYPERLINK" in text and "<f>" not in text

"""Bureau staff sign in with a second factor (TOTP) and recovery codes; re-authentication."""

import time

import pyotp
import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from masterstudio.accounts import otp
from masterstudio.core.permissions import recent_auth_required
from tests.factories import PASSWORD


def _password_step(client, username):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


def test_staff_password_alone_does_not_sign_in(client, cast):
    response = _password_step(client, "reviewer")
    assert response["Location"] == reverse("accounts:login_enrol")
    assert "_auth_user_id" not in client.session
    assert client.get("/manage/").status_code == 302


def test_unit_accounts_sign_in_with_password(client, cast):
    response = _password_step(client, "unit_a")
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(cast["unit_a"].pk)


def test_enrolment_then_recovery_codes_then_signed_in(client, cast):
    _password_step(client, "reviewer")
    page = client.get(reverse("accounts:login_enrol")).content.decode()
    secret = client.session["enrol_secret"]
    assert secret in page
    wrong = client.post(reverse("accounts:login_enrol"), {"code": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    response = client.post(reverse("accounts:login_enrol"), {"code": pyotp.TOTP(secret).now()})
    html = response.content.decode()
    assert "恢复码" in html and html.count("<code>") == otp.RECOVERY_CODE_COUNT
    cast["reviewer"].refresh_from_db()
    assert cast["reviewer"].totp_confirmed_at is not None and cast["reviewer"].totp_secret == secret
    assert client.get("/manage/").status_code == 200


@pytest.fixture
def enrolled(cast):
    user = cast["approver"]
    secret = otp.new_secret()
    codes = otp.confirm_enrolment(user, secret)
    return user, secret, codes


def test_verify_step_accepts_code_once(client, enrolled):
    user, secret, _ = enrolled
    assert _password_step(client, user.username)["Location"] == reverse("accounts:login_verify")
    code = pyotp.TOTP(secret).now()
    assert client.post(reverse("accounts:login_verify"), {"code": code})["Location"] == "/"
    client.logout()
    _password_step(client, user.username)
    replay = client.post(reverse("accounts:login_verify"), {"code": code})
    assert "已使用过" in replay.content.decode()
    assert "_auth_user_id" not in client.session


def test_recovery_code_works_once(client, enrolled):
    user, _, codes = enrolled
    _password_step(client, user.username)
    assert client.post(reverse("accounts:login_verify"), {"code": codes[0].lower()})["Location"] == "/"
    client.logout()
    _password_step(client, user.username)
    again = client.post(reverse("accounts:login_verify"), {"code": codes[0]})
    assert again.status_code == 200
    user.refresh_from_db()
    assert len(user.recovery_codes) == otp.RECOVERY_CODE_COUNT - 1


def test_pending_login_expires(client, enrolled):
    user, secret, _ = enrolled
    _password_step(client, user.username)
    session = client.session
    session["pending_login"]["at"] = time.time() - 600
    session.save()
    response = client.post(reverse("accounts:login_verify"), {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == reverse("accounts:login")


def test_secret_is_encrypted_at_rest(enrolled):
    user, secret, _ = enrolled
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select totp_secret from accounts_user where id = %s", [user.pk])
        assert secret not in cursor.fetchone()[0]


def test_recent_auth_required_sends_to_reauth_then_back(client, enrolled):
    user, secret, _ = enrolled

    @recent_auth_required
    def money_view(request):
        return HttpResponse("paid")

    request = RequestFactory().get("/money/")
    request.user = user
    request.session = {"reauth_at": time.time() - 3600}
    response = money_view(request)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauth/?next=")
    request.session = {"reauth_at": time.time()}
    assert money_view(request).content == b"paid"

    client.force_login(user)
    bad = client.post(reverse("accounts:reauth"), {"password": PASSWORD, "code": "123456", "next": "/manage/"})
    assert "密码或动态口令不正确" in bad.content.decode()
    good = client.post(
        reverse("accounts:reauth"), {"password": PASSWORD, "code": pyotp.TOTP(secret).now(), "next": "/manage/"}
    )
    assert good["Location"] == "/manage/"
    assert time.time() - client.session["reauth_at"] < 5

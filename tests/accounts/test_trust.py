"""Insiders and sign-in (issue 21.1, 21.6, 21.7, 21.8): the administrator never holds a usable
secret of another account, business duties need a second person, lockout cannot be used to shut
staff out, passwords are not guessable, experts and evaluators use a second factor."""

import re

import pyotp
import pytest
from django.urls import reverse

from masterstudio.accounts import services
from masterstudio.accounts.models import DutyGrant, User
from masterstudio.core.models import Event, Notification
from masterstudio.core.transitions import TransitionError
from tests.factories import PASSWORD


def _outbox(address: str) -> list[str]:
    """The e-mails to ``address`` (the outbox rows; they leave after the commit)."""
    return list(Notification.objects.filter(email_to=address).order_by("pk").values_list("body", flat=True))


def _mailed_password(address: str) -> str:
    return re.search(r"初始密码是：(\S+) ", _outbox(address)[-1]).group(1)


def test_the_administrators_bypass_is_refused(client, cast):
    """Today's bypass: the administrator creates a finance account (so knows its password), signs in
    as it, enrols its authenticator and pays out. Each step is refused."""
    sysadmin = cast["sysadmin"]
    client.force_login(sysadmin)
    form = client.get(reverse("accounts:user_create")).content.decode()
    assert 'name="password"' not in form  # nobody types another person's password
    response = client.post(
        reverse("accounts:user_create"),
        {
            "role": "staff",
            "duties": ["finance"],
            "display_name": "钱财务",
            "username": "finance_new",
            "email": "qian@example.cn",
            "password": "Known#Pass2026",
        },
        follow=True,
    )
    page = response.content.decode()
    account = User.objects.get(username="finance_new")
    mailed = _mailed_password("qian@example.cn")
    assert mailed not in page and mailed not in str(list(Event.objects.values_list("data", flat=True)))
    assert list(Notification.objects.filter(key="account_password").values_list("recipient", "email_to")) == [
        (account.pk, "qian@example.cn")
    ]  # only to the holder
    # the duty is asked for, not held
    assert not account.has_duty("finance") and account.duties == []
    grant = DutyGrant.objects.get(user=account)
    assert grant.state == "pending" and grant.duties == ["finance"]
    assert Event.objects.filter(action="dutygrant.requested", object_id=str(grant.pk)).exists()
    client.logout()

    # the administrator's own guess of a password does not sign in
    assert not client.login(username="finance_new", password="Known#Pass2026")
    response = client.post(reverse("accounts:login"), {"username": "finance_new", "password": "Known#Pass2026"})
    assert "_auth_user_id" not in client.session
    # the mailed password leads only to setting a new one: no session, no enrolment yet
    response = client.post(reverse("accounts:login"), {"username": "finance_new", "password": mailed})
    assert response["Location"] == reverse("accounts:login_password")
    assert client.get(reverse("accounts:login_enrol"))["Location"] == reverse("accounts:login_password")
    assert client.get(reverse("accounts:login_verify"))["Location"] == reverse("accounts:login_password")
    assert "_auth_user_id" not in client.session
    same = client.post(reverse("accounts:login_password"), {"new_password1": mailed, "new_password2": mailed})
    assert "不能使用最近" in same.content.decode()

    # paying out without the confirmed duty is refused
    client.force_login(account)
    assert client.post(reverse("funding:grant_disburse", args=[1]), {}).status_code == 403
    client.logout()

    # the administrator cannot confirm the grant (page and service), nor can the account itself
    client.force_login(sysadmin)
    assert client.get(reverse("accounts:duty_grants")).status_code == 403
    decide = reverse("accounts:duty_grant_decide", args=[grant.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    with pytest.raises(TransitionError, match="另一位有业务职责的工作人员或安全审计员"):
        services.decide_duty_grant(grant, approve=True, actor=sysadmin)
    account.refresh_from_db()
    assert account.duties == []
    # a second person with a business duty confirms: now the duty is held, and that is an event
    client.force_login(cast["approver"])
    client.post(reverse("accounts:duty_grant_decide", args=[grant.pk]), {"decision": "approve", "reason": "已核实"})
    account.refresh_from_db()
    grant.refresh_from_db()
    assert account.duties == ["finance"] and grant.state == "approved" and grant.decided_by == cast["approver"]
    assert Event.objects.filter(action="dutygrant.approved", actor=cast["approver"], object_id=str(grant.pk)).exists()


def test_the_holder_sets_a_password_then_enrols_then_is_in(client, cast):
    client.force_login(cast["sysadmin"])
    client.post(
        reverse("accounts:user_create"),
        {"role": "expert", "display_name": "吴专家", "username": "expert_wu", "email": "wu@example.cn"},
    )
    client.logout()
    mailed = _mailed_password("wu@example.cn")
    client.post(reverse("accounts:login"), {"username": "expert_wu", "password": mailed})
    weak = client.post(
        reverse("accounts:login_password"), {"new_password1": "P@ssw0rd123", "new_password2": "P@ssw0rd123"}
    )
    assert "密码过于常见" in weak.content.decode()
    response = client.post(
        reverse("accounts:login_password"), {"new_password1": "Wu#Yizhuang88q", "new_password2": "Wu#Yizhuang88q"}
    )
    assert response["Location"] == reverse("accounts:login_enrol")  # experts enrol a second factor too
    assert client.get(reverse("accounts:login_enrol")).status_code == 200
    secret = client.session["enrol_secret"]
    client.post(reverse("accounts:login_enrol"), {"code": pyotp.TOTP(secret).now()})
    expert = User.objects.get(username="expert_wu")
    assert client.session["_auth_user_id"] == str(expert.pk)
    assert not expert.must_change_password and expert.totp_confirmed_at is not None
    assert Event.objects.filter(action="auth.password_set", actor=expert).exists()
    # the mailed password no longer works
    client.logout()
    assert not client.login(username="expert_wu", password=mailed)


def test_a_reset_clears_the_second_factor_and_forces_a_new_password(client, cast):
    reviewer = cast["reviewer"]
    reviewer.email = "rev@example.cn"
    reviewer.totp_secret, reviewer.totp_confirmed_at = pyotp.random_base32(), reviewer.date_joined
    reviewer.save()
    client.force_login(reviewer)
    client.force_login(cast["sysadmin"])
    client.post(reverse("accounts:user_reset", args=[reviewer.pk]))
    reviewer.refresh_from_db()
    assert reviewer.must_change_password and reviewer.totp_confirmed_at is None and not reviewer.totp_secret
    assert not reviewer.check_password(PASSWORD)
    assert Event.objects.filter(action="account.password_reset", actor=cast["sysadmin"]).exists()
    with pytest.raises(services.AccountError, match="不能重置自己的密码"):
        services.reset_password(cast["sysadmin"], actor=cast["sysadmin"])


def test_an_initial_password_expires(client, cast, settings):
    from datetime import timedelta

    client.force_login(cast["sysadmin"])
    client.post(
        reverse("accounts:user_create"),
        {"role": "evaluator", "display_name": "某评估中心", "username": "eva2", "email": "eva2@example.cn"},
    )
    client.logout()
    User.objects.filter(username="eva2").update(
        password_changed_at=User.objects.get(username="eva2").password_changed_at - timedelta(hours=73)
    )
    mailed = _mailed_password("eva2@example.cn")
    response = client.post(reverse("accounts:login"), {"username": "eva2", "password": mailed})
    assert "初始密码已过期" in response.content.decode()


@pytest.mark.parametrize("who", ["expert", "evaluator", "reviewer", "sysadmin"])
def test_experts_evaluators_and_staff_need_the_second_factor(client, cast, who):
    response = client.post(reverse("accounts:login"), {"username": cast[who].username, "password": PASSWORD})
    assert response["Location"] == reverse("accounts:login_enrol")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "password", ["P@ssw0rd123", "Passw0rd!2026", "Admin@123456", "Qwerty#2026", "Woaini@1314", "Zxcvbnm!2026"]
)
def test_common_passwords_and_their_patterns_are_refused(cast, password):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="密码过于常见"):
        validate_password(password, cast["unit_a"])


def test_the_last_five_passwords_cannot_be_used_again(client, cast):
    user = cast["unit_a"]
    client.force_login(user)
    used = [PASSWORD] + [f"Brand#New{n}x2026" for n in range(5)]
    for old, new in zip(used, used[1:], strict=False):
        response = client.post(
            reverse("accounts:password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert len(user.password_history) == 4
    for reused in used[-5:]:
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": used[-1], "new_password1": reused, "new_password2": reused},
        )
        assert "不能使用最近 5 次用过的密码" in response.content.decode()
    # the sixth-last may come back
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": used[-1], "new_password1": used[0], "new_password2": used[0]},
    )
    assert response.status_code == 302


def _login(client, username, password, address, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def test_one_address_cannot_lock_the_holder_out(client, cast, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    cast["unit_a"].email = "a@example.cn"
    cast["unit_a"].save()
    for _ in range(3):
        _login(client, "unit_a", "wrong", "203.0.113.9")
    assert "已锁定至" in _login(client, "unit_a", PASSWORD, "203.0.113.9").content.decode()
    assert any("203.0.113.9" in body for body in _outbox("a@example.cn"))  # the holder is told
    # the holder at another address signs in
    other = client.__class__()
    assert _login(other, "unit_a", PASSWORD, "198.51.100.7")["Location"] == "/"
    # each further failure from the attacker's address doubles its wait
    from masterstudio.accounts.models import SignInThrottle

    row = SignInThrottle.objects.get(username="unit_a", address="203.0.113.9")
    first = row.blocked_until - row.last_failure_at
    SignInThrottle.objects.filter(pk=row.pk).update(blocked_until=None)
    _login(client, "unit_a", "wrong", "203.0.113.9")
    row.refresh_from_db()
    assert round((row.blocked_until - row.last_failure_at) / first) == 2
    cast["unit_a"].refresh_from_db()
    assert not cast["unit_a"].is_locked()


def test_one_address_spraying_many_accounts_is_stopped(client, cast, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    for name in ["reviewer", "approver", "finance", "auditor"]:
        _login(client, name, "wrong", "203.0.113.50")
    response = _login(client, "unit_b", PASSWORD, "203.0.113.50")
    assert "已锁定至" in response.content.decode() and "_auth_user_id" not in client.session
    assert _login(client, "unit_b", PASSWORD, "203.0.113.51")["Location"] == "/"


def test_the_account_locks_only_after_failures_from_many_addresses(client, cast, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    for n in range(3):
        for _ in range(2):
            _login(client, "unit_a", "wrong", f"203.0.113.{n + 1}")
    cast["unit_a"].refresh_from_db()
    assert cast["unit_a"].is_locked()
    assert "账号已锁定至" in _login(client, "unit_a", PASSWORD, "198.51.100.1").content.decode()


def test_two_clients_behind_one_trusted_proxy_have_their_own_budgets(client, db, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.LOGIN_RATE_LIMIT = 2
    for _ in range(2):
        assert _login(client, "x", "y", "10.0.0.5", "198.51.100.1").status_code == 200
    assert _login(client, "x", "y", "10.0.0.5", "198.51.100.1").status_code == 429
    # another client behind the same proxy still has its budget
    assert _login(client, "x", "y", "10.0.0.5", "198.51.100.2").status_code == 200
    # a client cannot choose its address by writing the header itself: the proxy's entry counts
    assert _login(client, "x", "y", "10.0.0.5", "198.51.100.99, 198.51.100.1").status_code == 429
    # audit rows carry the client's address
    assert Event.objects.filter(action="auth.login_failed", ip="198.51.100.2").exists()


def test_a_forged_header_from_an_untrusted_peer_is_ignored(client, db, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.LOGIN_RATE_LIMIT = 2
    for n in range(2):
        assert _login(client, "x", "y", "203.0.113.7", f"198.51.100.{n}").status_code == 200
    assert _login(client, "x", "y", "203.0.113.7", "198.51.100.77").status_code == 429
    assert not Event.objects.filter(ip__startswith="198.51.100.").exists()
    assert Event.objects.filter(action="auth.login_failed", ip="203.0.113.7").count() == 2

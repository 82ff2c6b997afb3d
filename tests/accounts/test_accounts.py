"""Accounts: registration, sign-in with lockout, workspaces per role, staff duties."""

import pytest
from django.urls import reverse

from masterstudio.accounts.models import User
from masterstudio.core.models import Event, Notification
from masterstudio.units.models import Unit
from tests.factories import PASSWORD

REGISTRATION = {
    "unit_name": "北京亦庄新注册科技有限公司",
    "credit_code": "91350100M000100Y43",
    "kind": "enterprise",
    "address": "北京经济技术开发区",
    "in_etown": "on",
    "contact_name": "刘经理",
    "contact_phone": "13912345678",
    "email": "hr@example.com",
    "username": "newunit",
    "password1": "Strong#Pass2026",
    "password2": "Strong#Pass2026",
    "privacy": "on",
}


def test_unit_registers_and_waits_for_approval(client, cast):
    response = client.post(reverse("accounts:register"), REGISTRATION)
    assert response.status_code == 302
    unit = Unit.objects.get(credit_code="91350100M000100Y43")
    assert unit.status == "pending"
    assert unit.contact_phone == "13912345678"
    user = User.objects.get(username="newunit")
    assert user.role == "unit" and user.unit == unit
    page = client.get(reverse("units:dashboard"))
    assert "等待社会事业局审核" in page.content.decode()
    # people management is closed until approval
    assert client.get(reverse("units:people")).status_code == 403
    # the reviewer was told
    assert cast["reviewer"].notifications.filter(key="unit_registered").exists()


def test_contact_phone_is_encrypted_at_rest(client, db):
    client.post(reverse("accounts:register"), REGISTRATION)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select contact_phone from units_unit where credit_code = %s", ["91350100M000100Y43"])
        stored = cursor.fetchone()[0]
    assert "13912345678" not in stored and len(stored) > 50


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("credit_code", "91350100M000100Y44", "校验码错误"),
        ("contact_phone", "12345", "手机号应为 11 位数字"),
        ("password2", "Other#Pass2026", "两次输入的密码不一致"),
        ("password1", "abcdefghijk", "三类"),
    ],
)
def test_registration_errors_are_in_chinese_at_the_field_and_keep_input(client, db, field, value, message):
    data = dict(REGISTRATION, **{field: value})
    if field == "password1":
        data["password2"] = value
    response = client.post(reverse("accounts:register"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="北京亦庄新注册科技有限公司"' in html
    assert not User.objects.filter(username="newunit").exists()


def test_registration_requires_privacy_consent(client, db):
    response = client.post(reverse("accounts:register"), dict(REGISTRATION, privacy=""))
    assert response.status_code == 200
    assert not Unit.objects.exists()


def test_reviewer_approves_unit(client, cast):
    client.post(reverse("accounts:register"), REGISTRATION)
    unit = Unit.objects.get(credit_code="91350100M000100Y43")
    client.force_login(cast["reviewer"])
    response = client.post(
        reverse("accounts:unit_registration_detail", args=[unit.pk]), {"decision": "approved", "reason": ""}
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.status == "approved" and unit.approved_by == cast["reviewer"]
    assert User.objects.get(username="newunit").notifications.filter(key="unit_decided").exists()
    # deciding again is refused
    response = client.post(
        reverse("accounts:unit_registration_detail", args=[unit.pk]), {"decision": "rejected", "reason": "重复"}
    )
    assert "已被审核" in response.content.decode()


def test_rejection_needs_a_reason(client, cast):
    client.post(reverse("accounts:register"), REGISTRATION)
    unit = Unit.objects.get(credit_code="91350100M000100Y43")
    client.force_login(cast["approver"])
    response = client.post(reverse("accounts:unit_registration_detail", args=[unit.pk]), {"decision": "rejected"})
    assert "必须填写审核意见" in response.content.decode()


def test_login_lockout_after_repeated_failures(client, cast, settings):
    """Failures from one address make that address wait for that account (issue 21.7)."""
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(reverse("accounts:login"), {"username": "unit_a", "password": "wrong"})
    assert "已锁定至今天" in response.content.decode()
    # even the right password is refused from this address while it waits
    response = client.post(reverse("accounts:login"), {"username": "unit_a", "password": PASSWORD})
    assert "该账号在您当前的网络地址已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(action="auth.login_failed").count() == 3


def test_login_and_logout_are_logged(client, cast):
    response = client.post(reverse("accounts:login"), {"username": "unit_a", "password": PASSWORD})
    assert response.status_code == 302
    assert Event.objects.filter(action="auth.login", actor=cast["unit_a"]).exists()
    client.post(reverse("accounts:logout"))
    assert Event.objects.filter(action="auth.logout").exists()


def test_login_does_not_redirect_off_site(client, cast):
    response = client.post(
        reverse("accounts:login"), {"username": "unit_a", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "who,workspace",
    [
        ("unit_a", "/unit/"),
        ("leader", "/unit/"),
        ("reviewer", "/manage/"),
        ("sysadmin", "/manage/"),
        ("expert", "/expert/"),
        ("evaluator", "/evaluation/"),
    ],
)
def test_each_role_lands_in_its_own_workspace(client, cast, who, workspace):
    client.force_login(cast[who])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == workspace
    assert client.get(workspace).status_code == 200


@pytest.mark.parametrize(
    "who,forbidden",
    [
        ("unit_a", "/manage/"),
        ("unit_a", "/expert/"),
        ("unit_a", "/evaluation/"),
        ("expert", "/manage/"),
        ("expert", "/unit/"),
        ("evaluator", "/manage/"),
        ("evaluator", "/expert/"),
        ("reviewer", "/unit/"),
        ("reviewer", "/expert/"),
    ],
)
def test_roles_cannot_open_other_workspaces(client, cast, who, forbidden):
    client.force_login(cast[who])
    response = client.get(forbidden)
    assert response.status_code == 403
    assert "无权" in response.content.decode() or "仅" in response.content.decode()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_separation_of_duties(client, cast):
    client.force_login(cast["sysadmin"])
    assert client.get(reverse("accounts:user_list")).status_code == 200
    assert client.get(reverse("accounts:unit_registrations")).status_code == 403
    client.force_login(cast["reviewer"])
    assert client.get(reverse("accounts:user_list")).status_code == 403
    client.force_login(cast["auditor"])
    assert client.get(reverse("accounts:user_create")).status_code == 403


def test_sysadmin_creates_expert_account(client, cast):
    client.force_login(cast["sysadmin"])
    response = client.post(
        reverse("accounts:user_create"),
        {
            "role": "expert",
            "display_name": "孙专家",
            "organisation": "北京工业技师学院",
            "username": "expert_sun",
            "email": "sun@example.cn",
            "phone": "13812345678",
        },
    )
    assert response.status_code == 302
    expert = User.objects.get(username="expert_sun")
    assert expert.role == "expert" and expert.must_change_password and expert.has_usable_password()
    assert Notification.objects.get(recipient=expert).email_to == "sun@example.cn"
    assert Event.objects.filter(action="account.created", object_id=str(expert.pk)).exists()


def test_sysadmin_cannot_combine_separated_duties(client, cast):
    client.force_login(cast["sysadmin"])
    response = client.post(
        reverse("accounts:user_create"),
        {
            "role": "staff",
            "duties": ["sysadmin", "finance"],
            "display_name": "某人",
            "username": "mix",
            "email": "mix@example.cn",
        },
    )
    assert "三员分立" in response.content.decode()
    assert not User.objects.filter(username="mix").exists()


def test_password_change(client, cast):
    client.force_login(cast["unit_a"])
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Brand#New2026x", "new_password2": "Brand#New2026x"},
    )
    assert response.status_code == 302
    cast["unit_a"].refresh_from_db()
    assert cast["unit_a"].check_password("Brand#New2026x")


def test_notifications_bell_and_read(client, cast):
    from masterstudio.core.notify import notify

    notify([cast["unit_a"]], "unit_decided", {"unit": cast["unit_a"].unit}, url="/unit/")
    client.force_login(cast["unit_a"])
    html = client.get("/unit/").content.decode()
    assert 'data-testid="unread">1<' in html
    note = cast["unit_a"].notifications.get()
    response = client.post(reverse("core:notification_read", args=[note.pk]))
    assert response["Location"] == "/unit/"
    note.refresh_from_db()
    assert note.read_at is not None
    # someone else's notification is not found
    client.force_login(cast["unit_b"])
    assert client.post(reverse("core:notification_read", args=[note.pk])).status_code == 404


def test_notification_email_goes_out_after_commit(cast, mailoutbox, django_capture_on_commit_callbacks):
    from masterstudio.core.notify import notify

    cast["unit_a"].email = "hr@a.example"
    cast["unit_a"].save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([cast["unit_a"]], "unit_decided", {"unit": cast["unit_a"].unit})
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["hr@a.example"]
    assert cast["unit_a"].notifications.get().emailed_at is not None


def test_login_posts_are_rate_limited_per_address(client, db, settings):
    from django.core.cache import cache

    cache.clear()
    settings.LOGIN_RATE_LIMIT = 3
    for _ in range(3):
        assert client.post(reverse("accounts:login"), {"username": "x", "password": "y"}).status_code == 200
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_the_bell_counts_ones_own_unread_notifications_read_with_the_user(cast, client, django_assert_num_queries):
    from masterstudio.core.notify import notify

    notify([cast["unit_a"]], "unit_decided", {"unit": cast["unit_a"].unit}, url="/unit/")
    notify([cast["unit_a"]], "unit_decided", {"unit": cast["unit_a"].unit}, url="/unit/")
    notify([cast["unit_b"]], "unit_decided", {"unit": cast["unit_b"].unit}, url="/unit/")
    client.force_login(cast["unit_a"])
    assert 'data-testid="unread">2<' in client.get("/unit/").content.decode()
    # the count comes with the user's own query: no query of its own
    from masterstudio.accounts.backends import AccountBackend

    with django_assert_num_queries(1):
        user = AccountBackend().get_user(cast["unit_a"].pk)
        assert user.unread_count == 2
    client.post(reverse("core:notifications_read_all"))
    assert 'data-testid="unread"' not in client.get("/unit/").content.decode()
    client.force_login(cast["unit_b"])
    assert 'data-testid="unread">1<' in client.get("/unit/").content.decode()

"""Issue 18.4–18.6: publishing warns about and names the round's applications never reviewed to
the end; the unit is told when an objection is filed against its entry and how it ends;
objections follow their own rules (real name, a mobile number or e-mail, facts of some length),
checked by the form and stated by the page from the same place."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from masterstudio.applications.models import Application, AppState
from masterstudio.core.models import Notification
from masterstudio.notices import rules
from masterstudio.notices import services as notices
from masterstudio.notices.models import Notice, Objection
from tests.factories import selecting as f

pytestmark = pytest.mark.django_db

FACTS = "领办人近两年不在生产服务一线岗位，材料所述年限与事实不符"


@pytest.fixture
def round_with_a_straggler(cast, unit_a, unit_b):
    """One application proposed; another of the same round still in material review."""
    proposed = f.submitted_application(unit_a, cast["unit_a"])
    straggler = f.submitted_application(unit_b, cast["unit_b"], proposed.round, prefix="乙", seq_base=50)
    f.to_proposed(proposed, cast["reviewer"], cast["approver"])
    from masterstudio.applications import services as applying

    applying.start_material_review(straggler.pk, actor=cast["reviewer"])
    straggler.refresh_from_db()
    return proposed, straggler


def test_publishing_warns_and_names_the_applications_never_reviewed(round_with_a_straggler, cast):
    proposed, straggler = round_with_a_straggler
    client = Client()
    client.force_login(cast["approver"])
    response = client.post(f"/notices/manage/rounds/{proposed.round_id}/publish/", {"title": "公示"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "本批次还有 1 份申报未完成评审" in body
    assert straggler.receipt_no in body and "北京亦庄测试乙有限公司" in body and "材料审核" in body
    assert not Notice.objects.exists()
    assert Application.objects.get(pk=proposed.pk).state == AppState.PROPOSED  # nothing written
    response = client.post(
        f"/notices/manage/rounds/{proposed.round_id}/publish/", {"title": "公示", "acknowledged": [str(straggler.pk)]}
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert Application.objects.get(pk=proposed.pk).state == AppState.ON_NOTICE
    assert Application.objects.get(pk=straggler.pk).state == AppState.MATERIAL_REVIEW
    from masterstudio.core.models import Event

    assert Event.objects.get(action="notice.published").data["unfinished"] == [straggler.pk]
    assert notice.entries.count() == 1


def test_a_confirmation_that_misses_a_newcomer_is_refused_again(round_with_a_straggler, cast, unit_b):
    proposed, straggler = round_with_a_straggler
    with pytest.raises(notices.UnfinishedApplications, match=straggler.receipt_no) as refused:
        notices.publish(proposed.round, actor=cast["approver"])
    assert [a.pk for a in refused.value.applications] == [straggler.pk]
    late = f.submitted_application(
        unit_b, cast["unit_b"], proposed.round, prefix="丙", seq_base=90, occupation_code="6-18-01-02"
    )
    with pytest.raises(notices.UnfinishedApplications, match=late.receipt_no):
        notices.publish(proposed.round, actor=cast["approver"], acknowledged=[straggler.pk])
    assert not Notice.objects.exists()


def test_an_undecided_evaluation_is_named_and_refused(cast, unit_a, unit_b):
    a = f.submitted_application(unit_a, cast["unit_a"])
    b = f.submitted_application(unit_b, cast["unit_b"], a.round, prefix="乙", seq_base=50)
    f.to_proposed(a, cast["reviewer"], cast["approver"])
    f.to_evaluation(b, cast["reviewer"])
    with pytest.raises(notices.NoticeError, match=f"尚未作出综合评议决定：{b.receipt_no} 北京亦庄测试乙有限公司"):
        notices.publish(a.round, actor=cast["approver"], acknowledged=[b.pk])


@pytest.fixture
def open_entry(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.to_proposed(application, cast["reviewer"], cast["approver"])
    from django.utils import timezone

    notice = f.published(application.round, cast["approver"], on=timezone.localdate().isoformat())
    return notice, notice.entries.get()


def test_the_unit_is_told_when_an_objection_is_filed_and_how_it_ends(open_entry, cast):
    notice, entry = open_entry
    objection = notices.file_objection(entry, name="赵异议", contact="zhao@example.com", content=FACTS)
    told = Notification.objects.get(recipient=cast["unit_a"], key="objection_against_unit")
    assert objection.receipt in told.body and "暂停公示" in told.body
    assert "赵异议" not in told.body and "zhao@example.com" not in told.body and FACTS not in told.body
    assert Notification.objects.filter(recipient=cast["leader"], key="objection_against_unit").exists()
    notices.resolve(objection, upheld=False, investigation="核实在岗记录", reply="异议不成立", actor=cast["approver"])
    ended = Notification.objects.get(recipient=cast["unit_a"], key="objection_resolved_unit")
    assert "异议不成立" in ended.title and "已恢复公示" in ended.body
    second = notices.file_objection(entry, name="钱异议", contact="13911112222", content=FACTS)
    notices.resolve(second, upheld=True, investigation="确已调离一线", reply="异议成立", actor=cast["approver"])
    ended = Notification.objects.filter(recipient=cast["unit_a"], key="objection_resolved_unit").order_by("-pk")[0]
    assert "异议成立" in ended.title and "撤出公示名单" in ended.body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "张", "请填写真实姓名（至少 2 个字"),
        ("name", "匿名", "请填写真实姓名"),
        ("name", "张3", "请填写真实姓名"),
        ("contact", "12345", "请填写有效的手机号（11 位"),
        ("contact", "zhao@", "请填写有效的手机号（11 位"),
        ("content", "有疑问", "不少于 15 字（现有 3 字）"),
    ],
)
def test_the_objection_form_checks_the_rules_the_page_states(open_entry, field, value, message):
    notice, entry = open_entry
    url = f"/notices/{notice.pk}/entries/{entry.pk}/object/"
    page = Client().get(url).content.decode()
    for rule in rules.OBJECTION_RULES:  # the page states the rules from their one place
        assert rule in page
    assert "至少 2 个字" in page and "不少于 15 字" in page
    data = {"name": "赵异议", "contact": "139 1111 2222", "content": FACTS, "pledge": "on", field: value}
    response = Client().post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert FACTS in body or field == "content"  # nothing typed is lost
    assert not Objection.objects.exists()
    with pytest.raises(notices.ObjectionInvalid, match=re.escape(message)) as refused:
        notices.file_objection(entry, **{"name": "赵异议", "contact": "13911112222", "content": FACTS, field: value})
    assert list(refused.value.problems) == [field]
    assert not Objection.objects.exists()


def test_a_valid_objection_by_mobile_or_email_is_received(open_entry):
    notice, entry = open_entry
    url = f"/notices/{notice.pk}/entries/{entry.pk}/object/"
    for contact in ("+86 139-1111-2222", "zhao.yi@example.com"):
        response = Client().post(url, {"name": "欧阳·明", "contact": contact, "content": FACTS, "pledge": "on"})
        assert response.status_code == 302
    assert Objection.objects.count() == 2

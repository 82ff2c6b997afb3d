"""A successor version entered by staff as data (issue 17 §1) and Art. 20 in every service (§2)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from masterstudio.assessments import services as assessments
from masterstudio.assessments.models import Grade
from masterstudio.catalog import engine
from masterstudio.core.excel import XLSX
from masterstudio.funding import services as funding
from masterstudio.funding.models import Grant
from masterstudio.policy import params as engine_params
from masterstudio.policytools import versions
from masterstudio.policytools.models import PolicyVersion, VersionState
from masterstudio.summaries import services as summaries
from tests.factories.studio_life import make_studio, open_year, score_all
from tests.policy.helpers import application

pytestmark = pytest.mark.django_db

SUCCESSOR_TEXT = (
    "北京经济技术开发区技能大师工作室建设管理办法（2027年版）\n"
    + "\n".join(f"第{n}条 ……（与试行办法相同）" for n in range(1, 21) if n not in (4, 14, 18, 20))
    + "\n第4条 ……（五）除领办人外，应为工作室配备一支由4名以上正式员工组成的技术技能人才团队……"
    + "\n第14条 经评审首次认定的，按照每个工作室30万元的标准给予一次性资助；"
    + "等次为优秀的，按照每个工作室15万元的标准给予奖励。"
    + "\n第20条 本办法自2027年1月11日起施行，有效期截止2029年12月31日。"
)


def successor_entries() -> dict:
    draft = engine_params.load()
    entries = engine_params.entries_of(draft, date(2026, 6, 30))
    entries["initial_grant_amount"].update(value="300000", note="第14条 30万元")
    entries["excellent_reward_amount"].update(value="150000", note="第14条 15万元")
    entries["team_min_size"].update(value=4, note="第4条第（五）项 4名以上")
    entries["valid_until"].update(value="2029-12-31", note="第20条 有效期截止2029年12月31日")
    return entries


def add_successor(cast, **changes) -> PolicyVersion:
    values = dict(
        name="measures-2027",
        title="经开区技能大师工作室建设管理办法（2027年版）",
        document="2027年版",
        text=SUCCESSOR_TEXT,
        effective_from=date(2027, 1, 11),
        parameters=successor_entries(),
    )
    values.update(changes)
    row = versions.propose(actor=cast["reviewer"], **values)
    return versions.confirm(row, actor=cast["approver"])


def test_a_successor_is_entered_validated_previewed_and_confirmed_by_a_second_person(cast):
    bad = successor_entries()
    bad["initial_grant_amount"]["citation"] = "18"  # 第18条 is not in the successor's text
    with pytest.raises(versions.VersionError, match="第18条不在新版本的政策文本中") as refused:
        versions.propose(
            actor=cast["reviewer"],
            name="measures-2027",
            title="2027",
            document="",
            text=SUCCESSOR_TEXT,
            effective_from=date(2027, 1, 11),
            parameters=bad,
        )
    assert refused.value.field == "parameters.initial_grant_amount.citation"
    assert not PolicyVersion.objects.exists()
    row = versions.propose(
        actor=cast["reviewer"],
        name="measures-2027",
        title="2027 年版",
        document="",
        text=SUCCESSOR_TEXT,
        effective_from=date(2027, 1, 11),
        parameters=successor_entries(),
    )
    changed = {c["name"]: (c["before"], c["after"]) for c in row.preview["parameter_changes"]}
    assert changed["initial_grant_amount"] == ("200000.00", "300000.00")
    assert changed["team_min_size"] == (3, 4)
    assert row.preview["studios"]["amount_changes"]["initial_grant_amount"]["after"] == "300000.00"
    # not in force before a second person confirms it
    assert engine.versions().in_force(date(2027, 2, 1)) is None
    with pytest.raises(versions.VersionError, match="只有承担审批职责的工作人员可以确认"):
        versions.confirm(row, actor=cast["reviewer"])
    reviewer_as_approver = cast["reviewer"]
    reviewer_as_approver.duties = ["reviewer", "approver"]
    reviewer_as_approver.save()
    with pytest.raises(versions.VersionError, match="录入人不能确认自己录入的政策版本（双人复核）"):
        versions.confirm(row, actor=reviewer_as_approver)
    versions.confirm(row, actor=cast["approver"])
    row.refresh_from_db()
    assert row.state == VersionState.SCHEDULED and row.confirmed_by == cast["approver"]
    assert engine.versions().in_force(date(2027, 2, 1)).name == "measures-2027"


def test_a_2027_recognition_and_a_2026_one_get_different_answers(cast):
    add_successor(cast)
    later = engine.ask("funding", {"as_of": "2027-12-31", "recognized_on": "2027-03-01"})
    earlier = engine.ask("funding", {"as_of": "2027-12-31", "recognized_on": "2026-03-01"})
    assert (later["total"], earlier["total"]) == ("300000.00", "200000.00")
    team_of_three = application("listed")
    assert len(team_of_three["team"]) == 3
    checks_2027 = {
        c["clause"]: c["result"] for c in engine.ask("eligibility", {**team_of_three, "as_of": "2027-06-30"})["checks"]
    }
    checks_2026 = {
        c["clause"]: c["result"] for c in engine.ask("eligibility", {**team_of_three, "as_of": "2026-06-30"})["checks"]
    }
    assert (checks_2027["4.5"], checks_2026["4.5"]) == ("fail", "pass")
    # a round under the successor names it: its pre-check reads the successor's parameters
    by_name = engine.ask("eligibility", {**team_of_three, "as_of": "2027-06-30"}, params="measures-2027")
    assert by_name["policy"]["version"].startswith("measures-2027@")


def test_a_studio_recognised_in_2026_and_revoked_in_2027_recovers_money_paid_under_both(cast, unit_a, monkeypatch):
    from tests.factories.money import published_grade

    add_successor(cast)
    answer = engine.ask(
        "funding",
        {
            "as_of": "2027-08-01",
            "recognized_on": "2026-03-01",
            "assessments": [{"year": 2026, "grade": "excellent", "on": "2027-01-20"}],
            "revoked_on": "2027-08-01",
        },
    )
    assert [(a["clause"], a["amount"]) for a in answer["awards"]] == [("14.1", "200000.00"), ("14.2", "150000.00")]
    assert answer["recovery"]["amount"] == "350000.00" and answer["net"] == "0.00"
    assert [x["name"] for x in answer["versions"]] == ["measures-2026-draft", "measures-2027"]
    # the platform's grants: the reward approved on the successor's date carries the successor's amount
    studio = make_studio(unit_a, recognized_on=date(2026, 3, 1), approver=cast["approver"])
    published_grade(studio, 2026, on=date(2027, 1, 18))
    # the reward is approved on its own date (no money is dated after the day it is entered)
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(datetime(2027, 1, 20, 10)))
    reward = funding.award_grant(studio, "excellent", on=date(2027, 1, 20), year=2026, actor=cast["approver"])
    assert reward.amount == Decimal("150000.00")


# ---------------------------------------------------------------- Art. 20 with no successor


def test_no_grant_is_approved_after_the_validity(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    with pytest.raises(funding.FundingError, match="第20条"):
        funding.award_grant(studio, "excellent", on=date(2027, 1, 11), year=2026, actor=cast["approver"])
    assert not Grant.objects.filter(kind="excellent").exists()


def test_no_round_opens_after_the_validity(cast):
    from masterstudio.applications import services as applications
    from masterstudio.applications.forms import RoundForm
    from masterstudio.applications.models import Round

    tz = timezone.get_current_timezone()
    # a form told of a longer version (as a stale page would be): the service still refuses
    form = RoundForm(
        {
            "year": 2027,
            "title": "2027年度申报",
            "opens_at": "2027-01-05T09:00",
            "closes_at": "2027-02-28T17:00",
            "guide": "指南",
            "policy_version": "measures-2026-draft",
        },
        policy_versions={"measures-2026-draft": "2027-12-31"},
    )
    assert form.is_valid(), form.errors
    with pytest.raises(applications.ApplyError, match="第20条"):
        applications.save_round(form.save(commit=False), actor=cast["approver"])
    assert not Round.objects.exists()
    inside = RoundForm(
        {
            "year": 2026,
            "title": "2026年度申报",
            "opens_at": "2026-12-05T09:00",
            "closes_at": "2027-01-08T17:00",
            "guide": "指南",
            "policy_version": "measures-2026-draft",
        },
        policy_versions={"measures-2026-draft": "2027-01-10"},
    )
    assert inside.is_valid(), inside.errors
    round_ = applications.save_round(inside.save(commit=False), actor=cast["approver"])
    assert timezone.localtime(round_.closes_at, tz).date() == date(2027, 1, 8)


def test_no_summary_year_is_created_for_a_year_the_measures_do_not_cover(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    with pytest.raises(summaries.SummaryError, match="第20条"):
        summaries.get_or_start(studio, 2027, actor=cast["leader"])
    assert summaries.get_or_start(studio, 2026, actor=cast["leader"]).year == 2026


def test_no_assessment_year_is_opened_for_a_year_the_measures_do_not_cover(cast):
    with pytest.raises(assessments.AssessmentError, match="第20条"):
        open_year(2027, cast["reviewer"])
    from masterstudio.assessments.models import AssessmentYear

    assert not AssessmentYear.objects.exists()


def test_a_rectification_deadline_after_the_validity_is_set_with_a_warning(cast, unit_a):
    from tests.factories.studio_life import make_expert

    make_expert("专家一")
    studio = make_studio(unit_a, approver=cast["approver"])
    ay = open_year(2025, cast["reviewer"])
    score_all(ay, {studio.pk: 10})
    assessments.compute(ay, actor=cast["reviewer"])
    result = assessments.review(
        ay.results.get(),
        grade=Grade.UNQUALIFIED,
        reason="",
        rectify_deadline=date(2027, 3, 1),
        rectify_actions="补齐带徒记录",
        actor=cast["reviewer"],
    )
    assert result.rectify_deadline == date(2027, 3, 1)
    assert "第20条" in result.art20_warning and "2027-01-10" in result.art20_warning
    inside = assessments.review(
        ay.results.get(),
        grade=Grade.UNQUALIFIED,
        reason="",
        rectify_deadline=date(2027, 1, 5),
        rectify_actions="补齐带徒记录",
        actor=cast["reviewer"],
    )
    assert inside.art20_warning == ""


def test_a_notice_period_ending_after_the_validity_is_published_with_a_warning(cast, unit_a, unit_b, monkeypatch):
    from masterstudio.core.models import Event
    from masterstudio.notices import services as notices
    from tests.factories import selecting as f

    a, _ = f.two_proposed(cast, unit_a, unit_b)
    days = [date(2027, 1, 7), date(2027, 1, 8), date(2027, 1, 11), date(2027, 1, 12), date(2027, 1, 13)]
    monkeypatch.setattr(notices, "notice_days", lambda start: days)
    notice = notices.publish(a.round, actor=cast["approver"], now=timezone.make_aware(datetime(2027, 1, 7, 9)))
    assert notice.ends_on == date(2027, 1, 13)
    assert "第20条" in notice.art20_warning and "公示期截止日" in notice.art20_warning
    assert Event.objects.get(action="notice.published").data["art20_warning"] == notice.art20_warning


def test_the_countdown_shows_from_30_days_before_and_what_happens_then(cast, client):
    assert versions.expiry_notice(date(2026, 12, 10)) is None
    notice = versions.expiry_notice(date(2026, 12, 11))
    assert (notice["days_left"], notice["valid_until"], notice["expired"]) == (30, date(2027, 1, 10), False)
    assert versions.expiry_notice(date(2027, 1, 11))["expired"] is True
    client.force_login(cast["reviewer"])
    today = timezone.localdate()
    page = client.get("/manage/").content.decode()
    if (date(2027, 1, 10) - today).days <= 30:
        assert "还剩" in page and "不能开放新的申报批次" in page
    # a confirmed successor following on the next day ends the countdown
    add_successor(cast)
    assert versions.expiry_notice(date(2026, 12, 11)) is None


def test_the_countdown_is_on_the_home_page_and_the_staff_workbench(cast, client, monkeypatch):
    soon = {
        "expired": False,
        "valid_until": date(2027, 1, 10),
        "days_left": 12,
        "title": "试行办法",
        "consequences": versions.EXPIRY_CONSEQUENCES,
    }
    monkeypatch.setattr("masterstudio.policytools.templatetags.policy_versions.expiry_notice", lambda: soon)
    home = client.get("/").content.decode()
    assert "还剩 12 天" in home and "不能审定新的资助或奖励" in home
    client.force_login(cast["reviewer"])
    assert "还剩 12 天" in client.get("/manage/").content.decode()


def test_records_stay_readable_and_exportable_after_the_validity(cast, unit_a, client, monkeypatch):
    studio = make_studio(unit_a, approver=cast["approver"])
    after = timezone.make_aware(datetime(2027, 2, 1, 10))
    monkeypatch.setattr(timezone, "now", lambda: after)
    assert timezone.localdate() == date(2027, 2, 1)
    client.force_login(cast["approver"])
    assert "已于 2027-01-10 届满" in client.get("/manage/").content.decode()
    for url in ("/funding/", f"/studios/{studio.pk}/", "/studios/", "/manage/policy/versions/"):
        assert client.get(url).status_code == 200, url
    export = client.get("/funding/?format=xlsx")
    assert export.status_code == 200 and export["Content-Type"] == XLSX and export.content[:2] == b"PK"


def test_staff_enter_a_version_on_the_page_and_see_the_preview(cast, client):
    client.force_login(cast["reviewer"])
    page = client.get("/manage/policy/versions/new/")
    assert page.status_code == 200 and "initial_grant_amount" in page.content.decode()
    import yaml

    data = {
        "name": "measures-2027",
        "title": "2027 年版",
        "document": "",
        "effective_from": "2027-01-11",
        "text": SUCCESSOR_TEXT,
        "parameters": yaml.safe_dump(successor_entries(), allow_unicode=True),
    }
    preview = client.post("/manage/policy/versions/new/", {**data, "preview": "1"})
    assert "影响预览" in preview.content.decode() and not PolicyVersion.objects.exists()
    saved = client.post("/manage/policy/versions/new/", {**data, "save": "1"})
    row = PolicyVersion.objects.get()
    assert saved.status_code == 302 and row.state == VersionState.PROPOSED
    bad = client.post(
        "/manage/policy/versions/new/", {**data, "name": "measures-2028", "parameters": "a: [", "save": "1"}
    )
    assert "YAML" in bad.content.decode() and "measures-2028" in bad.content.decode()
    client.force_login(cast["approver"])
    client.post(f"/manage/policy/versions/{row.pk}/confirm/")
    row.refresh_from_db()
    assert row.state == VersionState.SCHEDULED
    assert timedelta(0) <= timezone.now() - row.confirmed_at < timedelta(minutes=5)

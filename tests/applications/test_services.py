"""Services of the applying capability, rule by rule (issue 4)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from masterstudio.applications import facts, services
from masterstudio.applications.models import Application, AppState, Material, TeamMember
from masterstudio.applications.wizard import read_draft
from masterstudio.core import transitions
from masterstudio.core.models import Notification
from tests.constraints import violates
from tests.factories import make_person
from tests.factories.applications import (
    make_people,
    make_round,
    pdf_bytes,
    ready_application,
    upload,
    wizard_data,
)

pytestmark = pytest.mark.django_db


def test_draft_precheck_is_the_engines_answer_clause_by_clause(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    clauses = [c["clause"] for c in app.precheck["checks"]]
    assert clauses[:5] == ["4.1", "4.2", "4.3", "4.4", "4.5"]
    assert {"5.1", "5.2", "5.3", "7.1", "7.2", "20"} <= set(clauses)
    assert app.precheck_outcome == "eligible"
    assert app.precheck["as_of"] == facts.round_reference_date(app.round).isoformat()


def test_engine_input_carries_leader_team_and_unit_facts(cast, unit_a):
    leader, team = make_people(unit_a)
    app = ready_application(unit_a, cast["unit_a"], leader=leader, team=team)
    data = facts.build_input(app)
    assert data["leader"]["id_number"] == leader.id_number
    assert data["leader"]["birth_date"] == "1975-03-08"
    assert data["leader"]["gender"] == "male"
    assert data["leader"]["occupation_code"] == "6-18-01-01"
    assert data["leader"]["occupation_name"] == "车工"
    assert data["leader"]["frontline_years"] == 22
    assert data["leader"]["practical_mastery"] is None
    assert [m["name"] for m in data["team"]] == [p.name for p in team]
    assert data["unit"]["credit_code"] == unit_a.credit_code
    assert data["unit"]["has_facilities"] is True
    assert data["unit"]["branch"] is None


def test_findings_replace_declarations(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    _, result = facts.precheck(app, findings={"unit.has_facilities": False})
    assert result["outcome"] == "ineligible"
    assert "4.4" in result["failed_clauses"]


def test_reference_date_is_the_rounds_closing_day_in_shanghai(db):
    closes = timezone.make_aware(datetime(2026, 7, 1, 0, 0))
    round_ = make_round(opens_at=closes - timedelta(days=30), closes_at=closes)
    assert facts.round_reference_date(round_).isoformat() == "2026-06-30"


def test_submit_gives_receipt_and_freezes_snapshot(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    snapshot = services.submit(app.pk, actor=cast["unit_a"])
    app.refresh_from_db()
    assert app.state == AppState.SUBMITTED
    assert app.receipt_no == f"JK2026-{app.pk:06d}" == snapshot.receipt_no
    assert snapshot.version == 1
    assert snapshot.precheck["outcome"] == "eligible"
    assert {m["item"] for m in snapshot.materials} == {"9.1.1", "9.1.2", "9.1.3", "9.1.4"}
    assert snapshot.facts["leader"]["name"] == app.leader.name
    assert app.leader_key == app.leader.id_index
    titles = list(Notification.objects.filter(recipient=cast["unit_a"]).values_list("title", flat=True))
    assert titles == [f"申报已提交，受理编号 {app.receipt_no}"]
    assert Notification.objects.filter(recipient=cast["reviewer"], key="application_received").count() == 1


def test_frozen_after_submission(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    services.submit(app.pk, actor=cast["unit_a"])
    with pytest.raises(services.ApplyError, match="已冻结"):
        services.save_draft(app.pk, read_draft(wizard_data(), unit=unit_a), actor=cast["unit_a"])
    with pytest.raises(services.ApplyError, match="已冻结"):
        services.upload_materials(app.pk, "9.1.1", [upload("a.pdf", pdf_bytes())], actor=cast["unit_a"])
    material = app.materials.first()
    with pytest.raises(services.ApplyError, match="已冻结"):
        services.remove_material(material.pk, actor=cast["unit_a"])


def test_submit_refused_without_required_materials(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"], materials=False)
    with pytest.raises(services.ApplyError) as exc:
        services.submit(app.pk, actor=cast["unit_a"])
    assert "第9.1.1条：请上传“领办人国家职业资格或技能等级证书等证明材料”" in exc.value.messages
    app.refresh_from_db()
    assert app.state == AppState.DRAFT


def test_submit_refused_when_a_clause_fails(cast, unit_a):
    leader, _ = make_people(unit_a)
    two = [make_person(unit_a, f"成员{i}", f"1990-01-0{i + 1}", seq=50 + i) for i in range(2)]
    app = ready_application(unit_a, cast["unit_a"], leader=leader, team=two)
    assert app.precheck_outcome == "ineligible"
    with pytest.raises(services.ApplyError) as exc:
        services.submit(app.pk, actor=cast["unit_a"])
    assert any(m.startswith("第4.5条：") for m in exc.value.messages)


def test_undetermined_may_be_submitted(cast, unit_a):
    """Art. 6(二) practical mastery is for experts (interpretation 3): unknown does not block."""
    app = ready_application(
        unit_a,
        cast["unit_a"],
        route="unlisted",
        occupation_code="",
        occupation_name="工业机器人系统运维（新工种）",
        skill_level="",
        certificate_no="",
    )
    assert app.precheck_outcome == "undetermined"
    assert "6.2" in app.precheck["unknown_clauses"]
    services.submit(app.pk, actor=cast["unit_a"])
    app.refresh_from_db()
    assert app.state == AppState.SUBMITTED


def test_submit_requires_the_core_facts(cast, unit_a):
    round_ = make_round()
    app = services.start_application(unit=unit_a, round_=round_, actor=cast["unit_a"])
    with pytest.raises(services.ApplyError, match="尚不完整"):
        services.submit(app.pk, actor=cast["unit_a"])


def test_closed_round_refuses_new_applications_and_edits(cast, unit_a):
    closed = make_round(open_now=False, title="2026年度已截止批次")
    with pytest.raises(services.ApplyError, match="不在申报时间内"):
        services.start_application(unit=unit_a, round_=closed, actor=cast["unit_a"])
    app = ready_application(unit_a, cast["unit_a"])
    app.round.closes_at = timezone.now() - timedelta(minutes=1)
    app.round.save()
    with pytest.raises(services.ApplyError, match="已于 .* 截止"):
        services.save_draft(app.pk, read_draft(wizard_data(), unit=unit_a), actor=cast["unit_a"])
    with pytest.raises(services.ApplyError, match="截止"):
        services.submit(app.pk, actor=cast["unit_a"])


def test_only_the_units_own_account_edits(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    for who in ("unit_b", "leader", "reviewer"):
        with pytest.raises(services.ApplyError, match="单位账号"):
            services.save_draft(app.pk, read_draft(wizard_data(), unit=unit_a), actor=cast[who])


# ---------------------------------------------------------------- Art. 7


def test_art7_same_leader_in_the_same_round_fails_precheck_and_submission(cast, unit_a):
    leader, team = make_people(unit_a)
    first = ready_application(unit_a, cast["unit_a"], leader=leader, team=team)
    services.submit(first.pk, actor=cast["unit_a"])
    second = ready_application(
        unit_a, cast["unit_a"], first.round, leader=leader, team=team, occupation_code="6-18-01-02"
    )
    assert "7.1" in second.precheck["failed_clauses"]
    with pytest.raises(services.ApplyError) as exc:
        services.submit(second.pk, actor=cast["unit_a"])
    assert any(m.startswith("第7.1条") for m in exc.value.messages)


def test_art7_same_unit_and_occupation_fails(cast, unit_a):
    leader, team = make_people(unit_a)
    first = ready_application(unit_a, cast["unit_a"], leader=leader, team=team)
    services.submit(first.pk, actor=cast["unit_a"])
    other_leader, other_team = make_people(unit_a, prefix="乙", seq_base=100)
    second = ready_application(unit_a, cast["unit_a"], first.round, leader=other_leader, team=other_team)
    assert "7.2" in second.precheck["failed_clauses"]


def test_art7_branch_is_a_separate_scope(cast, unit_a):
    branch = unit_a.branches.create(name="亦庄二分厂")
    leader, team = make_people(unit_a)
    first = ready_application(unit_a, cast["unit_a"], leader=leader, team=team)
    services.submit(first.pk, actor=cast["unit_a"])
    other_leader, other_team = make_people(unit_a, prefix="乙", seq_base=100)
    second = ready_application(
        unit_a, cast["unit_a"], first.round, leader=other_leader, team=other_team, scope=str(branch.pk)
    )
    assert second.precheck_outcome == "eligible"
    assert {c["clause"] for c in second.precheck["checks"]} >= {"7.3"}
    services.submit(second.pk, actor=cast["unit_a"])


def test_art7_against_a_live_studio(cast, unit_a):
    from masterstudio.studios.models import Studio

    leader, team = make_people(unit_a)
    Studio.objects.create(
        unit=unit_a,
        leader=leader,
        occupation_code="6-18-01-02",
        occupation_name="铣工",
        name="张领办铣工工作室",
        nameplate_no="JK-2025-001",
        recognized_on="2025-09-01",
        leader_key=leader.id_index,
        scope_key="unit:x|branch:0|occ:6-18-01-02",
    )
    app = ready_application(unit_a, cast["unit_a"], leader=leader, team=team)
    assert "7.1" in app.precheck["failed_clauses"]
    with pytest.raises(services.ApplyError):
        services.submit(app.pk, actor=cast["unit_a"])


def test_art7_submission_re_evaluates_a_stale_precheck(cast, unit_a):
    """Two drafts for one leader both pass the pre-check while neither is submitted; submitting
    the second re-evaluates against the register and refuses it on 7.1."""
    leader, team = make_people(unit_a)
    first = ready_application(unit_a, cast["unit_a"], leader=leader, team=team)
    second = ready_application(
        unit_a, cast["unit_a"], first.round, leader=leader, team=team, occupation_code="6-18-01-02"
    )
    assert first.precheck_outcome == second.precheck_outcome == "eligible"
    services.submit(first.pk, actor=cast["unit_a"])
    with pytest.raises(services.ApplyError) as exc:
        services.submit(second.pk, actor=cast["unit_a"])
    assert any(m.startswith("第7.1条") for m in exc.value.messages)
    assert Application.objects.filter(state=AppState.SUBMITTED).count() == 1


def test_art7_holds_in_the_database_itself(cast, unit_a):
    from django.db import IntegrityError, transaction

    leader, team = make_people(unit_a)
    first = ready_application(unit_a, cast["unit_a"], leader=leader, team=team)
    services.submit(first.pk, actor=cast["unit_a"])
    first.refresh_from_db()
    second = ready_application(
        unit_a, cast["unit_a"], first.round, leader=leader, team=team, occupation_code="6-18-01-02"
    )
    with (
        pytest.raises(IntegrityError, match=violates(Application, "app_one_open_per_leader_per_round")),
        transaction.atomic(),
        transitions.seed("test: the database's own Art. 7 check"),
    ):
        Application.objects.filter(pk=second.pk).update(
            state=AppState.SUBMITTED, leader_key=first.leader_key, scope_key="unit:other|branch:0|occ:x"
        )
    with (
        pytest.raises(IntegrityError, match=violates(Application, "app_one_open_per_scope_per_round")),
        transaction.atomic(),
        transitions.seed("test: the database's own Art. 7 check"),
    ):
        Application.objects.filter(pk=second.pk).update(
            state=AppState.SUBMITTED, leader_key="another", scope_key=first.scope_key
        )


# ---------------------------------------------------------------- withdraw, supplement


def test_withdraw_releases_the_art7_keys(cast, unit_a):
    leader, team = make_people(unit_a)
    first = ready_application(unit_a, cast["unit_a"], leader=leader, team=team)
    services.submit(first.pk, actor=cast["unit_a"])
    services.withdraw(first.pk, actor=cast["unit_a"], reason="领办人调岗")
    first.refresh_from_db()
    assert first.state == AppState.WITHDRAWN
    second = ready_application(unit_a, cast["unit_a"], first.round, leader=leader, team=team)
    services.submit(second.pk, actor=cast["unit_a"])


def test_withdraw_refused_after_review_ends(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    services.submit(app.pk, actor=cast["unit_a"])
    with transitions.seed("test fixture: an application already past the expert review"):
        Application.objects.filter(pk=app.pk).update(state=AppState.EVALUATION)
    with pytest.raises(services.ApplyError, match="不能撤回"):
        services.withdraw(app.pk, actor=cast["unit_a"])
    with pytest.raises(services.ApplyError, match="只有申报单位"):
        services.withdraw(app.pk, actor=cast["unit_b"])


def test_supplement_round_trip_keeps_every_version(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    services.submit(app.pk, actor=cast["unit_a"])
    services.start_material_review(app.pk, actor=cast["reviewer"])
    with pytest.raises(services.ApplyError, match="至少对一项"):
        services.return_for_supplement(app.pk, actor=cast["reviewer"], comment="", items={"9.1.1": " "})
    request = services.return_for_supplement(
        app.pk, actor=cast["reviewer"], comment="请补正", items={"9.1.1": "证书复印件不清晰", "team": ""}
    )
    assert request.items == [{"item": "9.1.1", "comment": "证书复印件不清晰"}]
    app.refresh_from_db()
    assert app.state == AppState.SUPPLEMENT
    note = Notification.objects.get(recipient=cast["unit_a"], key="application_supplement")
    assert "9.1.1：证书复印件不清晰" in note.body
    old = app.materials.get(item="9.1.1")
    services.remove_material(old.pk, actor=cast["unit_a"])
    services.upload_materials(app.pk, "9.1.1", [upload("清晰证书.pdf", pdf_bytes("证书"))], actor=cast["unit_a"])
    services.submit(app.pk, actor=cast["unit_a"])
    app.refresh_from_db()
    assert app.state == AppState.SUBMITTED
    assert app.version == 2
    v1, v2 = app.snapshots.order_by("version")
    assert v1.receipt_no == v2.receipt_no == app.receipt_no
    assert [m["name"] for m in v1.materials if m["item"] == "9.1.1"] == ["9.1.1.pdf"]
    assert [m["name"] for m in v2.materials if m["item"] == "9.1.1"] == ["清晰证书.pdf"]
    assert Material.objects.get(pk=old.pk).file.storage.exists(old.file.name)  # v1's file is kept
    request.refresh_from_db()
    assert request.resolved_at is not None


def test_only_reviewers_return_for_supplement(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    services.submit(app.pk, actor=cast["unit_a"])
    with pytest.raises(services.ApplyError, match="业务审核"):
        services.start_material_review(app.pk, actor=cast["finance"])


# ---------------------------------------------------------------- reuse


def test_new_application_copies_facts_and_still_valid_materials(cast, unit_a):
    leader, team = make_people(unit_a)
    last = ready_application(unit_a, cast["unit_a"], leader=leader, team=team)
    services.upload_materials(last.pk, "4.3", [upload("制度.pdf", pdf_bytes())], actor=cast["unit_a"])
    services.submit(last.pk, actor=cast["unit_a"])
    services.start_material_review(last.pk, actor=cast["reviewer"])
    services.return_for_supplement(last.pk, actor=cast["reviewer"], comment="", items={"9.1.3": "照片看不清"})
    services.withdraw(last.pk, actor=cast["unit_a"])
    new_round = make_round(year=2027, title="2027年度申报")
    app = services.start_application(unit=unit_a, round_=new_round, actor=cast["unit_a"])
    assert app.copied_from_id == last.pk
    assert app.leader_id == leader.pk
    assert list(TeamMember.objects.filter(application=app).values_list("person_id", flat=True)) == [p.pk for p in team]
    assert app.occupation_code == "6-18-01-01"
    copied = {m["item"] for m in app.copy_report["materials"]}
    assert copied == {"4.3", "9.1.1", "9.1.2", "9.1.4"}
    assert app.copy_report["skipped"] == [
        {"item": "9.1.3", "name": "9.1.3.pdf", "why": "社会事业局曾要求补正此项，请重新上传"}
    ]
    assert app.materials.count() == 4
    assert app.precheck_outcome == "eligible"


def test_reuse_drops_a_leader_who_left(cast, unit_a):
    leader, team = make_people(unit_a)
    last = ready_application(unit_a, cast["unit_a"], leader=leader, team=team)
    leader.employed = False
    leader.left_on = "2026-01-31"
    leader.save()
    app = services.start_application(unit=unit_a, round_=last.round, actor=cast["unit_a"])
    assert app.leader_id is None
    assert "leader" not in app.draft


def test_the_leaders_account_hears_what_is_told_to_the_unit(cast, unit_a):
    """Issue 19.3: every notice to the applying unit goes to ``User.unit_recipients`` — its unit and
    leader accounts — the submission and the withdrawal as much as review's steps."""
    app = ready_application(unit_a, cast["unit_a"])
    services.submit(app.pk, actor=cast["unit_a"])
    app.refresh_from_db()
    for who in ("unit_a", "leader"):
        titles = list(Notification.objects.filter(recipient=cast[who]).values_list("title", flat=True))
        assert titles == [f"申报已提交，受理编号 {app.receipt_no}"], who
    services.withdraw(app.pk, actor=cast["unit_a"], reason="材料需重新准备")
    assert Notification.objects.filter(recipient=cast["leader"], key="application_withdrawn").count() == 1
    assert not Notification.objects.filter(recipient=cast["unit_b"]).exists()

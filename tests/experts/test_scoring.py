from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from masterstudio.applications.models import Application
from masterstudio.experts import selectors
from masterstudio.experts.models import Assignment, Expert
from masterstudio.experts.services import ScoringError, ScoringValidation
from masterstudio.experts.services.draws import replay_draw
from masterstudio.experts.services.panels import save_rubric
from masterstudio.experts.services.tasks import NO_CONFLICT, declare, save_scores
from masterstudio.reviews.services import ReviewError
from masterstudio.reviews.services.scoring import finish_expert_review
from tests.factories import selecting as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert_stage(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.pass_material_review(application, cast["reviewer"])
    f.pass_site_inspection(application, cast["reviewer"])
    f.make_rubric(application.round)
    experts = [f.make_expert(f"e{i}", name=f"专家{i}") for i in range(4)]
    conflicted = f.make_expert("conflicted", name="同单位专家", employer=unit_a.name)
    past = f.make_expert("former", name="前员工专家", past=[unit_a.credit_code])
    related = f.make_expert("related", name="关联专家", relations=[unit_a.name])
    other_field = f.make_expert("welder", name="焊工专家", fields=["6-19"])
    return {
        "application": application,
        "experts": experts,
        "conflicted": conflicted,
        "past": past,
        "related": related,
        "other_field": other_field,
    }


def test_draw_excludes_conflicts_and_other_fields_with_reasons(expert_stage, cast):
    draw = f.draw_panel([expert_stage["application"]], cast["reviewer"], size=3, seed="s1")
    excluded = {row["name"]: row["reasons"] for row in draw.excluded}
    assert excluded["同单位专家"] == [f"利益冲突：与申报单位为同一单位（{expert_stage['application'].unit.name}）"]
    assert "曾在申报单位任职" in excluded["前员工专家"][0]
    assert "已申报与申报单位存在利害关系" in excluded["关联专家"][0]
    assert excluded["焊工专家"] == ["专业领域与申报职业不符"]
    chosen = set(Assignment.objects.values_list("expert__name", flat=True))
    assert len(chosen) == 3 and chosen <= {"专家0", "专家1", "专家2", "专家3"}


def test_draw_is_reproducible_from_its_record(expert_stage, cast):
    draw = f.draw_panel([expert_stage["application"]], cast["reviewer"], size=3, seed="fixed-seed")
    assert replay_draw(draw)
    draw.chosen = (
        [e.pk for e in expert_stage["experts"][:3]]
        if sorted(draw.chosen) != sorted(e.pk for e in expert_stage["experts"][:3])
        else [e.pk for e in expert_stage["experts"][1:]]
    )
    assert not replay_draw(draw)


def test_draw_refuses_when_too_few_experts_qualify(expert_stage, cast):
    with pytest.raises(ReviewError, match="仅 4 人，不足 5 人"):
        f.draw_panel([expert_stage["application"]], cast["reviewer"], size=5)
    assert not Assignment.objects.exists()


def test_load_cap_excludes_busy_expert(expert_stage, cast):
    Expert.objects.filter(name="专家0").update(max_per_year=1)
    first = f.draw_panel([expert_stage["application"]], cast["reviewer"], size=4, seed="a")
    assert len(first.chosen) == 4
    other = f.submitted_application(
        cast["unit_b"].unit, cast["unit_b"], expert_stage["application"].round, prefix="乙", seq_base=50
    )
    f.pass_material_review(other, cast["reviewer"])
    f.pass_site_inspection(other, cast["reviewer"])
    second = f.draw_panel([other], cast["reviewer"], size=3, seed="b")
    reasons = {row["name"]: row["reasons"] for row in second.excluded}
    assert reasons["专家0"] == ["已达年度评审任务上限（1 项）"]
    assert "同单位专家" not in reasons  # a conflict with unit A is no conflict with unit B


def _seat(stage, cast):
    f.draw_panel([stage["application"]], cast["reviewer"], size=3, seed="s")
    return list(Assignment.objects.select_related("expert__user", "panel__rubric"))


def test_expert_must_declare_before_scoring_and_conflict_recuses(expert_stage, cast):
    first, second, _ = _seat(expert_stage, cast)
    criteria = list(first.panel.rubric.criteria.all())
    with pytest.raises(ScoringError, match="请先声明"):
        save_scores(first, first.expert.user, {criteria[0].pk: ("20", "")}, final=False)
    declare(second, second.expert.user, conflict=True, text="申报单位负责人是本人亲属")
    second.refresh_from_db()
    assert second.state == "recused"
    with pytest.raises(ScoringError, match="已回避"):
        save_scores(second, second.expert.user, {}, final=True)


def test_scoring_refusals(expert_stage, cast):
    first, second, _ = _seat(expert_stage, cast)
    criteria = list(first.panel.rubric.criteria.all())
    declare(first, first.expert.user, conflict=False)
    with pytest.raises(ScoringError, match="不是分配给您的"):
        save_scores(first, second.expert.user, {}, final=False)
    with pytest.raises(ScoringValidation, match="评分有误") as above:
        save_scores(first, first.expert.user, {criteria[0].pk: ("31", "")}, final=False)
    assert above.value.errors[criteria[0].pk] == "得分应在 0 到 30 之间"
    raw = {c.pk: (p, "") for c, p in zip(criteria, ["10", "20", "20", "15"], strict=False)}
    with pytest.raises(ScoringValidation, match="评分有误") as low:
        save_scores(first, first.expert.user, raw, final=True)
    assert "须填写评语" in low.value.errors[criteria[0].pk]
    raw[criteria[0].pk] = ("10", "示范作用不足")
    save_scores(first, first.expert.user, raw, final=True)
    first.refresh_from_db()
    assert first.state == "submitted" and str(first.total) == "65.00"
    with pytest.raises(ScoringError, match="已提交"):
        save_scores(first, first.expert.user, raw, final=True)


def test_a_submission_from_a_stale_tab_changes_nothing(expert_stage, cast):
    """Two tabs on the same task: the second submission meets the first one's 已提交 and neither its
    scores nor its total replace the first's."""
    from masterstudio.experts.models import Score

    first, *_ = _seat(expert_stage, cast)
    criteria = list(first.panel.rubric.criteria.all())
    declare(first, first.expert.user, conflict=False)
    other_tab = Assignment.objects.select_related("expert__user", "panel__rubric").get(pk=first.pk)
    save_scores(first, first.expert.user, {c.pk: ("20", "") for c in criteria}, final=True)
    with pytest.raises(ScoringError, match="已提交"):
        save_scores(other_tab, other_tab.expert.user, {c.pk: ("15", "扣分理由") for c in criteria}, final=True)
    first.refresh_from_db()
    assert str(first.total) == "80.00" and set(Score.objects.values_list("points", flat=True)) == {20}
    assert other_tab.state == "scoring"  # the refused object is left as it was read


def test_scoring_after_the_window_is_refused(expert_stage, cast):
    first, *_ = _seat(expert_stage, cast)
    declare(first, first.expert.user, conflict=False)
    first.panel.__class__.objects.filter(pk=first.panel_id).update(
        opens_at=timezone.now() - timedelta(days=5), closes_at=timezone.now() - timedelta(minutes=1)
    )
    first.panel.refresh_from_db()
    with pytest.raises(ScoringError, match="已于 .* 截止"):
        save_scores(first, first.expert.user, {}, final=False)


def test_scores_stay_sealed_until_opened(expert_stage, cast):
    assignments = _seat(expert_stage, cast)
    f.score_all(expert_stage["application"], points=("25", "20", "20", "15"))
    panel = assignments[0].panel
    assert selectors.panel_results(panel) is None
    mine = selectors.assignments_for(assignments[0].expert.user)
    assert list(mine.values_list("pk", flat=True)) == [assignments[0].pk]
    finish_expert_review(expert_stage["application"], actor=cast["reviewer"])
    panel.refresh_from_db()
    results = selectors.panel_results(panel)
    assert str(results["summary"].value) == "80.00" and results["summary"].count == 3


def test_panel_cannot_open_while_experts_are_still_scoring(expert_stage, cast):
    assignments = _seat(expert_stage, cast)
    a = assignments[0]
    declare(a, a.expert.user, conflict=False)
    raw = {c.pk: ("20", "") for c in a.panel.rubric.criteria.all()}
    save_scores(a, a.expert.user, raw, final=True)
    with pytest.raises(ReviewError, match="还有 2 位专家未提交评分"):
        finish_expert_review(expert_stage["application"], actor=cast["reviewer"])
    assert Application.objects.get(pk=expert_stage["application"].pk).state == "expert_review"


def test_group_draw_seats_the_same_experts_on_every_panel(expert_stage, cast):
    other = f.submitted_application(
        cast["unit_b"].unit, cast["unit_b"], expert_stage["application"].round, prefix="乙", seq_base=50
    )
    f.pass_material_review(other, cast["reviewer"])
    f.pass_site_inspection(other, cast["reviewer"])
    draw = f.draw_panel([expert_stage["application"], other], cast["reviewer"], size=3, seed="group")
    seats = {}
    for a in Assignment.objects.filter(draw=draw):
        seats.setdefault(a.panel.object_id, set()).add(a.expert_id)
    assert len(seats) == 2 and len(set(map(frozenset, seats.values()))) == 1


def test_drawing_for_each_application_seats_each_its_own_experts(expert_stage, cast):
    """The evaluation page's "各自抽取": one submit, a panel and a draw per application, each screened
    against its own unit, each seed the given one plus the receipt number; an application short of
    experts is reported by name and the others are drawn all the same."""
    from django.test import Client

    from masterstudio.core.models import Event, Notification
    from tests.factories import PASSWORD

    first = expert_stage["application"]
    other = f.submitted_application(cast["unit_b"].unit, cast["unit_b"], first.round, prefix="乙", seq_base=50)
    f.pass_material_review(other, cast["reviewer"])
    f.pass_site_inspection(other, cast["reviewer"])
    client = Client()
    assert client.login(username="reviewer", password=PASSWORD)
    now = timezone.localtime()
    form = {
        "size": 3,
        "seed": "batch",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "each",
        "applications": [first.pk, other.pk],
    }
    page = client.post(f"/review/rounds/{first.round_id}/draw/", form, follow=True).content.decode()
    assert "已为 2 份申报各自抽取 3 位专家" in page
    draws = {}
    for assignment in Assignment.objects.select_related("draw"):
        draws.setdefault(assignment.panel.object_id, assignment.draw)
    first.refresh_from_db()
    other.refresh_from_db()
    assert draws[first.pk].seed == f"batch-{first.receipt_no}" and draws[other.pk].seed == f"batch-{other.receipt_no}"
    assert draws[first.pk].pk != draws[other.pk].pk and all(replay_draw(d) for d in draws.values())
    # each screened against its own unit: the same-unit expert is out for the first, not for the other
    out_first = {row["name"] for row in draws[first.pk].excluded}
    out_other = {row["name"] for row in draws[other.pk].excluded}
    assert "同单位专家" in out_first and "同单位专家" not in out_other
    assert Event.objects.filter(action="panel.drawn").count() == 2
    assert Notification.objects.filter(key="expert_assigned").count() == 6
    # five more each: too few left for either (those seated are out) — each reported, nothing written
    again = client.post(f"/review/rounds/{first.round_id}/draw/", {**form, "size": 5}, follow=True).content.decode()
    assert f"{first.receipt_no}未抽取" in again and f"{other.receipt_no}未抽取" in again
    assert Assignment.objects.count() == 6


def test_opening_every_application_scored_in_one_click(expert_stage, cast):
    """The evaluation page's "开封全部已评完的申报": the application whose experts have all submitted
    is opened and moves on, its unit told; the one still being scored stays sealed, named with why."""
    from django.test import Client

    from masterstudio.core.models import Event, Notification
    from tests.factories import PASSWORD

    first = expert_stage["application"]
    other = f.submitted_application(cast["unit_b"].unit, cast["unit_b"], first.round, prefix="乙", seq_base=50)
    f.pass_material_review(other, cast["reviewer"])
    f.pass_site_inspection(other, cast["reviewer"])
    f.draw_panel([first], cast["reviewer"], size=3, seed="one")
    f.draw_panel([other], cast["reviewer"], size=3, seed="two")
    f.score_all(first)
    client = Client()
    assert client.login(username="reviewer", password=PASSWORD)
    page = client.post(f"/review/rounds/{first.round_id}/finish-experts/", follow=True).content.decode()
    assert "已开封 1 份申报的专家评分，进入综合评议" in page
    other.refresh_from_db()
    assert f"1 份申报暂不能开封——{other.receipt_no}：尚无专家提交评分，不能开封" in page
    assert dict(Application.objects.filter(pk__in=[first.pk, other.pk]).values_list("pk", "state")) == {
        first.pk: "evaluation",
        other.pk: "expert_review",
    }
    assert Event.objects.filter(action="panel.opened").count() == 1
    assert Event.objects.filter(action="application.evaluation", object_id=str(first.pk)).count() == 1
    assert Notification.objects.filter(key="application_expert_done", recipient__unit_id=first.unit_id).exists()
    assert not Notification.objects.filter(key="application_expert_done", recipient__unit_id=other.unit_id).exists()
    # again: nothing left that is ready — said so, nothing changes
    again = client.post(f"/review/rounds/{first.round_id}/finish-experts/", follow=True).content.decode()
    assert "已开封 " not in again and "尚无专家提交评分" in again


def test_an_expert_declares_no_conflict_for_several_tasks_at_once(expert_stage, cast):
    """The tasks page: the tasks ticked, the commitment ticked, one submit — each task its own
    declaration and event, as declared one by one; without the commitment, nothing and the ticks kept."""
    from django.test import Client

    from masterstudio.core.models import Event
    from tests.factories import PASSWORD

    first = expert_stage["application"]
    other = f.submitted_application(cast["unit_b"].unit, cast["unit_b"], first.round, prefix="乙", seq_base=50)
    f.pass_material_review(other, cast["reviewer"])
    f.pass_site_inspection(other, cast["reviewer"])
    f.draw_panel([first, other], cast["reviewer"], size=3, seed="group")
    expert = Assignment.objects.select_related("expert__user").first().expert
    mine = list(Assignment.objects.filter(expert=expert).order_by("pk"))
    assert len(mine) == 2
    client = Client()
    assert client.login(username=expert.user.username, password=PASSWORD)
    page = client.get("/experts/tasks/").content.decode()
    assert "对所选任务声明无利益冲突" in page and first.unit.name in page
    refused = client.post("/experts/tasks/declare/", {"tasks": [a.pk for a in mine]})
    assert refused.status_code == 400 and "请勾选承诺" in refused.content.decode()
    assert all(f'value="{a.pk}" checked' in refused.content.decode() for a in mine)
    assert set(Assignment.objects.filter(expert=expert).values_list("state", flat=True)) == {"declaring"}
    done = client.post("/experts/tasks/declare/", {"tasks": [a.pk for a in mine], "confirm": "yes"}, follow=True)
    assert "已对 2 项评审任务声明无利益冲突" in done.content.decode()
    stored = list(Assignment.objects.filter(expert=expert).order_by("pk"))
    assert {(a.state, a.declaration) for a in stored} == {("scoring", NO_CONFLICT)}
    assert all(a.declared_at for a in stored)
    assert Event.objects.filter(action="assignment.scoring", object_id__in=[str(a.pk) for a in mine]).count() == 2
    # someone else's task, or one already declared, is refused as a whole
    theirs = Assignment.objects.exclude(expert=expert).filter(state="declaring").first()
    again = client.post("/experts/tasks/declare/", {"tasks": [mine[0].pk, theirs.pk], "confirm": "yes"})
    assert again.status_code == 400 and "不属于您" in again.content.decode()
    twice = client.post("/experts/tasks/declare/", {"tasks": [mine[0].pk], "confirm": "yes"})
    assert twice.status_code == 400 and "已声明过" in twice.content.decode()


def test_rubric_is_locked_once_scored(expert_stage, cast):
    assignments = _seat(expert_stage, cast)
    f.score_all(expert_stage["application"])
    rubric = assignments[0].panel.rubric
    with pytest.raises(ScoringError, match="不能再修改"):
        save_rubric(
            rubric, [{"title": "新项", "max_points": 10, "weight": 1, "comment_below": None, "description": ""}]
        )


def test_staff_add_an_expert_to_the_pool(cast):
    from django.test import Client

    from tests.factories import PASSWORD, make_user

    account = make_user("new_expert", "expert", display_name="新专家")
    client = Client()
    client.login(username="reviewer", password=PASSWORD)
    bad = client.post(
        "/experts/pool/new/",
        {
            "user": account.pk,
            "name": "新专家",
            "employer": "某学院",
            "title": "教授",
            "fields_text": "6-1x",
            "max_per_year": 5,
            "active": "on",
        },
    )
    assert "不是有效的职业编码前缀" in bad.content.decode()
    response = client.post(
        "/experts/pool/new/",
        {
            "user": account.pk,
            "name": "新专家",
            "employer": "某学院",
            "title": "教授",
            "fields_text": "6-18、无人机装调检修工艺师",
            "past_text": "北京亦庄测试甲有限公司",
            "relations_text": "",
            "max_per_year": 5,
            "active": "on",
        },
    )
    assert response.status_code == 302
    expert = Expert.objects.get(user=account)
    assert expert.fields == ["6-18", "无人机装调检修工艺师"] and expert.past_employers == ["北京亦庄测试甲有限公司"]
    assert expert.matches("6-18-01-01", "车工") and expert.matches("", "无人机 装调检修工艺师")
    assert not expert.matches("6-19-01-01", "焊工")
    assert expert.conflicts_with(cast["unit_a"].unit) == ["曾在申报单位任职"]

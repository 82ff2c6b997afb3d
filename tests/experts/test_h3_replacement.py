"""An expert who recuses is replaced (issue 16, point 10): staff are told, the panel shows it is
short, a replacement is drawn from the same screening (its own replayable draw record), and no
grade is computed on fewer experts than the panel's size unless staff choose it with a reason."""

from __future__ import annotations

import pytest
from django.test import Client

from masterstudio.assessments import services as assessments
from masterstudio.assessments.services import AssessmentError
from masterstudio.core.models import Event, Notification
from masterstudio.experts.models import Assignment, Draw, ScoringPanel
from masterstudio.experts.services import ScoringError
from masterstudio.experts.services.draws import draw_replacement, replay_draw
from masterstudio.experts.services.panels import panel_counts
from masterstudio.experts.services.results import accept_short
from masterstudio.experts.services.tasks import declare, save_scores
from masterstudio.reviews.services import ReviewError
from masterstudio.reviews.services.scoring import finish_expert_review
from tests.factories import selecting as f
from tests.factories.studio_life import make_expert, make_studio, open_year

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def panel(cast, unit_a, unit_b):
    first, _ = f.ready_for_experts(cast, unit_a, unit_b)
    for i in range(5):
        f.make_expert(f"e{i}", name=f"专家{i}")
    f.draw_panel([first], cast["reviewer"], size=3, seed="audit")
    return ScoringPanel.objects.get(object_id=first.pk)


def _recuse(panel):
    a = Assignment.objects.filter(panel=panel).select_related("expert__user").order_by("pk").first()
    declare(a, a.expert.user, conflict=True, text="本人曾在该单位兼职")
    return a


def test_a_recusal_tells_staff_and_the_panel_shows_it_is_short(panel, cast):
    _recuse(panel)
    note = Notification.objects.get(key="expert_recused", recipient=cast["reviewer"])
    assert "缺 1 人" in note.title and "本人曾在该单位兼职" in note.body
    assert Notification.objects.filter(key="expert_recused", recipient=cast["approver"]).exists()
    assert panel_counts([panel.pk])[panel.pk] == {
        "size": 3,
        "seated": 2,
        "recused": 1,
        "submitted": 0,
        "pending": 2,
        "short": 1,
    }
    page = _client(cast["reviewer"]).get(f"/experts/panels/{panel.pk}/").content.decode()
    assert "缺 1 人" in page and "补抽 1 位专家" in page


def test_the_replacement_comes_from_the_same_screening_and_replays(panel, cast):
    recused = _recuse(panel)
    original = Draw.objects.get()
    response = _client(cast["reviewer"]).post(f"/experts/panels/{panel.pk}/replace/", {"seed": "r1"})
    assert response.status_code == 302
    replacement = Draw.objects.exclude(pk=original.pk).get()
    assert replacement.replaces == original and replacement.size == 1 and replacement.seed == "r1"
    assert [c["id"] for c in replacement.candidates] == [c["id"] for c in original.candidates]
    chosen = set(original.chosen)
    assert not set(replacement.chosen) & chosen
    by_id = {c["id"]: c for c in replacement.candidates}
    assert "已申请回避" in by_id[recused.expert_id]["reasons"]
    assert replay_draw(replacement)
    assert panel_counts([panel.pk])[panel.pk]["short"] == 0
    assert Event.objects.filter(action="panel.replacement_drawn").get().data["replaces"] == original.pk
    with pytest.raises(ScoringError, match="无需补抽"):
        draw_replacement(panel, actor=cast["reviewer"])


def test_a_replacement_refused_for_lack_of_experts_writes_nothing(panel, cast):
    from masterstudio.experts.models import Expert

    _recuse(panel)
    Expert.objects.exclude(pk__in=Assignment.objects.filter(panel=panel).values("expert_id")).update(active=False)
    with pytest.raises(ScoringError, match="可补抽的仅 0 人，不足 1 人"):
        draw_replacement(panel, actor=cast["reviewer"])
    assert Draw.objects.count() == 1 and not Event.objects.filter(action="panel.replacement_drawn").exists()
    with pytest.raises(ScoringError, match="审核或审批职责"):
        draw_replacement(panel, actor=cast["finance"])


def test_a_short_panel_is_not_opened_until_staff_choose_it_with_a_reason(panel, cast):
    _recuse(panel)
    f.score_all(panel.subject)
    application = panel.subject
    with pytest.raises(ReviewError, match="评审组应有 3 位专家评分，仅 2 位提交（1 位回避）"):
        finish_expert_review(application, actor=cast["reviewer"])
    with pytest.raises(ScoringError, match="请填写按现有人数计算的理由"):
        accept_short(panel, reason=" ", actor=cast["reviewer"])
    response = _client(cast["reviewer"]).post(
        f"/experts/panels/{panel.pk}/accept-short/", {"reason": "专家库中同专业专家均已参评"}
    )
    assert response.status_code == 302
    panel.refresh_from_db()
    assert panel.short_reason == "专家库中同专业专家均已参评" and panel.short_accepted_by == cast["reviewer"]
    assert Event.objects.filter(action="panel.short_accepted").get().reason == "专家库中同专业专家均已参评"
    finish_expert_review(application, actor=cast["reviewer"])
    panel.refresh_from_db()
    assert panel.opened_at is not None


def test_an_assessment_grade_is_not_computed_on_a_short_panel(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    for name in ("专家一", "专家二", "专家三"):
        make_expert(name)
    ay = open_year(2026, cast["reviewer"])
    assessments.draw(ay, size=2, seed="s", actor=cast["reviewer"])
    result = ay.results.get(studio=studio)
    panel = assessments.panel_of(result)
    first, second = panel.assignments.select_related("expert__user").order_by("pk")
    declare(first, first.expert.user, conflict=True, text="与该单位有合作项目")
    declare(second, second.expert.user, conflict=False)
    criteria = list(panel.rubric.criteria.all())
    save_scores(second, second.expert.user, {c.pk: ("20", "") for c in criteria}, final=True)
    page = _client(cast["reviewer"]).get(f"/assessments/{ay.pk}/").content.decode()
    assert f'data-testid="short-{studio.pk}"' in page
    with pytest.raises(AssessmentError, match="评审组应有 2 位专家评分，仅 1 位提交"):
        assessments.compute(ay, actor=cast["reviewer"])
    draw = draw_replacement(panel, seed="x", actor=cast["reviewer"])
    third = Assignment.objects.get(draw=draw)
    declare(third, third.expert.user, conflict=False)
    save_scores(third, third.expert.user, {c.pk: ("22", "") for c in criteria}, final=True)
    assert assessments.compute(ay, actor=cast["reviewer"])["graded"] == 1

"""Factories for selecting (issue 5): submitted applications, experts, rubrics, and helpers that
drive an application through the real services step by step."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from masterstudio.applications import services as applying
from masterstudio.applications.models import Application, AppState
from masterstudio.experts.models import Assignment, Expert, Rubric
from masterstudio.experts.services.panels import save_rubric
from masterstudio.experts.services.tasks import declare, save_scores
from masterstudio.notices import services as notices
from masterstudio.reviews.services.decisions import decide
from masterstudio.reviews.services.materials import conclude_review, record_finding, set_item, start_review
from masterstudio.reviews.services.scoring import draw_for, finish_expert_review
from masterstudio.reviews.services.visits import record_visit, schedule_visit
from tests.factories import make_user
from tests.factories.applications import make_people, make_round, ready_application

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    """An aware datetime in Asia/Shanghai."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


def submitted_application(unit, user, round_=None, *, prefix: str = "", seq_base: int = 0, **data) -> Application:
    round_ = round_ or make_round()
    leader, team = make_people(unit, prefix=prefix, seq_base=seq_base)
    application = ready_application(unit, user, round_, leader=leader, team=team, **data)
    applying.submit(application.pk, actor=user)
    application.refresh_from_db()
    assert application.state == AppState.SUBMITTED, application.state
    return application


def make_expert(
    username: str,
    *,
    name: str | None = None,
    employer: str = "北京某职业技术学院",
    fields=("6-18",),
    past=(),
    relations=(),
    max_per_year: int = 10,
    **extra,
) -> Expert:
    user = make_user(username, "expert", display_name=name or username, organisation=employer)
    return Expert.objects.create(
        user=user,
        name=name or username,
        employer=employer,
        title="高级技师",
        fields=list(fields),
        past_employers=list(past),
        relations=list(relations),
        max_per_year=max_per_year,
        **extra,
    )


def make_rubric(round_, *, aggregation: str = "trimmed") -> Rubric:
    rubric = Rubric(round=round_, purpose="application", name=f"{round_.title} 评分表", aggregation=aggregation)
    return save_rubric(
        rubric,
        [
            {
                "title": "领办人技能水平与示范作用",
                "max_points": Decimal("30"),
                "weight": Decimal("1"),
                "comment_below": Decimal("15"),
                "description": "",
            },
            {
                "title": "团队与人才梯队",
                "max_points": Decimal("25"),
                "weight": Decimal("1"),
                "comment_below": None,
                "description": "",
            },
            {
                "title": "场所设备与制度",
                "max_points": Decimal("25"),
                "weight": Decimal("1"),
                "comment_below": None,
                "description": "",
            },
            {
                "title": "技术攻关与创新成果",
                "max_points": Decimal("20"),
                "weight": Decimal("1"),
                "comment_below": None,
                "description": "",
            },
        ],
    )


def pass_material_review(application, staff):
    review = start_review(application, actor=staff)
    for item in review.items.all():
        set_item(item, result="pass", comment="", actor=staff)
    review.refresh_from_db()
    if review.eligibility.get("outcome") != "eligible":
        for fact in review.eligibility.get("missing_facts", []):
            record_finding(application, fact=fact, value=True, note="材料第3页，现场核实", actor=staff)
        review.refresh_from_db()
    conclude_review(review, conclusion="pass", comment="材料齐全", actor=staff)
    application.refresh_from_db()
    return review


def pass_site_inspection(application, staff):
    visit = schedule_visit(
        application, scheduled_on=timezone.localdate(), people="王审核、李专家", contact="联系人", actor=staff
    )
    record_visit(
        visit,
        checks={"site": "yes", "equipment": "yes", "team_present": "yes", "systems_displayed": "yes"},
        findings="场所独立，设备齐全，团队在岗",
        result="pass",
        actor=staff,
    )
    application.refresh_from_db()
    return visit


def ready_for_experts(cast, unit_a, unit_b, *, third: bool = False) -> list[Application]:
    """Applications of unit A and unit B (and, with ``third``, a second one of unit A in another
    occupation) in one round, through material review and site inspection, with the round's rubric."""
    apps = [submitted_application(unit_a, cast["unit_a"])]
    apps.append(submitted_application(unit_b, cast["unit_b"], apps[0].round, prefix="乙", seq_base=50))
    if third:
        apps.append(
            submitted_application(
                unit_a, cast["unit_a"], apps[0].round, prefix="丙", seq_base=120, occupation_code="6-18-01-02"
            )
        )
    for application in apps:
        pass_material_review(application, cast["reviewer"])
        pass_site_inspection(application, cast["reviewer"])
    make_rubric(apps[0].round)
    return apps


def draw_panel(applications, staff, *, size: int = 3, seed: str = "audit-seed"):
    now = timezone.now()
    return draw_for(
        list(applications),
        size=size,
        seed=seed,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
        actor=staff,
    )


def score_all(application, points=("25", "20", "20", "15")):
    """Every expert still seated declares no conflict and submits the same scores."""
    results = []
    for assignment in Assignment.objects.filter(panel__object_id=application.pk).select_related("expert__user"):
        if assignment.state == "declaring":
            declare(assignment, assignment.expert.user, conflict=False)
        if assignment.state == "scoring":
            raw = {c.pk: (p, "") for c, p in zip(assignment.panel.rubric.criteria.all(), points, strict=False)}
            save_scores(assignment, assignment.expert.user, raw, final=True)
        results.append(assignment)
    return results


def to_evaluation(application, staff, *, experts_needed: int = 3):
    pass_material_review(application, staff)
    pass_site_inspection(application, staff)
    if not application.round.rubrics.exists():
        make_rubric(application.round)
    have = Expert.objects.count()
    for i in range(have, experts_needed):
        make_expert(f"auto_expert_{i}", name=f"专家{i}")
    draw_panel([application], staff, size=experts_needed)
    score_all(application)
    finish_expert_review(application, actor=staff)
    application.refresh_from_db()
    return application


def to_proposed(application, staff, approver, *, rank: int = 1):
    to_evaluation(application, staff)
    decide(application, outcome="propose", reason="综合评议排名靠前", rank=rank, version=0, actor=approver)
    application.refresh_from_db()
    return application


def two_proposed(cast, unit_a, unit_b):
    """Two applications of one round, of units A and B, proposed at ranks 1 and 2."""
    a = submitted_application(unit_a, cast["unit_a"])
    b = submitted_application(unit_b, cast["unit_b"], a.round, prefix="乙", seq_base=50)
    to_proposed(a, cast["reviewer"], cast["approver"], rank=1)
    to_proposed(b, cast["reviewer"], cast["approver"], rank=2)
    return a, b


def published(round_, approver, *, on: str = "2026-09-28"):
    """Publish on a given day (default: the Monday before National Day, so the period spans it) at
    9:00 — or, for today, a minute ago, so that the notice is open now whatever the hour (before
    9:00 Beijing time a notice published "today at 9:00" would not have started yet)."""
    when = at(on, 9)
    if on == timezone.localdate().isoformat():
        when = timezone.now() - timedelta(minutes=1)
    from masterstudio.notices.selectors import unfinished_applications

    # the approver has read the warning naming the round's applications still in review
    return notices.publish(
        round_, actor=approver, now=when, acknowledged=[a.pk for a in unfinished_applications(round_)]
    )


def day_after(notice) -> datetime:
    return at((notice.ends_on + timedelta(days=1)).isoformat(), 0, 10)


__all__ = [
    "at",
    "date",
    "submitted_application",
    "make_expert",
    "make_rubric",
    "pass_material_review",
    "pass_site_inspection",
    "draw_panel",
    "score_all",
    "to_evaluation",
    "to_proposed",
    "two_proposed",
    "published",
    "day_after",
    "make_round",
]

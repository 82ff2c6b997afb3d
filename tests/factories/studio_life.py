"""Factories for a studio's life after recognition: studios with their initial grant, experts,
a whole annual assessment driven through the real services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from masterstudio.assessments import services as assessments
from masterstudio.assessments.models import Grade
from masterstudio.core import transitions
from masterstudio.experts.models import Expert
from masterstudio.experts.services.tasks import declare, save_scores
from masterstudio.funding.services import award_grant, disburse
from masterstudio.studios.models import Studio
from tests.factories import make_person, make_user

_counter = {"n": 0}


def make_studio(
    unit,
    *,
    leader=None,
    recognized_on: date = date(2024, 6, 20),
    occupation_code: str = "6-18-01-01",
    occupation_name: str = "车工",
    approver=None,
    finance=None,
    paid: bool = False,
    grant: bool = True,
    leader_birth: str = "1975-03-08",
    **extra,
) -> Studio:
    _counter["n"] += 1
    n = _counter["n"]
    leader = leader or make_person(unit, f"领办人{n}", leader_birth, seq=100 + n % 390)
    with transitions.seed("test fixture: a studio created in the state the test starts from"):
        studio = Studio.objects.create(
            unit=unit,
            leader=leader,
            occupation_code=occupation_code,
            occupation_name=occupation_name,
            name=f"{leader.name}{occupation_name}技能大师工作室",
            nameplate_no=f"经开技大〔{recognized_on.year}〕{n:03d}号",
            recognized_on=recognized_on,
            leader_key=leader.id_index,
            scope_key=f"{unit.credit_code}|{n}|{occupation_code}",
            **extra,
        )
    if grant:
        initial = award_grant(studio, "initial", on=recognized_on, actor=approver, basis="首次认定（第14条）")
        if paid:
            disburse(
                initial, amount=initial.amount, paid_on=recognized_on, voucher_no=f"BF-{studio.pk}-1", actor=finance
            )
    return studio


def make_expert(name: str = "评审专家甲", *, fields=("6-18",), employer: str = "北京某职业技术学院") -> Expert:
    user = make_user(f"expert_{name}", "expert", display_name=name)
    return Expert.objects.create(user=user, name=name, employer=employer, title="高级技师", fields=list(fields))


def open_year(year: int, actor, **extra):
    now = timezone.now()
    values = dict(
        weights=["1", "1", "1", "1"],
        max_points=["25", "25", "25", "25"],
        excellent_min="90",
        qualified_min="60",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7),
        actor=actor,
    )
    values.update(extra)
    return assessments.open_year(year, **values)


def score_all(ay, points_by_studio: dict, *, experts_size: int = 1):
    """Every drawn expert declares no conflict and scores each of the four aspects with the given
    points (one number per aspect, or one number for all four)."""
    assessments.draw(ay, size=experts_size, seed="test", actor=ay.created_by)
    for result in ay.results.select_related("studio"):
        points = points_by_studio[result.studio_id]
        points = points if isinstance(points, (list, tuple)) else [points] * 4
        panel = assessments.panel_of(result)
        criteria = list(panel.rubric.criteria.all())
        for assignment in panel.assignments.select_related("expert__user"):
            user = assignment.expert.user
            declare(assignment, user, conflict=False)
            raw = {
                c.pk: (str(p), "" if p >= 15 else "扣分理由：成果不足") for c, p in zip(criteria, points, strict=False)
            }
            save_scores(assignment, user, raw, final=True)


def run_year(year: int, points_by_studio: dict, *, reviewer, approver, rectify_days: int = 90, **extra):
    """Open, score, compute, plan rectifications and publish one year. Returns (year, publication)."""
    ay = open_year(year, reviewer, **extra)
    score_all(ay, points_by_studio)
    assessments.compute(ay, actor=reviewer)
    for result in ay.results.all():
        if result.grade == Grade.UNQUALIFIED:
            assessments.review(
                result,
                grade=Grade.UNQUALIFIED,
                reason="",
                rectify_deadline=timezone.localdate() + timedelta(days=rectify_days),
                rectify_actions="补充带徒计划，每季度开展一次技艺交流",
                actor=reviewer,
            )
    ay.refresh_from_db()
    return ay, assessments.publish(ay, actor=approver)


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def at(day: date, hour: int = 9):
    """An aware datetime in Asia/Shanghai for moving the clock in tests."""
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))

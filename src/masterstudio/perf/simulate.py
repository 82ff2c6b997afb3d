"""A full simulated year through the services: the benchmark's "year" figure.

Set-up (not timed, written in bulk by the generator): units with their people and accounts, the
expert pool, the round open now with its rubric, and ``applications`` complete drafts with their
materials (what the wizard leaves behind).

Timed, every step through the same service a page calls: submission (Art. 9), material review
with the engine's re-evaluation and the checklist saved as a whole (one audit event per line), site
inspection, a random draw of three experts per application with conflict declarations and sealed
scores, the comprehensive evaluation, the public notice of 5 working days, recognition with the
Art. 14 initial grant once the notice period is over, and the annual assessment of the recognised
studios (draw, scoring, grades, publication with the 优秀 rewards and the rectifications).
Outcomes: of 1,000 applications, 10% fail material review, 5% the site inspection, the rest are
ranked and the first ``studios`` are proposed.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from masterstudio.perf.generator import Generator, Scale


def setup(applications: int, *, seed: int = 7, log=print):
    scale = Scale("simulation", units=applications, applications=applications, studios=0, experts=30,
                  ledger_entries=0, audit_events=0, scores=0, objections=0, activities_per_year=0,
                  reports_per_studio=0, notifications_per_unit=0)
    g = Generator(seed, scale, log=log, drafts_only=True)
    from django.db import transaction

    with transaction.atomic():
        for label, step in [("accounts and units", g.accounts_and_units), ("people", g.people), ("rounds", g.rounds),
                            ("experts", g.experts), ("drafts", g.applications), ("materials", g.materials)]:
            g.step(label, step)
    return g.c


def run(applications: int = 1000, studios: int = 600, *, seed: int = 7, log=print) -> dict:
    from django.contrib.contenttypes.prefetch import GenericPrefetch

    from masterstudio.applications import services as applying
    from masterstudio.applications.models import Application
    from masterstudio.experts import services as experts
    from masterstudio.experts.models import Assignment
    from masterstudio.notices import services as notices
    from masterstudio.reviews import services as reviews

    started = time.perf_counter()
    ctx = setup(applications, seed=seed, log=log)
    setup_seconds = time.perf_counter() - started
    reviewer, approver = ctx.staff["reviewer"], ctx.staff["approver"]
    round_ = ctx.rounds["open"]
    apps = list(Application.objects.filter(round=round_).select_related("round", "unit").order_by("pk"))
    phases: dict[str, float] = {}
    began = time.perf_counter()

    def phase(name, mark):
        phases[name] = round(time.perf_counter() - mark, 2)
        log(f"  {name}: {phases[name]} s")
        return time.perf_counter()

    mark = time.perf_counter()
    for app in apps:
        applying.submit(app.pk, actor=ctx.unit_users[app.unit_id])
    mark = phase("submission", mark)
    n = len(apps)
    fail_review = set(range(0, n, 10))
    fail_visit = {i for i in range(5, n, 20)}
    passed = []
    for index, app in enumerate(apps):
        # the application as each service leaves it (state, round and unit loaded) goes on to the next step
        review = reviews.start_review(app, actor=reviewer)
        app = review.application
        items = list(review.items.all())
        # the checklist saved as a whole, one result per line
        reviews.set_items(review, [(item, "fail", "证书与申报职业不符") if index in fail_review and k == 0
                                   else (item, "pass", "") for k, item in enumerate(items)], actor=reviewer)
        if index not in fail_review and review.eligibility.get("outcome") != "eligible":
            for fact in review.eligibility.get("missing_facts", []):
                review = reviews.record_finding(app, fact=fact, value=True, note="材料第3页，现场核实", actor=reviewer)
        conclusion = "fail" if index in fail_review else "pass"
        reviews.conclude_review(review, conclusion=conclusion, comment="材料审核结论", actor=reviewer)
        if conclusion == "pass":
            passed.append((index, review.application))
    mark = phase("material review", mark)
    to_experts = []
    today = timezone.localdate()
    for index, app in passed:
        visit = reviews.schedule_visit(app, scheduled_on=today, people="王审核、李专家", contact="联系人", actor=reviewer)
        failed = index in fail_visit
        reviews.record_visit(visit, checks={"site": "yes", "equipment": "yes", "team_present": "no" if failed else "yes",
                                            "systems_displayed": "yes"},
                             findings="团队成员不在岗" if failed else "场所独立，设备齐全，团队在岗",
                             result="fail" if failed else "pass", actor=reviewer)
        if not failed:
            to_experts.append(app)
    mark = phase("site inspection", mark)
    now = timezone.now()
    for app in to_experts:
        reviews.draw_for([app], size=3, seed=f"sim-{app.pk}", opens_at=now - timedelta(hours=1),
                         closes_at=now + timedelta(days=3), actor=reviewer)
    mark = phase("expert draws", mark)
    totals = {}
    # each expert's task page: the task with its panel, rubric and subject
    assignments = (Assignment.objects.filter(panel__object_id__in=[a.pk for a in to_experts],
                                             panel__rubric__purpose="application")
                   .select_related("expert__user", "panel__rubric").order_by("pk")
                   .prefetch_related("panel__rubric__criteria",
                                     GenericPrefetch("panel__subject", [Application.objects.select_related("unit")])))
    for assignment in assignments:
        user = assignment.expert.user
        experts.declare(assignment, user, conflict=False)
        criteria = list(assignment.panel.rubric.criteria.all())
        salt = (assignment.panel.object_id * 7 + assignment.expert_id) % 20
        raw = {c.pk: (str((c.max_points * Decimal(70 + salt) / 100).quantize(Decimal("0.5"))), "") for c in criteria}
        experts.save_scores(assignment, user, raw, final=True)
        totals[assignment.panel.object_id] = totals.get(assignment.panel.object_id, 0) + float(assignment.total)
    mark = phase("expert scoring", mark)
    for app in to_experts:
        reviews.finish_expert_review(app, actor=reviewer)
    ranked = sorted(to_experts, key=lambda a: (-totals.get(a.pk, 0), a.pk))
    for rank, app in enumerate(ranked, start=1):
        if rank <= studios:
            reviews.decide(app, outcome="propose", reason="综合评议排名靠前", rank=rank, version=0, actor=approver)
        else:
            reviews.decide(app, outcome="reject", reason="综合评议排名未进入拟认定名单", rank=None, version=0, actor=approver)
    mark = phase("evaluation", mark)
    notice = notices.publish(round_, actor=approver)
    mark = phase("public notice", mark)
    after = timezone.make_aware(timezone.datetime.combine(notice.ends_on + timedelta(days=1), timezone.datetime.min.time())) \
        + timedelta(minutes=10)
    closed = notices.close_due(now=after, actor=approver)
    mark = phase("recognition and initial grants", mark)
    with clock_from(after + timedelta(days=1)):  # the year goes on after the notice: assessment at its end
        graded, published = _assess(studios, reviewer, approver)
    phase("annual assessment", mark)
    seconds = time.perf_counter() - began
    states = dict(Application.objects.filter(round=round_).values_list("state").annotate(n=Count("id")))
    return {"seconds": round(seconds, 1), "setup_seconds": round(setup_seconds, 1), "phases": phases,
            "applications": n, "states": states, "recognised": len(closed["recognised"]), "award_errors": closed["errors"][:5],
            "assessed": graded, "rewards": len(published["rewards"]), "rectifications": len(published["rectifications"]),
            "reward_errors": published["reward_errors"][:5],
            "detail": f"{n} applications → {len(closed['recognised'])} studios with initial grants; {graded} studio assessments, "
                      f"{len(published['rewards'])} 优秀 rewards, {len(published['rectifications'])} rectifications"}


@contextmanager
def clock_from(start):
    """The platform's clock (``django.utils.timezone.now``, which ``localdate`` reads too) moved
    to ``start`` and running on from there: the simulation reaches the days after the notice."""
    from unittest import mock

    real = timezone.now
    offset = start - real()
    with mock.patch("django.utils.timezone.now", lambda: real() + offset):
        yield


def _assess(studios, reviewer, approver):
    from django.contrib.contenttypes.prefetch import GenericPrefetch

    from masterstudio.assessments import services as assessments
    from masterstudio.assessments.models import Grade, StudioAssessment
    from masterstudio.experts import services as experts
    from masterstudio.experts.models import Assignment
    from masterstudio.studios.models import Studio

    years = sorted(set(Studio.objects.values_list("recognized_on__year", flat=True)))
    year = years[-1]
    ay = assessments.open_year(year, weights=["1", "1", "1", "1"], max_points=["25", "25", "25", "25"], excellent_min="90",
                               qualified_min="60", opens_at=timezone.now() - timedelta(hours=1),
                               closes_at=timezone.now() + timedelta(days=7), actor=reviewer)
    assessments.draw(ay, size=3, seed="sim", actor=reviewer)
    graded = 0
    # each expert's task page: the task with its panel, rubric and subject (the studio's assessment)
    tasks: dict[int, list] = {}
    subjects = GenericPrefetch("panel__subject", [StudioAssessment.objects.select_related("studio__unit")])
    for assignment in (Assignment.objects.filter(panel__rubric=ay.rubric)
                       .select_related("expert__user", "panel__rubric")
                       .order_by("panel__object_id", "expert__name", "pk")
                       .prefetch_related("panel__rubric__criteria", subjects)):
        tasks.setdefault(assignment.panel.object_id, []).append(assignment)
    for result in ay.results.order_by("pk"):
        for assignment in tasks.get(result.pk, []):
            criteria = list(assignment.panel.rubric.criteria.all())
            user = assignment.expert.user
            experts.declare(assignment, user, conflict=False)
            base = [23, 20, 16, 12][result.pk % 4]  # 优秀, 合格, 合格, 不合格
            raw = {c.pk: (str(base), "" if base >= 15 else "扣分理由：带徒与交流活动不足") for c in criteria}
            experts.save_scores(assignment, user, raw, final=True)
        graded += 1
    assessments.compute(ay, actor=reviewer)
    for result in ay.results.all():
        if result.grade == Grade.UNQUALIFIED:
            assessments.review(result, grade=Grade.UNQUALIFIED, reason="",
                               rectify_deadline=timezone.localdate() + timedelta(days=90),
                               rectify_actions="补充带徒计划，每季度开展一次技艺交流", actor=reviewer)
    ay.refresh_from_db()
    published = assessments.publish(ay, actor=approver)
    return graded, published

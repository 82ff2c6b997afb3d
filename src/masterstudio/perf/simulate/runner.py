"""The simulated year's run: the set-up written by the generator, then each step timed, the
annual assessment at the end."""

from __future__ import annotations

import time
from datetime import timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from masterstudio.applications.models import Application
from masterstudio.assessments import services as assessments
from masterstudio.assessments.models import Grade
from masterstudio.notices import closing
from masterstudio.notices import services as notices
from masterstudio.notices.selectors import unfinished_applications
from masterstudio.perf.generator import Generator, Scale
from masterstudio.perf.simulate import steps
from masterstudio.perf.simulate.machinery import clock_from, in_parallel, refresh_statistics
from masterstudio.studios.models import Studio


def setup(applications: int, *, seed: int = 7, log=print):
    scale = Scale(
        "simulation",
        units=applications,
        applications=applications,
        studios=0,
        experts=30,
        ledger_entries=0,
        audit_events=0,
        scores=0,
        objections=0,
        activities_per_year=0,
        reports_per_studio=0,
        notifications_per_unit=0,
    )
    g = Generator(seed, scale, log=log, drafts_only=True)
    with transaction.atomic():
        for label, step in [
            ("accounts and units", g.accounts_and_units),
            ("people", g.people),
            ("rounds", g.rounds),
            ("experts", g.experts),
            ("drafts", g.applications),
            ("materials", g.materials),
        ]:
            g.step(label, step)
    return g.c


def run(applications: int = 1000, studios: int = 600, *, seed: int = 7, log=print, actors: int = 1) -> dict:

    started = time.perf_counter()
    ctx = setup(applications, seed=seed, log=log)
    setup_seconds = time.perf_counter() - started
    reviewer, approver = ctx.staff["reviewer"], ctx.staff["approver"]
    round_ = ctx.rounds["open"]
    apps = list(Application.objects.filter(round=round_).values_list("pk", "unit_id").order_by("pk"))
    phases: dict[str, float] = {}
    began = time.perf_counter()

    def phase(name, mark):
        refresh_statistics()
        phases[name] = round(time.perf_counter() - mark, 2)
        log(f"  {name}: {phases[name]} s")
        return time.perf_counter()

    refresh_statistics()

    mark = time.perf_counter()
    in_parallel(steps.submit, [(pk, ctx.unit_users[unit_id]) for pk, unit_id in apps], actors)
    mark = phase("submission", mark)
    n = len(apps)
    passed = sorted(
        in_parallel(steps.review_materials, [(index, pk, reviewer) for index, (pk, _unit) in enumerate(apps)], actors)
    )
    mark = phase("material review", mark)
    to_experts = sorted(in_parallel(steps.inspect_sites, [(index, pk, reviewer) for index, pk in passed], actors))
    mark = phase("site inspection", mark)
    now = timezone.now()
    in_parallel(steps.draw, [(pk, reviewer, now) for pk in to_experts], actors)
    mark = phase("expert draws", mark)
    totals: dict[int, float] = {}
    for object_id, total in in_parallel(steps.score_applications, steps.assignment_ids(to_experts), actors):
        totals[object_id] = totals.get(object_id, 0) + total
    mark = phase("expert scoring", mark)
    steps.finish(to_experts, reviewer)
    ranked = sorted(to_experts, key=lambda pk: (-totals.get(pk, 0), pk))
    in_parallel(steps.decide_ranked, [(pk, rank, approver, studios) for rank, pk in enumerate(ranked, start=1)], actors)
    mark = phase("evaluation", mark)

    notice = notices.publish(round_, actor=approver, acknowledged=[a.pk for a in unfinished_applications(round_)])
    mark = phase("public notice", mark)
    after = timezone.make_aware(
        timezone.datetime.combine(notice.ends_on + timedelta(days=1), timezone.datetime.min.time())
    ) + timedelta(minutes=10)
    with clock_from(after):  # the platform's clock on the day of recognition: no grant is dated after "today"
        closed = closing.close_due(now=after, actor=approver)
    mark = phase("recognition and initial grants", mark)
    with clock_from(after + timedelta(days=1)):  # the year goes on after the notice: assessment at its end
        graded, published = _assess(studios, reviewer, approver, actors)
    phase("annual assessment", mark)
    seconds = time.perf_counter() - began
    states = dict(Application.objects.filter(round=round_).values_list("state").annotate(n=Count("id")))
    return {
        "seconds": round(seconds, 1),
        "setup_seconds": round(setup_seconds, 1),
        "phases": phases,
        "actors": actors,
        "applications": n,
        "states": states,
        "recognised": len(closed["recognised"]),
        "award_errors": closed["errors"][:5],
        "assessed": graded,
        "rewards": len(published["rewards"]),
        "rectifications": len(published["rectifications"]),
        "reward_errors": published["reward_errors"][:5],
        "detail": f"{n} applications → {len(closed['recognised'])} studios with initial grants; "
        f"{graded} studio assessments, "
        f"{len(published['rewards'])} 优秀 rewards, {len(published['rectifications'])} rectifications; "
        f"{actors} acting at once",
    }


def _assess(studios, reviewer, approver, actors=1):

    years = sorted(set(Studio.objects.values_list("recognized_on__year", flat=True)))
    year = years[-1]
    ay = assessments.open_year(
        year,
        weights=["1", "1", "1", "1"],
        max_points=["25", "25", "25", "25"],
        excellent_min="90",
        qualified_min="60",
        opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=7),
        actor=reviewer,
    )
    assessments.draw(ay, size=3, seed="sim", actor=reviewer)
    results = list(ay.results.order_by("pk").values_list("pk", flat=True))
    graded = len(in_parallel(steps.score_assessments, [(ay.rubric_id, pk) for pk in results], actors))
    assessments.compute(ay, actor=reviewer)
    unqualified = list(ay.results.filter(grade=Grade.UNQUALIFIED).order_by("pk").values_list("pk", flat=True))
    in_parallel(steps.rectify, [(pk, reviewer) for pk in unqualified], actors)
    ay.refresh_from_db()
    published = assessments.publish(ay, actor=approver)
    return graded, published

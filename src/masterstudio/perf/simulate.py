"""A full simulated year through the services: the benchmark's "year" figure.

Set-up (not timed, written in bulk by the generator): units with their people and accounts, the
expert pool, the round open now with its rubric, and ``applications`` complete drafts with their
materials (what the wizard leaves behind).

Timed, every step through the same service a page calls: submission (Art. 9), material review
with the engine's re-evaluation, the checklist saved with the conclusion in one submit (one audit
event per line), site inspection, a random draw of three experts for each application (each its
own experts, drawn for a page of 50 ticked applications at a time, the evaluation page's
"各自抽取"), each expert's declaration of no conflict for their tasks at once and sealed scores,
opened together ("开封全部已评完的申报"), the comprehensive evaluation, the public notice of 5
working days, recognition with the Art. 14 initial grant once the notice period is over, and the
annual assessment of the recognised studios (draw, scoring, grades, publication with the 优秀
rewards and the rectifications).
Outcomes: of 1,000 applications, 10% fail material review, 5% the site inspection, the rest are
ranked and the first ``studios`` are proposed.

``actors``: how many people act at once. A year is not one clerk doing everything in turn: units
submit side by side on deadline day, several reviewers work through the queue, experts score in
parallel. Each step's items are dealt to ``actors`` processes (forked, each with its own database
connection, as separate app servers or workers would be) and the next step starts when all have
finished; the steps that are one call for the whole round (the notice, recognition, the
assessment draw, computation and publication) run once. With ``actors=1`` everything runs in this
process, one item after another.
"""

from __future__ import annotations

import os
import pickle
import time
import traceback
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from masterstudio.applications.models import Application
from masterstudio.applications.services import submission as applying
from masterstudio.applications.services.base import STAFF_UNREAD
from masterstudio.assessments import services as assessments
from masterstudio.assessments.models import Grade, StudioAssessment
from masterstudio.experts.models import Assignment
from masterstudio.experts.services.tasks import declare_many, save_scores
from masterstudio.notices import closing
from masterstudio.notices import services as notices
from masterstudio.notices.selectors import unfinished_applications
from masterstudio.perf.generator import Generator, Scale
from masterstudio.reviews.services.decisions import decide
from masterstudio.reviews.services.materials import conclude_review, record_finding, start_review
from masterstudio.reviews.services.scoring import draw_each_for, finish_expert_reviews
from masterstudio.reviews.services.visits import record_visit, schedule_visit
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
    from django.db import transaction

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
    in_parallel(_submit, [(pk, ctx.unit_users[unit_id]) for pk, unit_id in apps], actors)
    mark = phase("submission", mark)
    n = len(apps)
    passed = sorted(in_parallel(_review, [(index, pk, reviewer) for index, (pk, _unit) in enumerate(apps)], actors))
    mark = phase("material review", mark)
    to_experts = sorted(in_parallel(_visit, [(index, pk, reviewer) for index, pk in passed], actors))
    mark = phase("site inspection", mark)
    now = timezone.now()
    in_parallel(_draw, [(pk, reviewer, now) for pk in to_experts], actors)
    mark = phase("expert draws", mark)
    totals: dict[int, float] = {}
    for object_id, total in in_parallel(_score_applications, _assignment_ids(to_experts), actors):
        totals[object_id] = totals.get(object_id, 0) + total
    mark = phase("expert scoring", mark)
    _finish(to_experts, reviewer)
    ranked = sorted(to_experts, key=lambda pk: (-totals.get(pk, 0), pk))
    in_parallel(_decide, [(pk, rank, approver, studios) for rank, pk in enumerate(ranked, start=1)], actors)
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


def refresh_statistics() -> None:
    """PostgreSQL: what autovacuum does on a production server as tables grow — ANALYZE (the
    planner's row counts) of each table changed by more than 50 rows + 10% since its last
    analysis, autovacuum's own threshold — done at the end of each step. The PostgreSQL this
    benchmark runs on has autovacuum turned off, and a planner that believes a table with a
    thousand rows is empty picks plans that read all of them. Counted in the step's time."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname) FROM pg_stat_user_tables s "
            "JOIN pg_class c ON c.oid = s.relid "
            "WHERE s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)"
        )
        tables = [row[0] for row in cursor.fetchall()]
        if tables:
            cursor.execute("ANALYZE " + ", ".join(tables))


def in_parallel(work, items: list, actors: int) -> list:
    """``work(chunk)`` over ``items`` dealt round-robin to ``actors`` forked processes; the
    results (lists) joined. A failure in any process is raised here with its traceback."""
    if actors <= 1 or len(items) <= 1:
        return list(work(items))
    from django.db import connections

    connections.close_all()  # each process opens its own connection
    children = []
    for k in range(min(actors, len(items))):
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do its share, send back the result, leave without cleanup
            os.close(reader)
            code = 0
            try:
                payload = pickle.dumps(("ok", list(work(items[k::actors]))))
            except BaseException:
                payload, code = pickle.dumps(("error", traceback.format_exc())), 1
            try:
                connections.close_all()
                with os.fdopen(writer, "wb") as out:
                    out.write(payload)
            finally:
                os._exit(code)
        os.close(writer)
        children.append((pid, reader))
    results, failures = [], []
    for pid, reader in children:
        with os.fdopen(reader, "rb") as source:
            data = source.read()
        os.waitpid(pid, 0)
        status, value = pickle.loads(data) if data else ("error", f"process {pid} ended without a result")
        if status == "ok":
            results.extend(value)
        else:
            failures.append(value)
    if failures:
        raise RuntimeError("模拟年度的并行步骤失败：\n" + "\n".join(failures))
    return results


def _apps(pks) -> dict:
    """The applications as a staff page reads them: without the wizard's draft, the copy report and
    the stored pre-check, which no staff step reads (each service reads what it changes again)."""

    return Application.objects.select_related("round", "unit").defer(*STAFF_UNREAD).in_bulk(list(pks))


def _submit(chunk):

    for pk, user in chunk:
        applying.submit(pk, actor=user)
    return []


def _review(chunk):
    """Material review: 10% fail on the first checklist line; unknowns settled by findings."""
    from django.db.models import prefetch_related_objects

    apps = _apps(pk for _i, pk, _r in chunk)
    passed = []
    for index, pk, reviewer in chunk:
        app = apps[pk]
        failing = index % 10 == 0
        # the application as each service leaves it (state, round and unit loaded) goes on to the next step
        review = start_review(app, actor=reviewer)
        app = review.application
        if not failing and review.eligibility.get("outcome") != "eligible":
            for fact in review.eligibility.get("missing_facts", []):
                review = record_finding(app, fact=fact, value=True, note="材料第3页，现场核实", actor=reviewer)
        prefetch_related_objects([review], "items")  # the review page's checklist
        # the checklist and the conclusion in one submit (the page's "提交审核结论"), one result per line
        conclusion = "fail" if failing else "pass"
        conclude_review(
            review,
            conclusion=conclusion,
            comment="材料审核结论",
            actor=reviewer,
            results=[
                (item, "fail", "证书与申报职业不符") if failing and k == 0 else (item, "pass", "")
                for k, item in enumerate(review.items.all())
            ],
        )
        if conclusion == "pass":
            passed.append((index, pk))
    return passed


def _visit(chunk):
    """Site inspection: 5% fail (team not present)."""

    apps = _apps(pk for _i, pk, _r in chunk)
    today = timezone.localdate()
    passing = []
    for index, pk, reviewer in chunk:
        app = apps[pk]
        visit = schedule_visit(app, scheduled_on=today, people="王审核、李专家", contact="联系人", actor=reviewer)
        failed = index % 20 == 5
        record_visit(
            visit,
            checks={
                "site": "yes",
                "equipment": "yes",
                "team_present": "no" if failed else "yes",
                "systems_displayed": "yes",
            },
            findings="团队成员不在岗" if failed else "场所独立，设备齐全，团队在岗",
            result="fail" if failed else "pass",
            actor=reviewer,
        )
        if not failed:
            passing.append(pk)
    return passing


DRAW_PAGE = 50  # applications ticked on one page of the evaluation list for "各自抽取"


def _draw(chunk):
    """Each application its own three experts, drawn a page of ticked applications at a time."""

    apps = _apps(pk for pk, _r, _n in chunk)
    for start in range(0, len(chunk), DRAW_PAGE):
        page = chunk[start : start + DRAW_PAGE]
        _pk, reviewer, now = page[0]
        drawn, skipped = draw_each_for(
            [apps[pk] for pk, _r, _n in page],
            size=3,
            seed="sim",
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=3),
            actor=reviewer,
        )
        if skipped:
            raise RuntimeError(f"抽取专家未完成：{skipped[:3]}")
    return []


def _assignment_ids(application_ids) -> list[int]:

    return list(
        Assignment.objects.filter(panel__object_id__in=list(application_ids), panel__rubric__purpose="application")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _score_applications(chunk):
    """Each expert's tasks page (the tasks with their panels, rubrics and subjects), one declaration
    of no conflict for their tasks, then each task's sealed scores; (application id, total) per task."""
    from django.contrib.contenttypes.prefetch import GenericPrefetch

    subjects = GenericPrefetch("panel__subject", [Application.objects.select_related("unit")])
    assignments = list(
        Assignment.objects.filter(pk__in=chunk)
        .select_related("expert__user", "panel__rubric")
        .order_by("pk")
        .prefetch_related("panel__rubric__criteria", subjects)
    )
    _declare_by_expert(assignments)
    totals = []
    for assignment in assignments:
        user = assignment.expert.user
        criteria = list(assignment.panel.rubric.criteria.all())
        salt = (assignment.panel.object_id * 7 + assignment.expert_id) % 20
        raw = {c.pk: (str((c.max_points * Decimal(70 + salt) / 100).quantize(Decimal("0.5"))), "") for c in criteria}
        save_scores(assignment, user, raw, final=True)
        totals.append((assignment.panel.object_id, float(assignment.total)))
    return totals


def _declare_by_expert(assignments) -> None:
    """Each expert's one declaration of no conflict for their tasks on the tasks page."""

    mine: dict[int, list] = {}
    for assignment in assignments:
        mine.setdefault(assignment.expert_id, []).append(assignment)
    for tasks in mine.values():
        declare_many(tasks, tasks[0].expert.user)


def _finish(application_ids, reviewer):
    """The evaluation page's "开封全部已评完的申报": every application scored, one click."""

    apps = _apps(application_ids)
    ready, reasons = finish_expert_reviews([apps[pk] for pk in application_ids], actor=reviewer)
    if reasons:
        raise RuntimeError(f"开封专家评分未完成：{list(reasons.items())[:3]}")


def _decide(chunk):

    apps = _apps(pk for pk, *_rest in chunk)
    for pk, rank, approver, studios in chunk:
        if rank <= studios:
            decide(apps[pk], outcome="propose", reason="综合评议排名靠前", rank=rank, version=0, actor=approver)
        else:
            decide(
                apps[pk], outcome="reject", reason="综合评议排名未进入拟认定名单", rank=None, version=0, actor=approver
            )
    return []


@contextmanager
def clock_from(start):
    """The platform's clock (``django.utils.timezone.now``, which ``localdate`` reads too) moved
    to ``start`` and running on from there: the simulation reaches the days after the notice."""
    from unittest import mock

    real = timezone.now
    offset = start - real()
    with mock.patch("django.utils.timezone.now", lambda: real() + offset):
        yield


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
    graded = len(in_parallel(_score_assessments, [(ay.rubric_id, pk) for pk in results], actors))
    assessments.compute(ay, actor=reviewer)
    unqualified = list(ay.results.filter(grade=Grade.UNQUALIFIED).order_by("pk").values_list("pk", flat=True))
    in_parallel(_rectify, [(pk, reviewer) for pk in unqualified], actors)
    ay.refresh_from_db()
    published = assessments.publish(ay, actor=approver)
    return graded, published


def _score_assessments(chunk):
    """Each studio's three experts: the task page, the declaration and the scores (优秀, 合格,
    合格, 不合格 in turn); one item per studio assessed."""
    from django.contrib.contenttypes.prefetch import GenericPrefetch

    if not chunk:
        return []
    rubric_id = chunk[0][0]
    results = [pk for _r, pk in chunk]
    tasks: dict[int, list] = {}
    subjects = GenericPrefetch("panel__subject", [StudioAssessment.objects.select_related("studio__unit")])
    for assignment in (
        Assignment.objects.filter(panel__rubric_id=rubric_id, panel__object_id__in=results)
        .select_related("expert__user", "panel__rubric")
        .order_by("panel__object_id", "expert__name", "pk")
        .prefetch_related("panel__rubric__criteria", subjects)
    ):
        tasks.setdefault(assignment.panel.object_id, []).append(assignment)
    _declare_by_expert([a for result_id in results for a in tasks.get(result_id, [])])
    for result_id in results:
        for assignment in tasks.get(result_id, []):
            criteria = list(assignment.panel.rubric.criteria.all())
            user = assignment.expert.user
            base = [23, 20, 16, 12][result_id % 4]  # 优秀, 合格, 合格, 不合格
            raw = {c.pk: (str(base), "" if base >= 15 else "扣分理由：带徒与交流活动不足") for c in criteria}
            save_scores(assignment, user, raw, final=True)
    return results


def _rectify(chunk):

    found = StudioAssessment.objects.in_bulk([pk for pk, _r in chunk])
    for pk, reviewer in chunk:
        assessments.review(
            found[pk],
            grade=Grade.UNQUALIFIED,
            reason="",
            rectify_deadline=timezone.localdate() + timedelta(days=90),
            rectify_actions="补充带徒计划，每季度开展一次技艺交流",
            actor=reviewer,
        )
    return []

"""The simulated year's steps: each takes its share of the items (a chunk) and calls the same
service a page calls, item by item; what it returns is joined across the processes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import prefetch_related_objects
from django.utils import timezone

from masterstudio.applications.models import Application
from masterstudio.applications.services import submission as applying
from masterstudio.applications.services.base import STAFF_UNREAD
from masterstudio.assessments import services as assessments
from masterstudio.assessments.models import Grade, StudioAssessment
from masterstudio.experts.models import Assignment
from masterstudio.experts.services.tasks import declare_many, save_scores
from masterstudio.reviews.services.decisions import decide
from masterstudio.reviews.services.materials import conclude_review, record_finding, start_review
from masterstudio.reviews.services.scoring import draw_each_for, finish_expert_reviews
from masterstudio.reviews.services.visits import record_visit, schedule_visit


def _apps(pks) -> dict:
    """The applications as a staff page reads them: without the wizard's draft, the copy report and
    the stored pre-check, which no staff step reads (each service reads what it changes again)."""

    return Application.objects.select_related("round", "unit").defer(*STAFF_UNREAD).in_bulk(list(pks))


def submit(chunk):

    for pk, user in chunk:
        applying.submit(pk, actor=user)
    return []


def review_materials(chunk):
    """Material review: 10% fail on the first checklist line; unknowns settled by findings."""
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


def inspect_sites(chunk):
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


def draw(chunk):
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


def assignment_ids(application_ids) -> list[int]:

    return list(
        Assignment.objects.filter(panel__object_id__in=list(application_ids), panel__rubric__purpose="application")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def score_applications(chunk):
    """Each expert's tasks page (the tasks with their panels, rubrics and subjects), one declaration
    of no conflict for their tasks, then each task's sealed scores; (application id, total) per task."""
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


def finish(application_ids, reviewer):
    """The evaluation page's "开封全部已评完的申报": every application scored, one click."""

    apps = _apps(application_ids)
    ready, reasons = finish_expert_reviews([apps[pk] for pk in application_ids], actor=reviewer)
    if reasons:
        raise RuntimeError(f"开封专家评分未完成：{list(reasons.items())[:3]}")


def decide_ranked(chunk):

    apps = _apps(pk for pk, *_rest in chunk)
    for pk, rank, approver, studios in chunk:
        if rank <= studios:
            decide(apps[pk], outcome="propose", reason="综合评议排名靠前", rank=rank, version=0, actor=approver)
        else:
            decide(
                apps[pk], outcome="reject", reason="综合评议排名未进入拟认定名单", rank=None, version=0, actor=approver
            )
    return []


def score_assessments(chunk):
    """Each studio's three experts: the task page, the declaration and the scores (优秀, 合格,
    合格, 不合格 in turn); one item per studio assessed."""
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


def rectify(chunk):

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

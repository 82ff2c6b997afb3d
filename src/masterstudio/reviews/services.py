"""Art. 10 review, step by step: material review, site inspection, expert review and the
comprehensive evaluation. Every state change goes through ``APPLICATION_MACHINE``; the unit is
notified at each step it can see."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from masterstudio.applications.models import Application, AppState
from masterstudio.applications.states import APPLICATION_MACHINE
from masterstudio.core.events import appended_together, record_event, record_events
from masterstudio.core.notify import notify, notify_many
from masterstudio.reviews.models import (
    Decision,
    Finding,
    ItemResult,
    MaterialReview,
    Outcome,
    ReviewItem,
    SitePhoto,
    SiteVisit,
)


class ReviewError(Exception):
    """A refused review action; ``str(exc)`` says in Chinese what to do."""


# ---------------------------------------------------------------- notifications


def unit_recipients(application: Application):
    from masterstudio.accounts.models import User

    return User.unit_recipients([application.unit_id])


def notify_unit(key: str, **context):
    """A ``then`` callback for ``APPLICATION_MACHINE.apply``: tells the unit (in the same transaction)."""

    def callback(application, event):
        notify(
            unit_recipients(application),
            key,
            {"application": application, "reason": event.reason, "clause": event.clause, **context},
            url=reverse("applications:detail", args=[application.pk]),
        )

    return callback


def notify_units(key: str, **context):
    """A ``then`` callback for ``APPLICATION_MACHINE.apply_many``: :func:`notify_unit` for each
    application, the recipients of every unit read with one query and the rows written with one."""

    def callback(applications, events):
        from masterstudio.accounts.models import User

        accounts = User.unit_recipients_by_unit({a.unit_id for a in applications})
        notify_many(
            [
                (
                    accounts.get(application.unit_id, []),
                    key,
                    {"application": application, "reason": event.reason, "clause": event.clause, **context},
                    reverse("applications:detail", args=[application.pk]),
                )
                for application, event in zip(applications, events)
            ]
        )

    return callback


def _refresh(application: Application) -> Application:
    return Application.objects.select_related("round", "unit", "branch", "leader").get(pk=application.pk)


# ---------------------------------------------------------------- material review


def findings_of(application: Application) -> dict[str, Any]:
    return {f.fact: f.value for f in application.findings.all()}


def reevaluate(application: Application, *, findings: dict[str, Any] | None = None) -> dict:
    """Ask the engine again with the unit's declarations replaced by review findings (``findings``:
    when the caller knows them, e.g. none before the first review, which findings belong to)."""
    from masterstudio.applications.facts import precheck

    _, result = precheck(application, findings=findings_of(application) if findings is None else findings)
    return result


def _clause_title(clause: str) -> str:
    from masterstudio.policy.clauses import measures

    try:
        found = measures().clause(clause)
    except KeyError:
        return f"第{clause}条"
    return found.title or found.label or f"第{clause}条"


def _sync_items(review: MaterialReview, result: dict, *, new: bool = False) -> None:
    """One checklist line per Art. 9 material and per Art. 4–7 check the engine made (``new``: the
    review was just created and has no lines yet)."""
    lines = []
    for material in result.get("required_materials", []):
        lines.append(("material", material["clause"], material["title"], "", ""))
    for check in result.get("checks", []):
        if check["clause"].split(".")[0] in {"4", "5", "6", "7"}:
            lines.append(
                (
                    "condition",
                    check["clause"],
                    _clause_title(check["clause"]),
                    check.get("result", ""),
                    check.get("message", ""),
                )
            )
    existing = {} if new else {(i.kind, i.clause): i for i in review.items.all()}
    created, changed = [], []
    for position, (kind, clause, title, engine_result, message) in enumerate(lines):
        item = existing.get((kind, clause))
        if item is None:
            created.append(
                ReviewItem(
                    review=review,
                    kind=kind,
                    clause=clause,
                    title=title[:300],
                    engine_result=engine_result,
                    engine_message=message,
                    position=position,
                )
            )
        else:
            item.title, item.engine_result, item.engine_message, item.position = (
                title[:300],
                engine_result,
                message,
                position,
            )
            changed.append(item)
    if created:
        ReviewItem.objects.bulk_create(created)
    if changed:
        ReviewItem.objects.bulk_update(changed, ["title", "engine_result", "engine_message", "position"])


def ensure_review(application: Application, *, actor=None) -> MaterialReview | None:
    """The application's material review, created (with its checklist) on first need — also
    when the review was started from the applications pages."""
    review = getattr(application, "material_review", None)
    if application.state != AppState.MATERIAL_REVIEW:
        return review
    if review is None or review.concluded_at is not None:
        with transaction.atomic():
            review = _open_review(application, review, actor=actor)
    return review


def _open_review(
    application: Application, review: MaterialReview | None, *, actor, locked: bool = False
) -> MaterialReview:
    """The review of :func:`ensure_review` opened (created, or reopened for another round), inside
    the caller's transaction. ``locked``: the caller holds the application's row lock, so no one
    else can be creating its review at the same moment."""
    # findings are recorded in a review (record_finding): before the first one there are none
    eligibility = reevaluate(application, findings={} if review is None else None)
    created = False
    if review is None and locked:
        review = MaterialReview.objects.create(application=application, started_by=actor, eligibility=eligibility)
        created = True
    elif review is None:
        try:
            with transaction.atomic():
                review = MaterialReview.objects.create(
                    application=application, started_by=actor, eligibility=eligibility
                )
            created = True
        except IntegrityError:  # started by someone else a moment ago
            review = MaterialReview.objects.get(application=application)
    if not created:  # resubmitted after a supplement request: review again what was asked for
        review.rounds += 1
        review.conclusion, review.comment, review.concluded_at, review.concluded_by = "", "", None, None
        review.started_at, review.started_by = timezone.now(), actor
        review.items.filter(result=ItemResult.SUPPLEMENT).update(result="", comment="")
        review.eligibility = eligibility
        review.save()
    _sync_items(review, review.eligibility, new=created)
    return review


def start_review(application: Application, *, actor) -> MaterialReview:
    """submitted → material review (through the applications service, which notifies the unit);
    the checklist comes from the engine's answer."""
    from masterstudio.applications.services import ApplyError, start_material_review_within

    with transaction.atomic(), appended_together():  # one transaction for both steps (no savepoint of their own)
        try:
            application = start_material_review_within(application.pk, actor=actor, also=("material_review",))
        except ApplyError as exc:
            raise ReviewError(str(exc)) from exc
        review = getattr(application, "material_review", None)
        if review is None or review.concluded_at is not None:
            review = _open_review(application, review, actor=actor, locked=True)
        return review


def _review_open(review: MaterialReview) -> None:
    review.application.refresh_from_db(fields=["state", "version"])
    if review.application.state != AppState.MATERIAL_REVIEW:
        raise ReviewError(f"申报当前状态为“{review.application.get_state_display()}”，材料审核已结束，不能修改")


def set_item(item: ReviewItem, *, result: str, comment: str, actor) -> ReviewItem:
    return set_items(item.review, [(item, result, comment)], actor=actor)[0]


def set_items(review: MaterialReview, results, *, actor) -> list[ReviewItem]:
    """Record the result of one or more checklist lines of ``review`` (``[(item, result, comment), …]``,
    e.g. a whole checklist saved at once), each line that changed as its own ``review.item``
    event (a line saved again as it was records nothing). All or nothing: a line refused refuses
    the whole set."""
    results = _checked_results(review, results)
    _review_open(review)
    with transaction.atomic():
        _write_results(review, _changed(results), actor)
    return [item for item, _, _ in results]


def _checked_results(review: MaterialReview, results) -> list[tuple[ReviewItem, str, str]]:
    """``results`` with the comments trimmed, after checking each line belongs to ``review`` and
    carries a result (and a comment where the result is not 通过)."""
    results = [(item, result, (comment or "").strip()) for item, result, comment in results]
    for item, _, _ in results:
        if item.review_id != review.pk:
            raise ReviewError("审核项不属于本次材料审核，请刷新页面后重试")
    for item, result, comment in results:
        if result not in ItemResult.values:
            raise ReviewError(f"“{item.title}”：请选择审核结果：通过、需补正或不通过")
        if result != ItemResult.PASS and not comment:
            raise ReviewError(
                f"“{item.title}”选择“{ItemResult(result).label}”时须填写意见，告诉单位需要补正或不通过的原因"
            )
    return results


def _changed(results) -> list[tuple[ReviewItem, str, str]]:
    """The lines of ``results`` whose result or comment differs from the item as read."""
    return [
        (item, result, comment) for item, result, comment in results if (item.result, item.comment) != (result, comment)
    ]


def _write_results(review: MaterialReview, changed, actor) -> None:
    """Lines of :func:`_changed` written (one statement per distinct result and comment) with one
    event each, inside the caller's transaction; the items updated in memory."""
    if not changed:
        return
    now = timezone.now()
    groups: dict[tuple[str, str], list[int]] = {}
    for item, result, comment in changed:
        item.result, item.comment, item.updated_by, item.updated_at = result, comment, actor, now
        groups.setdefault((result, comment), []).append(item.pk)
    for (result, comment), pks in groups.items():  # all passed: one statement
        ReviewItem.objects.filter(pk__in=pks).update(result=result, comment=comment, updated_by=actor, updated_at=now)
    record_events(
        {
            "action": "review.item",
            "obj": review.application,
            "actor": actor,
            "clause": item.clause,
            "data": {"item": item.title, "result": item.result, "comment": item.comment},
        }
        for item, _, _ in changed
    )


def parse_fact_value(text: str):
    text = (text or "").strip()
    if text in ("是", "true", "True", "符合"):
        return True
    if text in ("否", "false", "False", "不符合"):
        return False
    if text.isdigit():
        return int(text)
    if not text:
        raise ReviewError("请填写认定值：是 / 否，或数字")
    return text


def record_finding(application: Application, *, fact: str, value, note: str, actor) -> MaterialReview:
    """Settle a fact (e.g. Art. 6(二) practical mastery) and re-evaluate with the engine."""
    review = MaterialReview.objects.select_related("application").get(application=application)
    _review_open(review)
    application = review.application
    if not note.strip():
        raise ReviewError("请写明认定依据（如材料页码、考察或专家意见）")
    if not fact or "." not in fact:
        raise ReviewError("请选择要认定的事实")
    with transaction.atomic(), appended_together():
        Finding.objects.update_or_create(
            application=application, fact=fact, defaults={"value": value, "note": note.strip(), "recorded_by": actor}
        )
        review.eligibility = reevaluate(application)
        review.save(update_fields=["eligibility"])
        _sync_items(review, review.eligibility)
        record_event(
            "review.finding",
            obj=application,
            actor=actor,
            clause=_fact_clause(review.eligibility, fact),
            reason=note.strip(),
            data={"fact": fact, "value": value, "outcome": review.eligibility.get("outcome")},
        )
    return review


def _fact_clause(result: dict, fact: str) -> str:
    for check in result.get("checks", []):
        if fact in (check.get("facts") or {}) or fact.split(".")[-1] in (check.get("facts") or {}):
            return check["clause"]
    return "10"


def conclude_review(review: MaterialReview, *, conclusion: str, comment: str, actor, results=None) -> MaterialReview:
    """pass → site inspection; supplement → back to the unit; fail → rejected (with the reason).
    ``results``: checklist lines saved with the conclusion, in the same transaction (as
    :func:`set_items` takes them: the whole checklist and its conclusion in one submit); refused,
    nothing of either is kept. The lines are read from ``review.items`` (prefetched, if the caller
    has them)."""
    results = _checked_results(review, results or [])
    _review_open(review)
    application = review.application
    changed = _changed(results)
    items = list(review.items.all())
    if results:  # the conclusion judged on the lines as they are about to be saved
        given = {item.pk: (item, result, text) for item, result, text in results}
        items = [given[item.pk][0] if item.pk in given else item for item in items]
        for item, result, text in results:
            item.result, item.comment = result, text
    comment = comment.strip()
    if conclusion == ItemResult.PASS:
        open_items = [i.title for i in items if i.result != ItemResult.PASS]
        if open_items:
            raise ReviewError("以下审核项尚未通过，不能作出“通过”结论：" + "；".join(open_items))
        outcome = review.eligibility.get("outcome")
        if outcome != "eligible":
            unknown = "、".join(review.eligibility.get("unknown_clauses", [])) or "—"
            raise ReviewError(
                f"引擎复核结论为“{outcome or '无法判断'}”（待认定条款：{unknown}），请先在“认定事实”中认定相关事实"
            )
        target, reason, after = AppState.SITE_INSPECTION, comment or "材料审核通过", "application_review_passed"
    elif conclusion == ItemResult.SUPPLEMENT:
        asked = [i for i in items if i.result == ItemResult.SUPPLEMENT]
        if not asked:
            raise ReviewError("退回补正须至少有一项标为“需补正”，并写明要补正的内容")
        reason = "；".join(f"{i.title}：{i.comment}" for i in asked)
        if comment:
            reason = f"{comment}。{reason}"
        target, after = AppState.SUPPLEMENT, ""
    elif conclusion == ItemResult.FAIL:
        failed = [i for i in items if i.result == ItemResult.FAIL]
        if not failed and review.eligibility.get("outcome") != "ineligible":
            raise ReviewError("不通过须至少有一项审核为“不通过”，或引擎复核结论为不符合条件")
        reason = "；".join(
            [comment] * bool(comment)
            + [f"{i.title}：{i.comment}" for i in failed]
            + [
                f"第{c['clause']}条：{c['message']}"
                for c in review.eligibility.get("checks", [])
                if c.get("result") == "fail"
            ]
        )
        target, after = AppState.REJECTED, "application_rejected"
    else:
        raise ReviewError("请选择审核结论")
    with transaction.atomic(), appended_together():
        _write_results(review, changed, actor)
        if target == AppState.SUPPLEMENT:
            from masterstudio.applications.services import ApplyError, return_for_supplement

            try:  # the applications service records the request per item and tells the unit
                return_for_supplement(
                    application.pk,
                    actor=actor,
                    comment=comment,
                    items={i.clause: f"{i.title}：{i.comment}" for i in asked},
                )
            except ApplyError as exc:
                raise ReviewError(str(exc)) from exc
        else:
            APPLICATION_MACHINE.apply(
                application,
                target,
                actor=actor,
                reason=reason,
                data={"review_round": review.rounds},
                then=[notify_unit(after)],
            )
        review.conclusion, review.comment = conclusion, comment
        review.concluded_by, review.concluded_at = actor, timezone.now()
        review.save(update_fields=["conclusion", "comment", "concluded_by", "concluded_at"])
    return review


# ---------------------------------------------------------------- site inspection


def schedule_visit(application: Application, *, scheduled_on: date, people: str, contact: str, actor) -> SiteVisit:
    if application.state != AppState.SITE_INSPECTION:
        raise ReviewError("只有处于“实地考察”阶段的申报才能安排考察")
    if not people.strip():
        raise ReviewError("请填写考察人员")
    with transaction.atomic(), appended_together():
        visit = SiteVisit.objects.create(
            application=application,
            scheduled_on=scheduled_on,
            people=people.strip(),
            contact=contact.strip(),
            scheduled_by=actor,
        )
        record_event(
            "visit.scheduled",
            obj=application,
            actor=actor,
            clause="10",
            data={"visit": visit.pk, "date": scheduled_on.isoformat(), "people": visit.people},
        )
        notify(
            unit_recipients(application),
            "visit_scheduled",
            {"application": application, "visit": visit},
            url=reverse("applications:detail", args=[application.pk]),
        )
    return visit


def record_visit(visit: SiteVisit, *, checks: dict[str, str], findings: str, result: str, actor) -> SiteVisit:
    """Record what the visit found. A result of pass/fail concludes the site inspection."""
    application = visit.application
    if application.state != AppState.SITE_INSPECTION:
        raise ReviewError("实地考察阶段已结束，考察记录不能再修改")
    if result and not findings.strip():
        raise ReviewError("作出考察结论前请填写考察发现")
    if result and any(not checks.get(key) for key, _ in SiteVisit.CHECKS):
        raise ReviewError("作出考察结论前请逐项填写考察清单")
    if result and result not in ("pass", "fail"):
        raise ReviewError("考察结论只能是通过或不通过")
    with transaction.atomic(), appended_together():
        for key, _ in SiteVisit.CHECKS:
            setattr(visit, key, checks.get(key, ""))
        visit.findings, visit.result = findings.strip(), result
        visit.completed_by, visit.completed_at = actor, timezone.now()
        visit.save()
        record_event(
            "visit.recorded",
            obj=application,
            actor=actor,
            clause="10",
            data={"visit": visit.pk, "checks": checks, "result": result},
        )
        if result == "pass":
            APPLICATION_MACHINE.apply(
                application,
                AppState.EXPERT_REVIEW,
                actor=actor,
                reason=visit.findings,
                then=[notify_unit("application_site_passed")],
            )
        elif result == "fail":
            APPLICATION_MACHINE.apply(
                application,
                AppState.REJECTED,
                actor=actor,
                reason=f"实地考察不通过：{visit.findings}",
                then=[notify_unit("application_rejected")],
            )
    return visit


def add_photo(visit: SiteVisit, upload, *, caption: str, actor) -> SitePhoto:
    from masterstudio.core.uploads import PHOTO_KINDS, check_upload

    kind, _ = check_upload(upload, kinds=PHOTO_KINDS, label="考察照片")
    with transaction.atomic():
        photo = SitePhoto(
            visit=visit, token=secrets.token_hex(16), kind=kind, caption=caption.strip()[:200], uploaded_by=actor
        )
        photo.file.save(f"{photo.token}.{kind}", upload, save=False)
        photo.save()
        record_event(
            "visit.photo", obj=visit.application, actor=actor, clause="10", data={"visit": visit.pk, "photo": photo.pk}
        )
    return photo


# ---------------------------------------------------------------- expert review


def _draw_rubric(applications: list[Application]):
    """The round's application rubric, after checking that ``applications`` may have experts drawn."""
    from django.db.models import Exists, OuterRef

    from masterstudio.experts.models import Criterion

    if not applications:
        raise ReviewError("请选择要抽取专家的申报")
    rounds = {a.round_id for a in applications}
    if len(rounds) != 1:
        raise ReviewError("同一次抽取只能针对同一批次的申报")
    for application in applications:
        if application.state != AppState.EXPERT_REVIEW:
            raise ReviewError(f"{application}：只有处于“专家评审”阶段的申报才能抽取专家")
    rubric = (
        applications[0]
        .round.rubrics.filter(purpose="application")
        .annotate(scored=Exists(Criterion.objects.filter(rubric=OuterRef("pk"))))
        .first()
    )
    if rubric is None or not rubric.scored:
        raise ReviewError("本批次尚未设置评分表，请先在“评分表”中设置评分项、权重和满分")
    return rubric


def draw_for(applications: list[Application], *, size: int, seed: str, opens_at: datetime, closes_at: datetime, actor):
    """Create the panels (the round's rubric) and draw the experts for one application or a group."""
    from masterstudio.experts import services as experts

    rubric = _draw_rubric(applications)
    try:
        with transaction.atomic():  # a refused draw leaves no empty panel behind (check before write)
            panels = [
                experts.panel_for(a, rubric, opens_at=opens_at, closes_at=closes_at, year=a.round.year)
                for a in applications
            ]
            return experts.draw_experts(panels, size, seed=seed, actor=actor)
    except experts.ScoringError as exc:
        raise ReviewError(str(exc)) from exc


def draw_each_for(
    applications: list[Application], *, size: int, seed: str, opens_at: datetime, closes_at: datetime, actor
) -> tuple[list, list]:
    """Each application its own panel and its own ``size`` experts, drawn for all of them in one
    go (the bureau drawing for every application in expert review at once): the same draws,
    tasks, events and notices as drawing for each application in turn, in one transaction. Each
    draw's seed is ``seed`` followed by the receipt number (``seed`` left blank: each its own
    random seed), so every draw can be replayed. Returns (the draws made, (application, reason)
    for each application that could not be drawn, e.g. too few experts without a conflict)."""
    from masterstudio.experts import services as experts

    rubric = _draw_rubric(applications)
    seed = (seed or "").strip()
    try:
        panels = experts.panels_for(
            applications, rubric, opens_at=opens_at, closes_at=closes_at, year=applications[0].round.year
        )
        draws, skipped = experts.draw_each(
            panels, size, seeds=[f"{seed}-{a.receipt_no or a.pk}" if seed else None for a in applications], actor=actor
        )
    except experts.ScoringError as exc:
        raise ReviewError(str(exc)) from exc
    return draws, [(panel.subject, reason) for panel, reason in skipped]


def finish_expert_review(application: Application, *, actor) -> Application:
    """Open the sealed scores and move to the comprehensive evaluation: :func:`finish_expert_reviews`
    for one application, all or nothing (a panel that cannot be opened refuses, and none is opened)."""
    with transaction.atomic():
        _ready, reasons = finish_expert_reviews([application], actor=actor)
        if reasons:
            raise ReviewError(reasons[application.pk])
    return application


def finish_expert_reviews(applications: list[Application], *, actor) -> tuple[list[Application], dict[int, str]]:
    """:func:`finish_expert_review` for every application given that is ready (the evaluation
    page's "开封全部已评完的申报"): their panels opened together, each with its own event, the
    applications moved to 综合评议 with one event each and their units told, in one transaction.
    The others are left as they are. Returns (the applications moved on, why each other one was
    not, by application id)."""
    from django.contrib.contenttypes.models import ContentType

    from masterstudio.experts import services as experts
    from masterstudio.experts.models import ScoringPanel

    waiting = [a for a in applications if a.state == AppState.EXPERT_REVIEW]
    reasons = {
        a.pk: f"申报当前状态为“{a.get_state_display()}”，不在专家评审阶段"
        for a in applications
        if a.state != AppState.EXPERT_REVIEW
    }
    by_pk = {a.pk: a for a in waiting}
    panels: dict[int, list] = {}
    for panel in ScoringPanel.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), object_id__in=list(by_pk)
    ).order_by("pk"):
        panel.subject = by_pk[panel.object_id]
        panels.setdefault(panel.object_id, []).append(panel)
    for application in waiting:
        if application.pk not in panels:
            reasons[application.pk] = "尚未抽取评审专家"
    with transaction.atomic(), appended_together():
        sealed = [p for pk in by_pk if pk in panels for p in panels[pk] if p.is_sealed]
        _opened, refused = experts.open_panels(sealed, actor=actor)
        for panel in sealed:
            if panel.pk in refused:
                reasons.setdefault(panel.object_id, refused[panel.pk])
        ready = [a for a in waiting if a.pk not in reasons]
        APPLICATION_MACHINE.apply_many(
            ready, AppState.EVALUATION, actor=actor, then=[notify_units("application_expert_done")]
        )
    return ready, reasons


# ---------------------------------------------------------------- comprehensive evaluation


def decide(application: Application, *, outcome: str, reason: str, rank: int | None, version: int, actor) -> Decision:
    """Record (or change) the evaluation decision. ``version`` is the decision version the staff
    member saw (0 when there was none): a decision changed meanwhile by someone else is refused.
    A proposal moves the application to 拟认定; nothing is told to the unit until publication."""
    if outcome not in Outcome.values:
        raise ReviewError("请选择评议结论")
    if not reason.strip():
        raise ReviewError("请填写评议理由（将在公布时告知单位）")
    if application.state not in (AppState.EVALUATION, AppState.PROPOSED):
        raise ReviewError(f"申报当前状态为“{application.get_state_display()}”，不能再作出或修改评议决定")
    stale = "该申报的评议决定已被其他工作人员修改，请刷新页面查看后再决定"
    with transaction.atomic(), appended_together():
        if version == 0:
            try:  # no savepoint: the refusal undoes the whole transaction
                with transaction.atomic(savepoint=False):
                    decision = Decision.objects.create(
                        application=application, outcome=outcome, rank=rank, reason=reason.strip(), decided_by=actor
                    )
            except IntegrityError as exc:
                raise ReviewError(stale) from exc
        else:
            changed = Decision.objects.filter(
                application=application, version=version, published_at__isnull=True
            ).update(
                outcome=outcome,
                rank=rank,
                reason=reason.strip(),
                decided_by=actor,
                version=version + 1,
                decided_at=timezone.now(),
            )
            if changed != 1:
                raise ReviewError(stale)
            decision = Decision.objects.get(application=application)
        if outcome == Outcome.PROPOSE and application.state == AppState.EVALUATION:
            APPLICATION_MACHINE.apply(application, AppState.PROPOSED, actor=actor, reason=reason.strip())
        elif outcome == Outcome.REJECT and application.state == AppState.PROPOSED:
            APPLICATION_MACHINE.apply(application, AppState.EVALUATION, actor=actor, reason=reason.strip())
        record_event(
            "decision.saved",
            obj=application,
            actor=actor,
            clause="10",
            reason=reason.strip(),
            data={"outcome": outcome, "rank": rank, "version": decision.version},
        )
    return decision

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from masterstudio.accounts.models import Role
from masterstudio.accounts.permissions import duty_required
from masterstudio.assessments import selectors, services
from masterstudio.assessments.forms import (
    DrawForm,
    OpenYearForm,
    ReassessmentForm,
    RecommendForm,
    ReportForm,
    ReviewForm,
    SupervisionForm,
)
from masterstudio.assessments.models import (
    ASPECTS,
    AssessmentYear,
    LeaderRecommendation,
    RectificationState,
    StudioAssessment,
)
from masterstudio.assessments.services import AssessmentError
from masterstudio.core import params as query
from masterstudio.core.event_kinds import record_read
from masterstudio.core.events import events_for
from masterstudio.core.permissions import recent_auth_required, role_required
from masterstudio.core.uploads import serve
from masterstudio.experts.selectors import panels_for_subjects
from masterstudio.experts.services.panels import panel_counts
from masterstudio.funding.models import Grant
from masterstudio.studios.models import LIVE_STATES, Studio
from masterstudio.summaries.services import figures_for

business = duty_required("reviewer", "approver")


def _field_error(form, exc):
    form.add_error(exc.field if getattr(exc, "field", None) in form.fields else None, str(exc))


@role_required(Role.STAFF, Role.UNIT, Role.LEADER)
def index(request):
    user = request.user
    if user.role == Role.STAFF and (user.has_duty("reviewer") or user.has_duty("approver")):
        return render(request, "assessments/index.html", {"years": AssessmentYear.objects.all()})
    # units, leaders and the read-only staff (finance, the auditor): the results they may see
    results = selectors.results_for(user).order_by("-year", "-created_at")
    visits = selectors.supervisions_for(user).order_by("-visited_on", "-pk")[:20]
    return render(request, "assessments/mine.html", {"results": results, "visits": visits})


@business
def open_year(request):
    form = OpenYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        opens_at, closes_at = form.window()
        try:
            ay = services.open_year(
                data["year"],
                weights=[data[f"weight_{i}"] for i in range(len(ASPECTS))],
                max_points=[data[f"max_{i}"] for i in range(len(ASPECTS))],
                excellent_min=data["excellent_min"],
                qualified_min=data["qualified_min"],
                cap_percent=data["cap_percent"],
                opens_at=opens_at,
                closes_at=closes_at,
                actor=request.user,
            )
        except AssessmentError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, f"已开启 {ay.year} 年度绩效考核，共 {ay.results.count()} 个工作室")
            return redirect("assessments:year", ay.pk)
    return render(request, "assessments/open.html", {"form": form})


@business
def year_detail(request, pk):
    ay = get_object_or_404(AssessmentYear.objects.select_related("rubric"), pk=pk)
    rows = []
    # perf (issue 9): panels with their assignments, and the year's rewards, fetched once for all rows

    results = list(ay.results.select_related("studio", "studio__unit", "recommendation").order_by("studio__name"))
    panels = panels_for_subjects(StudioAssessment, [r.pk for r in results])
    grants = {}
    for grant in Grant.objects.filter(
        kind="excellent", year=ay.year, studio__in=[r.studio_id for r in results]
    ).order_by("-pk"):
        grants[grant.studio_id] = grant

    counts = panel_counts([p.pk for p in panels.values()])
    for result in results:
        panel = panels.get(result.pk)
        assignments = list(panel.assignments.all()) if panel else []
        rows.append(
            {
                "result": result,
                "panel": panel,
                "experts": len(assignments),
                "submitted": sum(1 for a in assignments if a.state == "submitted"),
                "counts": counts.get(panel.pk) if panel else None,
                "grant": grants.get(result.studio_id),
            }
        )
    return render(
        request,
        "assessments/year.html",
        {
            "ay": ay,
            "rows": rows,
            "draw_form": DrawForm(),
            "criteria": ay.rubric.criteria.all(),
            "events": events_for(ay),
        },
    )


@business
@require_POST
def draw(request, pk):
    ay = get_object_or_404(AssessmentYear, pk=pk)
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写抽取人数（1–15 人）")
        return redirect("assessments:year", ay.pk)
    try:
        outcome = services.draw(ay, size=form.cleaned_data["size"], seed=form.cleaned_data["seed"], actor=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        if outcome["drawn"]:
            messages.success(request, f"已为 {len(outcome['drawn'])} 个工作室抽取专家")
        for error in outcome["errors"]:
            messages.error(request, error)
        if not outcome["drawn"] and not outcome["errors"]:
            messages.info(request, "所有工作室都已抽取专家")
    return redirect("assessments:year", ay.pk)


@business
@require_POST
def compute(request, pk):
    ay = get_object_or_404(AssessmentYear, pk=pk)
    try:
        outcome = services.compute(ay, actor=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已计算 {outcome['graded']} 个工作室的等次，请复核后发布")
    return redirect("assessments:year", ay.pk)


@duty_required("approver")
@recent_auth_required
@require_POST
def publish(request, pk):
    ay = get_object_or_404(AssessmentYear, pk=pk)
    try:
        outcome = services.publish(ay, actor=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"已发布 {ay.year} 年度考核结果；优秀奖励 {len(outcome['rewards'])} 笔，"
            f"限期整改 {len(outcome['rectifications'])} 个",
        )
        for error in outcome["reward_errors"]:
            messages.error(request, f"奖励未能核定：{error}")
    return redirect("assessments:year", ay.pk)


@business
def review(request, pk):
    result = selectors.result_for(request.user, pk)
    form = ReviewForm(
        request.POST or None,
        initial={
            "grade": result.grade,
            "reason": result.override_reason,
            "rectify_deadline": result.rectify_deadline,
            "rectify_actions": result.rectify_actions,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.review(
                result,
                grade=data["grade"],
                reason=data["reason"],
                rectify_deadline=data["rectify_deadline"],
                rectify_actions=data["rectify_actions"],
                actor=request.user,
            )
        except AssessmentError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, f"已复核：{result.studio.name}")
            if result.art20_warning:
                messages.warning(request, result.art20_warning)
            return redirect("assessments:year", result.assessment_year_id)
    return render(
        request,
        "assessments/review.html",
        {
            "result": result,
            "form": form,
            "visits": _visits_of(request.user, result),
            "valid_until": services.measures_valid_until(),
        },
    )


@duty_required("approver")
@recent_auth_required
@require_POST
def reward(request, pk):
    result = selectors.result_for(request.user, pk)
    try:
        grant = services.request_reward(result, actor=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        if getattr(grant, "already_recorded", False):
            messages.warning(
                request, f"已登记：{result.year} 年度优秀奖励已于 {grant.dated_on:%Y-%m-%d} 核定，未重复核定"
            )
        else:
            messages.success(request, f"优秀奖励已核定：{grant.amount:,.2f} 元（第14条）")
    return (
        redirect("assessments:year", result.assessment_year_id)
        if result.assessment_year_id
        else redirect("studios:detail", result.studio_id)
    )


@duty_required("approver")
def recommend(request, pk):
    result = selectors.result_for(request.user, pk)
    if not (result.published and result.kind == "annual" and result.grade == "excellent"):
        # 合格, 不合格 or not yet published: the page says so instead of offering the form
        return render(request, "assessments/recommend.html", {"result": result, "form": None})
    form = RecommendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommend_leader(result, note=form.cleaned_data["note"], actor=request.user)
        except AssessmentError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, f"已将 {result.studio.leader.name} 列入亦城领军人才推荐名单")
            return redirect("assessments:recommendations")
    return render(request, "assessments/recommend.html", {"result": result, "form": form})


@role_required(Role.STAFF)
def recommendations(request):
    items = LeaderRecommendation.objects.select_related("studio", "studio__unit", "person", "recommended_by")
    return render(request, "assessments/recommendations.html", {"items": items})


@login_required
def rectification(request, pk):
    rect = selectors.rectification_for(request.user, pk)
    user = request.user
    report_form = ReportForm(prefix="r") if user.role in (Role.UNIT, Role.LEADER) else None
    reassess_form = ReassessmentForm(prefix="a") if any(user.has_duty(d) for d in ("reviewer", "approver")) else None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "report" and report_form is not None:
                report_form = ReportForm(request.POST, request.FILES, prefix="r")
                if report_form.is_valid():
                    services.report_rectification(
                        rect,
                        report=report_form.cleaned_data["report"],
                        upload=report_form.cleaned_data["file"],
                        actor=user,
                    )
                    messages.success(request, "整改情况已报送社会事业局")
                    return redirect("assessments:rectification", rect.pk)
            elif request.POST.get("action") == "reassess" and reassess_form is not None:
                reassess_form = ReassessmentForm(request.POST, prefix="a")
                if reassess_form.is_valid():
                    result = services.record_reassessment(
                        rect,
                        grade=reassess_form.cleaned_data["grade"],
                        reasons=reassess_form.cleaned_data["reasons"],
                        actor=user,
                    )
                    if result.grade == "unqualified":
                        messages.warning(request, "复评仍不合格：可依第13条第（二）项撤销工作室称号")
                        if user.has_duty("approver"):
                            return redirect(f"/studios/{rect.studio_id}/revoke/?cause=failed_again")
                    else:
                        messages.success(request, "复评合格，工作室恢复运行")
                    return redirect("studios:detail", rect.studio_id)
        except AssessmentError as exc:
            form = report_form if request.POST.get("action") == "report" else reassess_form
            _field_error(form, exc)
    return render(
        request,
        "assessments/rectification.html",
        {
            "rect": rect,
            "report_form": report_form,
            "reassess_form": reassess_form,
            "open": rect.state in (RectificationState.OPEN, RectificationState.REPORTED),
            "events": events_for(rect),
        },
    )


@login_required
def rectification_file(request, pk):
    rect = selectors.rectification_for(request.user, pk)
    if not rect.report_file:
        from django.http import Http404

        raise Http404("没有整改材料")
    record_read(request, "rectification.file_downloaded", obj=rect, clause="12")
    return serve(rect.report_file, rect.report_file_name)


@role_required(Role.STAFF, Role.EXPERT)
def dossier(request, pk):
    """What an expert (or staff) reads to score a studio: its summary, activities and records."""
    result = selectors.result_for(request.user, pk)
    summary = result.studio.summaries.filter(year=result.year).first()

    return render(
        request,
        "assessments/dossier.html",
        {
            "result": result,
            "studio": result.studio,
            "summary": summary,
            "figures": summary.figures if summary else figures_for(result.studio, result.year),
            "visits": _visits_of(request.user, result),
        },
    )


def _visits_of(user, result):
    """The supervision visits of the result's studio in its year, as ``user`` may see them."""
    return (
        selectors.supervisions_for(user)
        .filter(studio_id=result.studio_id, visited_on__year=result.year)
        .order_by("visited_on", "pk")
    )


# ---------------------------------------------------------------- supervision (督导检查, Art. 11)


@role_required(Role.STAFF, Role.UNIT, Role.LEADER, Role.EVALUATOR)
def supervision_list(request):
    from django.core.paginator import Paginator

    visits = selectors.supervisions_for(request.user).order_by("-visited_on", "-pk")
    studio = query.integer(request.GET, "studio", label="工作室")  # one typed reader: a bad value is a 400
    if studio is not None:
        visits = visits.filter(studio_id=studio)
    page = Paginator(visits, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/supervision_list.html",
        {"page": page, "can_record": any(request.user.has_duty(d) for d in ("reviewer", "approver"))},
    )


@business
def supervision_new(request):

    studios = Studio.objects.filter(state__in=LIVE_STATES).select_related("unit").order_by("name")
    initial = {"studio": request.GET.get("studio")} if request.GET.get("studio", "").isdigit() else {}
    form = SupervisionForm(request.POST or None, request.FILES or None, studios=studios, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.record_supervision(
                data["studio"],
                visited_on=data["visited_on"],
                inspectors=data["inspectors"],
                findings=data["findings"],
                follow_up=data["follow_up"],
                follow_up_due=data["follow_up_due"],
                uploads=data["files"],
                actor=request.user,
            )
        except AssessmentError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, f"已登记督导检查，并通知 {visit.studio.unit.name}")
            return redirect("assessments:supervision", visit.pk)
    return render(request, "assessments/supervision_form.html", {"form": form})


@role_required(Role.STAFF, Role.UNIT, Role.LEADER, Role.EVALUATOR, Role.EXPERT)
def supervision_detail(request, pk):
    visit = selectors.supervision_for(request.user, pk)
    return render(
        request,
        "assessments/supervision_detail.html",
        {
            "visit": visit,
            "files": visit.files.all(),
            "events": events_for(visit) if request.user.role == Role.STAFF else [],
        },
    )


@role_required(Role.STAFF, Role.UNIT, Role.LEADER, Role.EVALUATOR, Role.EXPERT)
def supervision_file(request, pk, file_pk):
    from django.http import Http404

    visit = selectors.supervision_for(request.user, pk)
    item = visit.files.filter(pk=file_pk).first()
    if item is None:
        raise Http404("没有找到该材料")
    record_read(request, "supervision.file_downloaded", obj=visit, key=item.pk, data={"file": item.pk})
    return serve(item.file, item.original_name)

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from masterstudio.accounts.permissions import duty_required
from masterstudio.applications.models import Application, AppState, Round
from masterstudio.applications.selectors import active_materials, application_for
from masterstudio.core import factlabels
from masterstudio.core.event_kinds import record_read
from masterstudio.core.events import events_for
from masterstudio.core.transitions import TransitionError
from masterstudio.core.uploads import serve
from masterstudio.experts.forms import RubricForm
from masterstudio.experts.models import Rubric
from masterstudio.experts.selectors import panel_results
from masterstudio.experts.services import ScoringError
from masterstudio.experts.services.panels import panels_of, save_rubric
from masterstudio.reviews import forms, selectors
from masterstudio.reviews.models import ItemResult, Outcome, ReviewItem, SitePhoto, SiteVisit
from masterstudio.reviews.services import ReviewError, decisions
from masterstudio.reviews.services.materials import (
    conclude_review,
    ensure_review,
    parse_fact_value,
    record_finding,
    set_items,
    start_review,
)
from masterstudio.reviews.services.scoring import draw_each_for, draw_for, finish_expert_review, finish_expert_reviews
from masterstudio.reviews.services.visits import add_photo, record_visit, schedule_visit

business = duty_required("reviewer", "approver")
approver = duty_required("approver")
REFUSALS = (ReviewError, TransitionError, ScoringError)


def _back(application):
    return redirect("reviews:detail", application.pk)


@business
def queue(request):
    rounds = Round.objects.all()
    filters = selectors.review_filters(request.GET)
    round_id, state = str(filters["round_id"] or ""), filters["state"]
    applications = selectors.review_queue(request.user, **filters)
    return render(
        request,
        "reviews/queue.html",
        {
            "rounds": rounds,
            "applications": applications,
            "states": [(s, s.label) for s in selectors.REVIEW_STATES],
            "filters": {"round": round_id, "state": state},
        },
    )


@business
def detail(request, pk):
    application = application_for(request.user, pk)
    review = ensure_review(application, actor=request.user)
    items = list(review.items.select_related("updated_by")) if review else []
    return render(request, "reviews/detail.html", _detail_context(request, application, review, items))


def _detail_context(request, application, review, items) -> dict:
    panel = panels_of(application).select_related("rubric").first()
    assignments = list(panel.assignments.select_related("expert")) if panel else []
    now = timezone.now()
    missing = review.eligibility.get("missing_facts", []) if review else []
    files: dict[str, list] = {}
    for material in active_materials(application):
        files.setdefault(material.item, []).append(material)
    for item in items:
        item.files = files.get(item.clause, [])
    context = {
        "application": application,
        "review": review,
        "materials": [i for i in items if i.kind == "material"],
        "conditions": [i for i in items if i.kind == "condition"],
        "findings": _findings(application),
        "missing_facts": missing,
        "missing_labels": factlabels.labels(missing),
        "fact_choices": _fact_choices(missing),
        "visits": application.site_visits.prefetch_related("photos"),
        "panel": panel,
        "assignments": assignments,
        "results": panel_results(panel) if panel else None,
        "decision": getattr(application, "decision", None),
        "events": events_for(application),
        "finding_form": forms.FindingForm(),
        "schedule_form": forms.ScheduleForm(),
        "editable": application.state == AppState.MATERIAL_REVIEW,
        "result_choices": ItemResult.choices,
        "conclusion_choices": [
            (ItemResult.PASS, "通过，进入实地考察"),
            (ItemResult.SUPPLEMENT, "退回补正"),
            (ItemResult.FAIL, "不通过"),
        ],
        "outcome_choices": Outcome.choices,
        "photo_form": forms.PhotoForm(),
        "draw_form": forms.DrawForm(
            initial={
                "size": 3,
                "opens_at": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M"),
                "closes_at": timezone.localtime(now + timezone.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
            }
        ),
        "decision_form": forms.DecisionForm(
            initial={"version": getattr(getattr(application, "decision", None), "version", 0)}
        ),
        "S": AppState,
    }
    return context


def _findings(application) -> list:
    findings = list(application.findings.select_related("recorded_by"))
    for f in findings:
        f.label = factlabels.label(f.fact)
        f.value_label = {True: "是（符合）", False: "否（不符合）"}.get(f.value, f.value)
    return findings


def _fact_choices(missing: list[str]) -> list[tuple[str, str]]:
    """The facts a reviewer may settle, those the calculator is waiting for first, each by its label."""
    known = dict(factlabels.choices())
    first = [(path, factlabels.label(path)) for path in missing]
    return first + [(path, text) for path, text in known.items() if path not in missing]


def _refuse(request, exc):
    messages.error(request, str(exc))


@business
@require_POST
def start(request, pk):
    application = application_for(request.user, pk)
    try:
        start_review(application, actor=request.user)
        messages.success(request, "已开始材料审核，审核清单已按预检结果生成")
    except REFUSALS as exc:
        _refuse(request, exc)
    return _back(application)


@business
@require_POST
def checklist(request, pk):
    """The material review page's one form: a line saved from its row ("保存"), every line given a
    result saved ("保存清单", also the Enter key), or those lines saved together with the conclusion
    ("提交审核结论") in one transaction. Refused, the page comes back with every line, the
    conclusion and the comments as typed, and the reason."""
    application = application_for(request.user, pk)
    review = getattr(application, "material_review", None)
    if review is None or application.state != AppState.MATERIAL_REVIEW:
        messages.error(request, "申报不在材料审核阶段，审核清单不能修改")
        return _back(application)
    # read once: the lines conclude_review judges are these objects
    prefetch_related_objects([review], Prefetch("items", queryset=ReviewItem.objects.select_related("updated_by")))
    items = list(review.items.all())
    posted = {
        item.pk: (request.POST.get(f"result-{item.pk}", ""), request.POST.get(f"comment-{item.pk}", ""))
        for item in items
    }
    only = request.POST.get("save", "")
    chosen = [item for item in items if str(item.pk) == only] if only else [i for i in items if posted[i.pk][0]]
    results = [(item, *posted[item.pk]) for item in chosen]
    try:
        if "conclude" in request.POST:
            conclude_review(
                review,
                conclusion=request.POST.get("conclusion", ""),
                comment=request.POST.get("comment", ""),
                actor=request.user,
                results=results,
            )
            messages.success(request, "已保存审核清单并作出材料审核结论，已通知申报单位")
            return _back(application)
        if not results:
            raise ReviewError("请至少为一项选择审核结果（通过、需补正或不通过）")
        set_items(review, results, actor=request.user)
    except REFUSALS as exc:
        for item in items:  # everything as typed, nothing saved
            result, text = posted[item.pk]
            if result or text:
                item.result, item.comment = result, text
        messages.error(request, str(exc))
        context = _detail_context(request, application, review, items)
        context.update(
            typed_conclusion=request.POST.get("conclusion", ""), typed_comment=request.POST.get("comment", "")
        )
        return render(request, "reviews/detail.html", context, status=400)
    if only:
        messages.success(request, f"已保存：{chosen[0].title}")
        return redirect(f"/review/{application.pk}/#item-{chosen[0].pk}")
    messages.success(request, f"已保存审核清单（{len(results)} 项）")
    return _back(application)


@business
@require_POST
def finding(request, pk):
    application = application_for(request.user, pk)
    form = forms.FindingForm(request.POST)
    if form.is_valid():
        try:
            value = parse_fact_value(form.cleaned_data["value"])
            review = record_finding(
                application,
                fact=form.cleaned_data["fact"],
                value=value,
                note=form.cleaned_data["note"],
                actor=request.user,
            )
            outcome = {"eligible": "符合条件", "ineligible": "不符合条件", "undetermined": "尚待认定"}.get(
                review.eligibility.get("outcome"), "无法判断"
            )
            fact = factlabels.label(form.cleaned_data["fact"])
            messages.success(request, f"已认定“{fact}”，政策计算器复核结论：{outcome}")
        except REFUSALS as exc:
            _refuse(request, exc)
    else:
        messages.error(request, "认定未保存：" + "；".join(e for errs in form.errors.values() for e in errs))
    return _back(application)


@business
@require_POST
def schedule(request, pk):
    application = application_for(request.user, pk)
    form = forms.ScheduleForm(request.POST)
    if form.is_valid():
        try:
            schedule_visit(application, actor=request.user, **form.cleaned_data)
            messages.success(request, "已安排实地考察，并已通知申报单位")
        except REFUSALS as exc:
            _refuse(request, exc)
    else:
        messages.error(request, "考察未安排：" + "；".join(e for errs in form.errors.values() for e in errs))
    return _back(application)


@business
@require_POST
def record(request, pk):
    visit = get_object_or_404(SiteVisit, pk=pk)
    application = application_for(request.user, visit.application_id)
    form = forms.VisitForm(request.POST)
    if form.is_valid():
        try:
            record_visit(
                visit,
                checks=form.checks(),
                findings=form.cleaned_data["findings"],
                result=form.cleaned_data["result"],
                actor=request.user,
            )
            messages.success(request, "已保存考察记录")
        except REFUSALS as exc:
            _refuse(request, exc)
    return _back(application)


@business
@require_POST
def photo(request, pk):
    visit = get_object_or_404(SiteVisit, pk=pk)
    application = application_for(request.user, visit.application_id)
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            add_photo(visit, form.cleaned_data["photo"], caption=form.cleaned_data["caption"], actor=request.user)
            messages.success(request, "照片已上传")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "请选择照片")
    return _back(application)


@business
def photo_file(request, pk):
    item = get_object_or_404(SitePhoto.objects.select_related("visit"), pk=pk)
    application_for(request.user, item.visit.application_id)
    record_read(request, "visit.photo_downloaded", obj=item.visit.application, key=item.pk, data={"photo": item.pk})
    return serve(item.file, f"考察照片-{item.pk}.{item.kind}", kind=item.kind)


@business
@require_POST
def draw(request, pk):
    application = application_for(request.user, pk)
    form = forms.DrawForm(request.POST)
    if form.is_valid():
        try:
            result = draw_for([application], actor=request.user, **form.cleaned_data)
            messages.success(
                request, f"已随机抽取 {result.size} 位专家（随机种子 {result.seed}），排除 {len(result.excluded)} 位"
            )
        except REFUSALS as exc:
            _refuse(request, exc)
    else:
        messages.error(request, "未抽取：" + "；".join(e for errs in form.errors.values() for e in errs))
    return _back(application)


@business
@require_POST
def group_draw(request, round_pk):
    round_ = get_object_or_404(Round, pk=round_pk)
    form = forms.DrawForm(request.POST)
    ids = request.POST.getlist("applications")
    applications = list(
        Application.objects.filter(round=round_, pk__in=ids).select_related("round", "unit").order_by("pk")
    )
    each = request.POST.get("mode") == "each"
    if form.is_valid():
        try:
            if each:
                drawn, skipped = draw_each_for(applications, actor=request.user, **form.cleaned_data)
                if drawn:
                    messages.success(
                        request,
                        f"已为 {len(drawn)} 份申报各自抽取 {form.cleaned_data['size']} 位专家"
                        "（每份申报的随机种子记录在其抽取记录中）",
                    )
                for application, reason in skipped:
                    messages.error(request, f"{application.receipt_no or application}未抽取：{reason}")
            else:
                result = draw_for(applications, actor=request.user, **form.cleaned_data)
                messages.success(
                    request, f"已为 {len(applications)} 份申报共同抽取 {result.size} 位专家（随机种子 {result.seed}）"
                )
        except REFUSALS as exc:
            _refuse(request, exc)
    else:
        messages.error(request, "未抽取：" + "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("reviews:evaluation", round_.pk)


@business
@require_POST
def finish_experts(request, pk):
    application = application_for(request.user, pk)
    try:
        finish_expert_review(application, actor=request.user)
        messages.success(request, "已开封专家评分，申报进入综合评议")
    except REFUSALS as exc:
        _refuse(request, exc)
    return _back(application)


@business
@require_POST
def finish_all(request, round_pk):
    """Open the scores of every application of the round whose experts have all submitted (or
    whose window has closed with at least one score), and move them on to 综合评议."""
    round_ = get_object_or_404(Round, pk=round_pk)
    waiting = list(
        Application.objects.filter(round=round_, state=AppState.EXPERT_REVIEW)
        .select_related("round", "unit")
        .order_by("pk")
    )
    if not waiting:
        messages.error(request, "本批次没有处于“专家评审”阶段的申报")
        return redirect("reviews:evaluation", round_.pk)
    try:
        ready, reasons = finish_expert_reviews(waiting, actor=request.user)
    except REFUSALS as exc:
        _refuse(request, exc)
        return redirect("reviews:evaluation", round_.pk)
    if ready:
        messages.success(request, f"已开封 {len(ready)} 份申报的专家评分，进入综合评议")
    if reasons:
        names = {a.pk: a.receipt_no or str(a) for a in waiting}
        shown = "；".join(f"{names[pk]}：{why}" for pk, why in list(reasons.items())[:5])
        more = f"等 {len(reasons)} 份" if len(reasons) > 5 else f"{len(reasons)} 份"
        messages.warning(request, f"{more}申报暂不能开封——{shown}")
    return redirect("reviews:evaluation", round_.pk)


@approver
@require_POST
def decide(request, pk):
    application = application_for(request.user, pk)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            decisions.decide(application, actor=request.user, **form.cleaned_data)
            messages.success(request, "已保存评议决定（公布前不通知单位）")
        except REFUSALS as exc:
            _refuse(request, exc)
    else:
        messages.error(request, "评议决定未保存：" + "；".join(e for errs in form.errors.values() for e in errs))
    nxt = request.POST.get("next", "")
    return redirect(nxt) if nxt.startswith("/review/") else _back(application)


@business
def evaluation(request, round_pk):
    round_ = get_object_or_404(Round, pk=round_pk)
    rows = selectors.evaluation_rows(request.user, round_)
    return render(
        request,
        "reviews/evaluation.html",
        {
            "round": round_,
            "rows": rows,
            "draw_form": forms.DrawForm(
                initial={
                    "size": 3,
                    "opens_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                    "closes_at": timezone.localtime(timezone.now() + timezone.timedelta(days=7)).strftime(
                        "%Y-%m-%dT%H:%M"
                    ),
                }
            ),
            "proposed": sum(1 for r in rows if r["application"].state == AppState.PROPOSED),
            "notices": round_.notices.all(),
        },
    )


@business
def rubric(request, round_pk):
    round_ = get_object_or_404(Round, pk=round_pk)
    instance = round_.rubrics.filter(purpose="application").first() or Rubric(
        round=round_, purpose="application", name=f"{round_.title} 专家评分表"
    )
    form = RubricForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            save_rubric(form.instance, form.criteria(), actor=request.user)
            messages.success(request, "评分表已保存")
            return redirect("reviews:evaluation", round_.pk)
        except ScoringError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "reviews/rubric.html",
        {"round": round_, "form": form, "locked": bool(instance.pk) and instance.is_locked()},
        status=400 if request.method == "POST" else 200,
    )

from __future__ import annotations

from django.contrib import messages
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from masterstudio.accounts.models import Role
from masterstudio.accounts.permissions import duty_required
from masterstudio.core.permissions import role_required
from masterstudio.core.transitions import TransitionError
from masterstudio.experts import selectors
from masterstudio.experts.forms import DeclarationForm, ExpertForm
from masterstudio.experts.models import AssignmentState, Draw, Expert, ScoringPanel
from masterstudio.experts.services import ScoringError, ScoringValidation
from masterstudio.experts.services.draws import draw_replacement, replay_draw
from masterstudio.experts.services.panels import panel_counts
from masterstudio.experts.services.pool import save_expert
from masterstudio.experts.services.results import accept_short
from masterstudio.experts.services.tasks import declare, declare_many, save_scores
from masterstudio.experts.subjects import dossier_url, subject_querysets

business = duty_required("reviewer", "approver")


@business
def pool(request):
    experts = Expert.objects.select_related("user").order_by("-active", "name")
    return render(request, "experts/pool.html", {"experts": experts})


@business
def expert_edit(request, pk=None):
    instance = get_object_or_404(Expert, pk=pk) if pk else None
    form = ExpertForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        expert = save_expert(instance, actor=request.user, **form.values())
        messages.success(request, f"已保存专家：{expert.name}")
        return redirect("experts:pool")
    return render(request, "experts/expert_form.html", {"form": form, "expert": instance})


@business
def draw_record(request, pk):
    draw = get_object_or_404(Draw, pk=pk)
    return render(
        request,
        "experts/draw.html",
        {
            "draw": draw,
            "replayed": replay_draw(draw),
            "assignments": draw.assignments.select_related("expert", "panel"),
        },
    )


@role_required(Role.EXPERT)
def tasks(request):
    return _tasks_page(request)


def _tasks_page(request, *, checked=(), status=200):
    rows = _task_rows(request.user)
    declaring = [row for row in rows if row["assignment"].state == AssignmentState.DECLARING]
    return render(
        request,
        "experts/tasks.html",
        {"assignments": rows, "declaring": declaring, "checked": {int(pk) for pk in checked if str(pk).isdigit()}},
        status=status,
    )


@role_required(Role.EXPERT)
@require_POST
def declare_all(request):
    """One declaration of no conflict for the tasks ticked on the tasks page (a conflict is declared
    on the task's own page, where it recuses). Refused, the page comes back with the same ticks."""
    ids = request.POST.getlist("tasks")
    try:
        if not ids:
            raise ScoringError("请勾选要声明的评审任务")
        if request.POST.get("confirm") != "yes":
            raise ScoringError(
                "请勾选承诺“本人与所选评审对象均无利害关系，承诺公正评审”；"
                "与其中某项存在利害关系的，请打开该任务单独申请回避"
            )
        wanted = {int(pk) for pk in ids if pk.isdigit()}
        assignments = list(selectors.assignments_for(request.user).filter(pk__in=wanted).order_by("pk"))
        if len(assignments) != len(wanted):
            raise ScoringError("所选任务有的不属于您，请刷新页面后重试")
        declare_many(assignments, request.user)
    except (ScoringError, TransitionError) as exc:
        messages.error(request, str(exc))
        return _tasks_page(request, checked=ids, status=400)
    messages.success(request, f"已对 {len(assignments)} 项评审任务声明无利益冲突，可以开始评分")
    return redirect("experts:tasks")


def _task_rows(user):
    # perf (issue 9): fetch every subject and its unit in one query per kind, not one per task;
    # the kinds are contributed by the apps that own them (experts.subjects)
    subjects = GenericPrefetch("panel__subject", subject_querysets())
    rows = []
    for assignment in selectors.assignments_for(user).order_by("panel__closes_at").prefetch_related(subjects):
        rows.append({"assignment": assignment, "subject": assignment.panel.subject})
    return rows


@role_required(Role.EXPERT)
def task(request, pk):
    assignment = selectors.assignment_for(request.user, pk)
    panel = assignment.panel
    criteria = list(panel.rubric.criteria.all())
    errors, raw = {}, {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "declare":
                form = DeclarationForm(request.POST)
                if not form.is_valid():
                    raise ScoringError("；".join(e for errs in form.errors.values() for e in errs))
                declare(
                    assignment,
                    request.user,
                    conflict=form.cleaned_data["conflict"] == "yes",
                    text=form.cleaned_data["text"],
                )
                messages.success(
                    request,
                    "已提交声明"
                    if assignment.state == AssignmentState.SCORING
                    else "已申请回避，社会事业局将另行抽取专家",
                )
                return redirect("experts:task", assignment.pk)
            raw = {
                c.pk: (request.POST.get(f"points-{c.pk}", ""), request.POST.get(f"comment-{c.pk}", ""))
                for c in criteria
            }
            final = action == "submit"
            save_scores(assignment, request.user, raw, final=final)
            messages.success(request, "评分已提交，感谢您的评审" if final else "评分已暂存，提交前可继续修改")
            return redirect("experts:task", assignment.pk)
        except ScoringValidation as exc:
            errors = exc.errors
            messages.error(request, str(exc))
        except (ScoringError, TransitionError) as exc:
            messages.error(request, str(exc))
    saved = {s.criterion_id: s for s in assignment.scores.all()}
    lines = []
    for criterion in criteria:
        points, comment = raw.get(criterion.pk, (None, None))
        score = saved.get(criterion.pk)
        lines.append(
            {
                "criterion": criterion,
                "points": points if points is not None else (f"{score.points.normalize():f}" if score else ""),
                "comment": comment if comment is not None else (score.comment if score else ""),
                "error": errors.get(criterion.pk, ""),
            }
        )
    subject = panel.subject
    materials = []
    readable = selectors.may_read_subject(assignment)  # nothing before the declaration of (no) conflict
    if readable and hasattr(subject, "materials"):
        materials = subject.materials.filter(removed_at__isnull=True).order_by("item", "pk")
    return render(
        request,
        "experts/task.html",
        {
            "assignment": assignment,
            "panel": panel,
            "subject": subject,
            "lines": lines,
            "materials": materials,
            "dossier_url": dossier_url(subject) if readable else "",
            "rubric_max": sum(c.weight * c.max_points for c in criteria),
            "declaration_form": DeclarationForm(),
            "window_open": panel.window_open(),
        },
    )


# ---------------------------------------------------------------- a panel, its recusals and replacements


def _panel_page(request, panel, *, status=200, reason=""):
    counts = panel_counts([panel.pk])[panel.pk]
    assignments = list(panel.assignments.select_related("expert", "draw").order_by("draw__drawn_at", "expert__name"))
    draws = sorted({a.draw for a in assignments}, key=lambda d: (d.drawn_at, d.pk))
    return render(
        request,
        "experts/panel.html",
        {
            "panel": panel,
            "subject": panel.subject,
            "counts": counts,
            "assignments": assignments,
            "draws": draws,
            "reason": reason,
            "needs_choice": panel.is_sealed
            and counts["submitted"] < counts["size"]
            and panel.short_accepted_at is None,
        },
        status=status,
    )


@business
def panel_detail(request, pk):
    panel = get_object_or_404(ScoringPanel.objects.select_related("rubric", "short_accepted_by"), pk=pk)
    return _panel_page(request, panel)


@business
@require_POST
def panel_replace(request, pk):
    panel = get_object_or_404(ScoringPanel, pk=pk)
    try:
        draw = draw_replacement(panel, seed=request.POST.get("seed", ""), actor=request.user)
    except ScoringError as exc:
        messages.error(request, str(exc))
        return _panel_page(request, panel, status=400)
    messages.success(request, f"已补抽 {len(draw.chosen)} 位专家（抽取记录 #{draw.pk}）")
    return redirect("experts:panel", panel.pk)


@business
@require_POST
def panel_accept_short(request, pk):
    panel = get_object_or_404(ScoringPanel, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        accept_short(panel, reason=reason, actor=request.user)
    except ScoringError as exc:
        messages.error(request, str(exc))
        return _panel_page(request, panel, status=400, reason=reason)
    messages.success(request, "已确认按现有人数计算，理由已记录")
    return redirect("experts:panel", panel.pk)

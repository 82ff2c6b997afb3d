"""The pages every signed-in person starts from and the bureau's own pages: the front page sending
each role to its workspace, the staff workbench (what waits across applications, objections, grants,
recoveries and flags), the expert's and evaluator's start pages, the notifications, the event log and
its export, the audit anchors, the demo clock. The workbench reads several business apps, which is
why these pages live on the top floor (docs/ARCHITECTURE.md, "The floors")."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from masterstudio.accounts.permissions import duty_required
from masterstudio.applications.models import Application, AppState
from masterstudio.assessments.models import Flag
from masterstudio.core import clock
from masterstudio.core import params as query
from masterstudio.core.event_kinds import record_read
from masterstudio.core.excel import xlsx_response
from masterstudio.core.models import Event, Notification
from masterstudio.core.permissions import reads_business_records, role_required, staff_required
from masterstudio.core.roles import Role
from masterstudio.funding.models import Grant, GrantState
from masterstudio.notices.models import Objection, ObjectionState
from masterstudio.policy import clauses
from masterstudio.recoveries.models import Recovery, RecoveryState
from masterstudio.studios.models import LIVE_STATES, Studio
from masterstudio.units.models import Unit, UnitStatus
from masterstudio.workspaces.roles import WORKSPACES


def home(request):
    """The public front page; a signed-in user goes straight to their own workspace."""
    if request.user.is_authenticated:
        url_name, _ = WORKSPACES.get(request.user.role, ("core:home", ""))
        if url_name != "core:home":
            return redirect(url_name)
    return render(request, "core/home.html")


@staff_required
def manage(request):
    """The bureau's workbench: what is waiting for someone, across the whole programme."""
    user = request.user
    rev_app = ("reviewer", "approver")
    # (label, count query, link, clause, duties that may open the link; None: every business reader)
    items = [
        (
            "待审核单位注册",
            lambda: Unit.objects.filter(status=UnitStatus.PENDING).count(),
            reverse("accounts:unit_registrations"),
            "4.1",
            rev_app,
        ),
        (
            "待开始材料审核的申报",
            lambda: Application.objects.filter(state=AppState.SUBMITTED).count(),
            reverse("applications:staff_list") + "?state=submitted",
            "10",
            None,
        ),
        (
            "评审中的申报",
            lambda: Application.objects.filter(
                state__in=[
                    AppState.MATERIAL_REVIEW,
                    AppState.SITE_INSPECTION,
                    AppState.EXPERT_REVIEW,
                    AppState.EVALUATION,
                ]
            ).count(),
            reverse("reviews:queue"),
            "10",
            rev_app,
        ),
        (
            "待处理的公示异议",
            lambda: Objection.objects.filter(state__in=[ObjectionState.RECEIVED, ObjectionState.INVESTIGATING]).count(),
            reverse("notices:manage"),
            "10",
            rev_app,
        ),
        (
            "待拨付的资助与奖励",
            lambda: Grant.objects.filter(state=GrantState.APPROVED).count(),
            reverse("funding:grant_list") + "?state=approved",
            "14.1",
            None,
        ),
        (
            "追回中的资金",
            lambda: Recovery.objects.filter(state=RecoveryState.OPEN).count(),
            reverse("recoveries:index"),
            "13",
            None,
        ),
        (
            "未处理的工作室预警",
            lambda: Flag.objects.filter(resolved_at__isnull=True).count(),
            reverse("studios:flags"),
            "13",
            rev_app,
        ),
    ]
    # 三员分立: the system administrator is offered no business work (and sees no business figure);
    # the others only what their duties open
    business = reads_business_records(user)
    waiting = [
        (label, count(), url, clause)
        for label, count, url, clause, duties in items
        if business and (duties is None or any(user.has_duty(d) for d in duties))
    ]
    context = {
        "waiting": [(label, count, url, clauses.label(clause)) for label, count, url, clause in waiting],
        "business": business,
        "live_studios": Studio.objects.filter(state__in=LIVE_STATES).count() if business else None,
        "approved_units": Unit.objects.filter(status=UnitStatus.APPROVED).count() if business else None,
        "recent_events": Event.objects.select_related("actor", "content_type")[:10],
    }
    return render(request, "core/manage.html", context)


@role_required(Role.EXPERT)
def expert(request):
    return render(request, "core/expert.html")


@role_required(Role.EVALUATOR)
def evaluator(request):
    return render(request, "core/evaluator.html")


@login_required
def notifications(request):
    page = Paginator(request.user.notifications.all(), 20).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
    if note.url and note.url.startswith("/"):
        return redirect(note.url)
    return redirect("core:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("core:notifications")


@staff_required
def activity_log(request):
    """The event log, filterable by object type, object id, person and action."""
    events = Event.objects.select_related("actor", "content_type")
    model = query.text(request.GET, "model", max_length=100, label="对象类型")
    object_id = query.text(request.GET, "object_id", max_length=64, label="对象编号")
    actor = query.text(request.GET, "actor", max_length=100, label="操作人")
    action = query.text(request.GET, "action", max_length=100, label="动作")
    if model:
        app_label, _, model_name = model.partition(".")
        events = events.filter(content_type__app_label=app_label, content_type__model=model_name)
    if object_id:
        events = events.filter(object_id=object_id)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if action:
        events = events.filter(action__icontains=action)
    types = ContentType.objects.filter(
        pk__in=Event.objects.exclude(content_type=None).values("content_type").distinct()
    ).order_by("app_label", "model")
    if request.GET.get("export") == "xlsx":
        rows = (
            (
                e.seq,
                e.at,
                e.actor_label,
                e.ip or "",
                e.action,
                e.object_repr,
                e.from_state,
                e.to_state,
                e.clause,
                e.reason,
                e.hash,
            )
            for e in events.iterator(chunk_size=2000)
        )
        return xlsx_response(
            request,
            filename="操作日志.xlsx",
            title="操作日志",
            headers=[
                "序号",
                "时间",
                "操作人",
                "来源地址",
                "动作",
                "对象",
                "原状态",
                "新状态",
                "依据条款",
                "理由",
                "哈希",
            ],
            rows=rows,
            what="audit_log",
        )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/activity_log.html",
        {
            "page": page,
            "types": types,
            "filters": {"model": model, "object_id": object_id, "actor": actor, "action": action},
        },
    )


@duty_required("auditor")
def audit_anchors(request):
    """The auditor downloads the signed anchor file of the audit chain (core/audit.py) to keep a
    copy outside the platform; the download is itself recorded."""
    try:
        content = settings.AUDIT_ANCHOR_PATH.read_bytes()
    except FileNotFoundError:
        content = b""
    record_read(request, "audit.anchors_downloaded", key=len(content), data={"bytes": len(content)})
    response = HttpResponse(content, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-anchors.log"'
    return response


@staff_required
def demo_clock(request):
    """演示时钟 (demo mode only): staff move the server's date forward, or back to the real time."""
    if not clock.installed():
        raise Http404("演示时钟仅在演示环境中提供")
    error = ""
    if request.method == "POST":
        try:
            if "reset" in request.POST:
                clock.reset(actor=request.user)
            elif request.POST.get("date"):
                try:
                    day = datetime.strptime(request.POST["date"], "%Y-%m-%d").date()
                except ValueError:
                    raise clock.ClockError("日期格式应为 年-月-日，如 2026-12-18") from None
                current = timezone.localtime(clock.now())
                clock.set_to(timezone.make_aware(datetime.combine(day, current.time())), actor=request.user)
            else:
                try:
                    days = int(request.POST.get("days", ""))
                except ValueError:
                    raise clock.ClockError("请填写要拨快的天数（整数），或选择一个日期") from None
                clock.advance(days, actor=request.user)
        except clock.ClockError as exc:
            error = str(exc)
        else:
            messages.success(request, f"演示时钟已设为 {timezone.localtime(clock.now()):%Y-%m-%d %H:%M}")
            return redirect("core:demo_clock")
    return render(
        request,
        "core/demo_clock.html",
        {
            "demo_now": timezone.localtime(clock.now()),
            "real_now": timezone.localtime(clock.real_now()),
            "offset_days": clock.offset().total_seconds() / 86400,
            "error": error,
            "posted": request.POST,
        },
        status=400 if error else 200,
    )

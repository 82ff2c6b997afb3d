from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from masterstudio.accounts.models import Role
from masterstudio.accounts.permissions import duty_required
from masterstudio.activities import selectors, services
from masterstudio.activities.forms import ActivityForm, ReportForm, SignupForm
from masterstudio.activities.models import ActivityState
from masterstudio.core.event_kinds import record_read
from masterstudio.core.events import events_for
from masterstudio.core.excel import wants_xlsx, xlsx_response
from masterstudio.core.formvalues import model_values
from masterstudio.core.permissions import role_required
from masterstudio.core.uploads import serve
from masterstudio.studios.models import LIVE_STATES
from masterstudio.studios.selectors import studios_for

READERS = ("unit", "leader", "staff", "evaluator")


def _error(form, exc):
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc))


def _own_studios(user):
    return studios_for(user).filter(state__in=LIVE_STATES).order_by("name")


@role_required(*READERS)
def activity_list(request):
    rows = selectors.activities_for(request.user)
    if wants_xlsx(request):
        return xlsx_response(
            request,
            filename="活动列表.xlsx",
            title="活动",
            what="activities",
            headers=["活动名称", "类型", "地点", "开始时间", "结束时间", "报名截止", "名额", "状态", "报名工作室数"],
            rows=(
                [
                    a.title,
                    a.get_kind_display(),
                    a.location,
                    a.starts_at,
                    a.ends_at,
                    a.signup_deadline,
                    a.capacity,
                    a.get_state_display(),
                    a.signup_count,
                ]
                for a in rows
            ),
        )
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(request, "activities/activity_list.html", {"page": page})


@duty_required("reviewer", "approver")
def activity_edit(request, pk: int | None = None):
    instance = get_object_or_404(selectors.activities_for(request.user), pk=pk) if pk else None
    if instance is not None and instance.state != ActivityState.DRAFT:
        messages.error(request, "已发布或已取消的活动不能再修改")
        return redirect("activities:activity_detail", pk=instance.pk)
    form = ActivityForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        activity = services.save_activity(instance, values=model_values(form), actor=request.user)
        messages.success(request, "已保存活动（草稿）；发布后各工作室可报名")
        return redirect("activities:activity_detail", pk=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "activity": instance})


@role_required(*READERS)
def activity_detail(request, pk: int):
    activity = get_object_or_404(selectors.activities_for(request.user), pk=pk)
    signups = selectors.signups_for(request.user, activity)
    form = None
    if request.user.role == Role.UNIT and activity.state == ActivityState.PUBLISHED:
        form = SignupForm(request.POST or None, studios=_own_studios(request.user))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.sign_up(
                    activity,
                    data["studio"],
                    participants=data["participants"],
                    contact=data["contact"],
                    actor=request.user,
                )
            except services.ActivityError as exc:
                _error(form, exc)
            else:
                messages.success(request, "报名成功")
                return redirect("activities:activity_detail", pk=activity.pk)
    if wants_xlsx(request) and request.user.role == Role.STAFF:
        return xlsx_response(
            request,
            filename=f"{activity.title}报名名单.xlsx",
            title="报名",
            what="activity_signups",
            headers=["工作室", "所在单位", "人数", "参加人员", "联系人及电话", "报名时间", "实到人数", "实到人员"],
            rows=(
                [
                    s.studio.name,
                    s.studio.unit.name,
                    s.headcount,
                    s.participants.replace("\n", "；"),
                    s.contact,
                    s.created_at,
                    s.attended,
                    "；".join(s.came),
                ]
                for s in signups
            ),
        )
    now = timezone.now()
    staff = any(request.user.has_duty(d) for d in ("reviewer", "approver"))
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "signups": signups,
            "form": form,
            "can_withdraw": request.user.role == Role.UNIT
            and activity.state == ActivityState.PUBLISHED
            and now <= activity.signup_deadline,
            "can_mark": staff and activity.state == ActivityState.PUBLISHED and now >= activity.starts_at,
            "attendance_marked": any(s.attendance_marked_at for s in signups),
            "events": events_for(activity) if request.user.role == Role.STAFF else [],
        },
    )


@require_POST
@role_required(Role.UNIT)
def signup_withdraw(request, pk: int, signup_pk: int):
    activity = get_object_or_404(selectors.activities_for(request.user), pk=pk)
    signup = get_object_or_404(selectors.signups_for(request.user, activity), pk=signup_pk)
    try:
        services.withdraw_signup(signup, actor=request.user)
    except services.ActivityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已撤回 {signup.studio.name} 的报名")
    return redirect("activities:activity_detail", pk=activity.pk)


@require_POST
@duty_required("reviewer", "approver")
def attendance(request, pk: int):
    activity = get_object_or_404(selectors.activities_for(request.user), pk=pk)
    came = {}
    for signup in selectors.signups_for(request.user, activity):
        came[signup.pk] = request.POST.getlist(f"came-{signup.pk}")
    try:
        signups = services.mark_attendance(activity, came, actor=request.user)
    except services.ActivityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已登记出勤：实到 {sum(s.attended for s in signups)} 人")
    return redirect("activities:activity_detail", pk=activity.pk)


@require_POST
@duty_required("reviewer", "approver")
def activity_state(request, pk: int):
    activity = get_object_or_404(selectors.activities_for(request.user), pk=pk)
    try:
        services.change_state(
            activity, request.POST.get("target", ""), actor=request.user, reason=request.POST.get("reason", "")
        )
    except services.ActivityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"活动状态已变更为“{activity.get_state_display()}”")
    return redirect("activities:activity_detail", pk=activity.pk)


@role_required(*READERS)
def report_list(request):
    rows = selectors.reports_for(request.user)
    if wants_xlsx(request):
        return xlsx_response(
            request,
            filename="工作室活动.xlsx",
            title="工作室活动",
            what="studio_activities",
            headers=["工作室", "类型", "活动名称", "日期", "参加人数", "带徒名单", "内容与成效", "照片数"],
            rows=(
                [
                    r.studio.name,
                    r.get_kind_display(),
                    r.title,
                    r.held_on,
                    r.participants,
                    r.apprentices.replace("\n", "；"),
                    r.description,
                    r.photo_count,
                ]
                for r in rows
            ),
        )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "activities/report_list.html", {"page": page})


@role_required(Role.UNIT)
def report_create(request):
    studios = _own_studios(request.user)
    form = ReportForm(request.POST or None, request.FILES or None, studios=studios)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("photos", "studio")}
        try:
            services.report_activity(
                form.cleaned_data["studio"], data=data, photos=form.cleaned_data["photos"], actor=request.user
            )
        except services.ActivityError as exc:
            _error(form, exc)
        else:
            messages.success(request, "已填报活动")
            return redirect("activities:report_list")
    return render(request, "activities/report_form.html", {"form": form})


@role_required(*READERS)
def report_detail(request, pk: int):
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    return render(request, "activities/report_detail.html", {"report": report, "photos": report.photos.all()})


@role_required(*READERS)
def photo(request, pk: int):
    item = get_object_or_404(selectors.photos_for(request.user), pk=pk)
    record_read(request, "studio_activity.photo_download", obj=item.activity, key=item.pk, data={"photo": item.pk})
    return serve(item.image, item.original_name)

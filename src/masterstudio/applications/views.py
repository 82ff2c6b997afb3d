"""Thin views of the applying capability: each reads through selectors and writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from masterstudio.accounts.models import Role
from masterstudio.accounts.permissions import duty_required
from masterstudio.applications import exports, occupations, selectors
from masterstudio.applications.forms import ApplicationForm, QuickPersonForm, RoundForm, StaffFilterForm
from masterstudio.applications.models import Application, AppState, Round
from masterstudio.applications.presenters import (
    conditions_view,
    precheck_view,
    timeline,
    unit_progress,
    unit_state_label,
)
from masterstudio.applications.services import (
    base as app_base,
)
from masterstudio.applications.services import (
    copies as app_copies,
)
from masterstudio.applications.services import (
    drafts as app_drafts,
)
from masterstudio.applications.services import (
    materials as app_materials,
)
from masterstudio.applications.services import (
    rounds as app_rounds,
)
from masterstudio.applications.services import (
    staff as app_staff,
)
from masterstudio.applications.services import (
    submission as app_submission,
)
from masterstudio.applications.states import APPLICATION_MACHINE
from masterstudio.catalog import engine
from masterstudio.core.event_kinds import record_read
from masterstudio.core.excel import xlsx_response
from masterstudio.core.permissions import staff_required
from masterstudio.core.uploads import ACCEPT_ATTR, serve
from masterstudio.units.permissions import approved_unit_required


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# ---------------------------------------------------------------- public


def rounds_public(request):
    return render(request, "applications/rounds_public.html", {"rounds": selectors.open_rounds()})


# ---------------------------------------------------------------- unit side


@approved_unit_required
def mine(request):
    applications = list(selectors.applications_for(request.user).prefetch_related("supplement_requests"))
    for application in applications:
        application.shown_state = unit_state_label(application)
    return render(
        request,
        "applications/mine.html",
        {
            "applications": applications,
            "rounds": selectors.open_rounds(),
        },
    )


@approved_unit_required
@require_POST
def start(request, round_id: int):
    round_ = get_object_or_404(Round, pk=round_id)
    try:
        application = app_copies.start_application(unit=request.user.unit, round_=round_, actor=request.user)
    except app_base.ApplyError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("applications:mine")
    return redirect("applications:edit", pk=application.pk)


def _wizard_context(request, application: Application, form=None, person_form=None, submit_errors=None):
    if form is None:
        form = ApplicationForm.from_draft(application.draft, unit=application.unit)
        form.is_valid()
    materials = list(selectors.active_materials(application))
    items = app_base.material_items(application)
    open_request = application.supplement_requests.filter(resolved_at__isnull=True).first()
    flagged = {i["item"]: i["comment"] for i in (open_request.items if open_request else [])}
    for item in items:
        item["files"] = [m for m in materials if m.item == item["clause"]]
        item["flag"] = flagged.get(item["clause"], "")
    return {
        "application": application,
        "form": form,
        "person_form": person_form or QuickPersonForm(unit=application.unit),
        "items": items,
        "flagged": flagged,
        "open_request": open_request,
        "precheck": precheck_view(application.precheck),
        "accept": ACCEPT_ATTR,
        "max_mb": app_base.settings_max_mb(),
        "submit_errors": submit_errors or [],
        "editable": application.state in app_base.EDITABLE_STATES,
    }


def _save_draft(request, application: Application) -> tuple[Application, ApplicationForm]:
    """Read what was typed with the wizard's form, hand the draft read to the service, and return
    the form to show: this one, or the stored draft's when this autosave came in after a later one."""
    form = ApplicationForm(request.POST, unit=application.unit)
    form.is_valid()
    application, draft = app_drafts.save_draft(application.pk, form.draft, actor=request.user)
    if draft is not form.draft:
        form = ApplicationForm.from_draft(application.draft, unit=application.unit)
        form.is_valid()
    return application, form


@approved_unit_required
def edit(request, pk: int):
    application = selectors.application_for(request.user, pk)
    if application.state not in app_base.EDITABLE_STATES or request.user.role != Role.UNIT:
        return redirect("applications:detail", pk=pk)
    if request.method == "POST":  # the no-script path of autosave: "保存草稿"
        try:
            application, form = _save_draft(request, application)
        except app_base.ApplyError as exc:
            for text in exc.messages:
                messages.error(request, text)
            return redirect("applications:detail", pk=pk)
        if form.errors:
            messages.warning(request, "草稿已保存；标红的栏目需要修改")
        else:
            messages.success(request, "草稿已保存")
        return render(request, "applications/wizard.html", _wizard_context(request, application, form))
    return render(request, "applications/wizard.html", _wizard_context(request, application))


@require_POST
def autosave(request, pk: int):
    """htmx: save as typed; answer with the pre-check panel and each field's errors."""
    if not request.user.is_authenticated:
        return HttpResponse(
            "登录已超时，请重新登录；您填写的内容已保存在本机浏览器中，重新登录后回到此页即可恢复",
            status=401,
            content_type="text/plain; charset=utf-8",
        )
    if request.user.role != Role.UNIT:
        return HttpResponse("只有申报单位账号可以填报申报", status=403, content_type="text/plain; charset=utf-8")
    application = selectors.application_for(request.user, pk)
    try:
        application, form = _save_draft(request, application)
    except app_base.ApplyError as exc:
        return HttpResponse("；".join(exc.messages), status=409, content_type="text/plain; charset=utf-8")
    context = _wizard_context(request, application, form)
    context["saved_at"] = timezone.localtime()
    return render(request, "applications/_autosave.html", context)


@approved_unit_required
@require_POST
def add_person(request, pk: int):
    application = selectors.application_for(request.user, pk)
    form = QuickPersonForm(request.POST, unit=application.unit)
    if form.is_valid():
        try:
            data = form.cleaned_data
            person = app_drafts.add_person(
                application=application,
                actor=request.user,
                name=data["name"],
                id_number=data["id_number"],
                original_retirement_age=data.get("original_retirement_age"),
                position=data.get("position", ""),
                formal_employee=data.get("formal_employee", False),
                frontline=data.get("frontline", False),
            )
        except app_base.ApplyError as exc:
            for text in exc.messages:
                messages.error(request, text)
            return redirect("applications:detail", pk=pk)
        messages.success(request, f"已登记人员：{person.name}，可在下方选为领办人或团队成员")
        return redirect(reverse("applications:edit", args=[pk]) + "#leader")
    messages.error(request, "人员信息有误，请按提示修改")
    return render(
        request, "applications/wizard.html", _wizard_context(request, application, person_form=form), status=400
    )


@approved_unit_required
@require_POST
def upload(request, pk: int, item: str):
    application = selectors.application_for(request.user, pk)
    try:
        stored, errors = app_materials.upload_materials(
            application.pk, item, request.FILES.getlist("files"), actor=request.user
        )
    except app_base.ApplyError as exc:
        stored, errors = [], exc.messages
    if _is_htmx(request):
        application.refresh_from_db()
        context = _wizard_context(request, application)
        block = next((i for i in context["items"] if i["clause"] == item), None)
        if block is None:
            raise Http404
        return render(
            request, "applications/_material_item.html", {**context, "item": block, "errors": errors, "stored": stored}
        )
    for text in errors:
        messages.error(request, text)
    if stored:
        messages.success(request, f"已上传 {len(stored)} 个文件")
    return redirect(reverse("applications:edit", args=[pk]) + f"#item-{item}")


@approved_unit_required
@require_POST
def remove_material(request, pk: int):
    material = selectors.material_file_for(request.user, pk)
    try:
        app_materials.remove_material(material.pk, actor=request.user)
    except app_base.ApplyError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, f"已移除：{material.original_name}")
    return redirect(reverse("applications:edit", args=[material.application_id]) + f"#item-{material.item}")


@require_GET
def download(request, pk: int):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    material = selectors.material_file_for(request.user, pk)
    record_read(
        request,
        "material.downloaded",
        obj=material.application,
        key=material.pk,
        data={"material": material.pk, "name": material.original_name},
    )
    return serve(material.file, material.original_name, kind=material.kind, inline=request.GET.get("inline") == "1")


@approved_unit_required
@require_POST
def submit(request, pk: int):
    application = selectors.application_for(request.user, pk)
    try:
        snapshot = app_submission.submit(application.pk, actor=request.user)
    except app_base.ApplyError as exc:
        application.refresh_from_db()
        if application.state not in app_base.EDITABLE_STATES:  # e.g. sent again from the back button
            for text in exc.messages:
                messages.error(request, text)
            return redirect("applications:detail", pk=pk)
        form = ApplicationForm.from_draft(application.draft, unit=application.unit, final=True)
        form.is_valid()
        return render(
            request,
            "applications/wizard.html",
            _wizard_context(request, application, form=form, submit_errors=exc.messages),
            status=400,
        )
    messages.success(request, f"申报已提交，受理编号 {snapshot.receipt_no}")
    return redirect("applications:detail", pk=pk)


@approved_unit_required
@require_POST
def withdraw(request, pk: int):
    application = selectors.application_for(request.user, pk)
    try:
        app_submission.withdraw(application.pk, actor=request.user, reason=request.POST.get("reason", ""))
    except Exception as exc:  # ApplyError or a refused transition: both carry a Chinese message
        messages.error(request, str(exc))
    else:
        messages.success(request, "申报已撤回")
    return redirect("applications:detail", pk=pk)


def _detail_context(application: Application, user) -> dict:
    snapshots = list(application.snapshots.all())
    unit_side = user.role != Role.STAFF  # the unit's progress page: what core.event_kinds lets it see
    return {
        "application": application,
        "snapshots": snapshots,
        "latest": snapshots[-1] if snapshots else None,
        "timeline": [] if unit_side else timeline(application),
        "progress": unit_progress(application) if unit_side else None,
        "precheck": precheck_view(application.precheck),
        "requests": list(application.supplement_requests.all()),
        "materials": list(selectors.active_materials(application)),
        "team": [m.person for m in application.team_members.select_related("person")],
        "conditions": conditions_view(application),
        "can_withdraw": user.role == Role.UNIT and (application.state, AppState.WITHDRAWN) in APPLICATION_MACHINE.table,
        "editable": user.role == Role.UNIT and application.state in app_base.EDITABLE_STATES,
    }


@approved_unit_required
def detail(request, pk: int):
    application = selectors.application_for(request.user, pk)
    return render(request, "applications/detail.html", _detail_context(application, request.user))


def snapshot(request, pk: int, version: int):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    application = selectors.application_for(request.user, pk)
    snap = get_object_or_404(application.snapshots, version=version)
    return render(
        request,
        "applications/snapshot.html",
        {
            "application": application,
            "snapshot": snap,
            "precheck": precheck_view(snap.precheck),
        },
    )


@require_GET
def occupation_search(request):
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    results = occupations.search(request.GET.get("occupation_code") or request.GET.get("q", ""))
    return render(request, "applications/_occupation_options.html", {"results": results})


# ---------------------------------------------------------------- staff side


def _policy_versions() -> dict[str, str]:
    """Each version with known parameters → its last day (the chain decides, by date)."""
    chain = engine.versions()
    return {v.name: chain.end_of(v).isoformat() for v in chain.versions if v.params is not None}


@staff_required
def rounds(request):
    return render(request, "applications/rounds.html", {"rounds": Round.objects.all(), "now": timezone.now()})


@duty_required("reviewer", "approver")
def round_edit(request, pk: int | None = None):
    instance = get_object_or_404(Round, pk=pk) if pk else None
    form = RoundForm(request.POST or None, instance=instance, policy_versions=_policy_versions())
    if request.method == "POST" and form.is_valid():
        try:
            round_ = app_rounds.save_round(form.save(commit=False), actor=request.user)
        except app_base.ApplyError as exc:
            form.add_error("closes_at", str(exc))
        else:
            messages.success(request, f"已保存申报批次：{round_.title}")
            return redirect("applications:rounds")
    return render(request, "applications/round_form.html", {"form": form, "round": instance})


@staff_required
def staff_list(request):
    filters = StaffFilterForm(request.GET or None)
    qs = selectors.staff_application_list(request.user, request.GET)
    # perf (issue 9): the list shows none of the JSON documents nor the encrypted numbers; not
    # fetching them spares the transfer, the JSON parsing and one decryption per row and column
    qs = qs.defer(
        "facts", "precheck", "draft", "copy_report", "unit__contact_phone", "leader__id_number", "leader__phone"
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "applications/staff_list.html", {"filters": filters, "page": page})


@staff_required
def staff_export(request):
    qs = selectors.staff_application_list(request.user, request.GET)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(
        request,
        filename=f"applications-{stamp}.xlsx",
        title="申报列表",
        headers=exports.HEADERS,
        rows=exports.application_rows(qs),
        what="applications",
    )


@staff_required
def staff_detail(request, pk: int):
    application = selectors.application_for(request.user, pk)
    if application.state == AppState.DRAFT:
        raise Http404("草稿未提交，社会事业局不可见")
    context = _detail_context(application, request.user)
    context["items"] = app_base.material_items(application)
    context["sections"] = app_base.SECTION_ITEMS
    context["can_review"] = request.user.has_duty("reviewer")
    return render(request, "applications/staff_detail.html", context)


@duty_required("reviewer")
@require_POST
def staff_start_review(request, pk: int):
    application = selectors.application_for(request.user, pk)
    try:
        app_staff.start_material_review(application.pk, actor=request.user)
    except Exception as exc:  # a refused transition carries a Chinese message
        messages.error(request, str(exc))
    else:
        messages.success(request, "已开始材料审核")
    return redirect("applications:staff_detail", pk=pk)


@duty_required("reviewer")
@require_POST
def staff_supplement(request, pk: int):
    application = selectors.application_for(request.user, pk)
    keys = list(app_base.SECTION_ITEMS) + [i["clause"] for i in app_base.material_items(application)]
    items = {key: request.POST.get(f"item_{key}", "") for key in keys}
    try:
        app_staff.return_for_supplement(
            application.pk, actor=request.user, comment=request.POST.get("comment", ""), items=items
        )
    except Exception as exc:  # ApplyError or a refused transition
        messages.error(request, str(exc))
        context = _detail_context(application, request.user)
        context.update(
            items=app_base.material_items(application),
            sections=app_base.SECTION_ITEMS,
            can_review=True,
            posted=request.POST,
        )
        return render(request, "applications/staff_detail.html", context, status=400)
    messages.success(request, "已退回补正，单位将收到逐项意见")
    return redirect("applications:staff_detail", pk=pk)

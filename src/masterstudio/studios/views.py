from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from masterstudio.accounts.models import Role
from masterstudio.core import params as query
from masterstudio.core.event_kinds import record_read
from masterstudio.core.events import events_for, record_event
from masterstudio.core.pagecache import cached_page
from masterstudio.core.permissions import duty_required, recent_auth_required
from masterstudio.studios.certificate import render_certificate
from masterstudio.studios.forms import ResolveFlagForm, RevocationForm
from masterstudio.studios.models import StudioState
from masterstudio.studios.selectors import studio_for, studio_list


@login_required
def certificate(request, pk):
    studio = studio_for(request.user, pk)
    pdf = render_certificate(studio)
    record_read(
        request,
        "studio.certificate_downloaded",
        obj=studio,
        clause="10",
        ip=request.META.get("REMOTE_ADDR"),
        data={"nameplate_no": studio.nameplate_no},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = "-revoked" if studio.state == StudioState.REVOKED else ""
    response["Content-Disposition"] = f'inline; filename="certificate-{studio.pk}{suffix}.pdf"'
    return response


@login_required
@cached_page
def studio_index(request):
    studios = studio_list(request.user, request.GET)
    if request.user.role not in (Role.UNIT, Role.LEADER, Role.STAFF, Role.EVALUATOR):
        raise Http404("没有可查看的工作室")
    page = Paginator(studios, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "studios/list.html",
        {"page": page, "states": StudioState.choices, "filters": {k: request.GET.get(k, "") for k in ("state", "q")}},
    )


def _documents(studio):
    docs = []
    revoked = "（已撤销，证书加盖撤销标记）" if studio.state == StudioState.REVOKED else ""
    docs.append(
        {"title": f"认定证书（{studio.nameplate_no}）{revoked}", "url": f"/studios/{studio.pk}/certificate.pdf"}
    )
    for summary in studio.summaries.prefetch_related("attachments"):
        for item in summary.attachments.all():
            docs.append(
                {"title": f"{summary.year}年度总结附件：{item.title}", "url": f"/summaries/attachments/{item.pk}/"}
            )
    for rect in studio.rectifications.all():
        if rect.report_file:
            docs.append(
                {"title": f"{rect.assessment.year}年度整改材料", "url": f"/assessments/rectifications/{rect.pk}/file/"}
            )
    revocation = getattr(studio, "revocation", None) if hasattr(studio, "revocation") else None
    if revocation is not None and revocation.evidence_file:
        docs.append({"title": "撤销证据材料", "url": f"/recoveries/revocations/{revocation.pk}/file/"})
    return docs


@login_required
@cached_page
def studio_detail(request, pk):
    studio = studio_for(request.user, pk)
    user = request.user
    is_staff = user.role == Role.STAFF
    team = []
    if studio.application_id:
        team = [m.person for m in studio.application.team_members.select_related("person")]
    from masterstudio.recoveries.models import Recovery, Revocation

    context = {
        "studio": studio,
        "team": team,
        "is_staff": is_staff,
        "flags": studio.flags.all() if is_staff else [],
        "summaries": studio.summaries.order_by("-year"),
        "assessments": studio.assessments.filter(published=True).order_by("-year", "-created_at")
        if not is_staff
        else studio.assessments.order_by("-year", "-created_at"),
        "rectifications": studio.rectifications.select_related("assessment"),
        "revocation": Revocation.objects.filter(studio=studio).first(),
        "recovery": Recovery.objects.filter(studio=studio).first(),
        "documents": _documents(studio),
        "events": events_for(studio),
        "year": timezone.localdate().year,
        "can_revoke": user.has_duty("approver") and studio.state != StudioState.REVOKED,
        "resolve_form": ResolveFlagForm(),
    }
    return render(request, "studios/detail.html", context)


@duty_required("approver")
@recent_auth_required
def revoke(request, pk):
    from masterstudio.recoveries.services import RecoveryError
    from masterstudio.recoveries.services import revoke as do_revoke

    studio = studio_for(request.user, pk)
    if studio.state == StudioState.REVOKED:
        messages.error(request, f"该工作室已于 {studio.revoked_on:%Y-%m-%d} 撤销")
        return redirect("studios:detail", studio.pk)
    initial = {}
    cause = query.text(request.GET, "cause", max_length=20, label="撤销情形")
    if request.method == "GET" and cause:
        initial["cause"] = cause
    form = RevocationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            revocation = do_revoke(
                studio,
                cause=data["cause"],
                evidence=data["evidence"],
                decision=data["decision"],
                decided_on=data["decided_on"],
                document_no=data["document_no"],
                upload=data["evidence_file"],
                actor=request.user,
            )
        except RecoveryError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            recovery = revocation.recovery
            messages.success(
                request,
                f"已撤销（第{revocation.clause}条），铭牌登记为收回；应追回 {recovery.amount_due:,.2f} 元，"
                f"取消未拨付 {recovery.amount_cancelled:,.2f} 元",
            )
            return redirect("recoveries:detail", recovery.pk)
    from masterstudio.recoveries.services import recovery_items

    try:  # what the decision would recover today, from the same payment records (it writes nothing)
        items = recovery_items(studio, timezone.localdate())
        preview = {
            "cycle_start": items["cycle_start"],
            "cycle_end": items["cycle_end"],
            "due": items["due"],
            "cancelled": items["cancelled"],
            "clauses": items["clauses"],
        }
    except Exception as exc:  # the preview is informative only; the decision recomputes it
        preview = {"error": str(exc)}
    return render(request, "studios/revoke.html", {"studio": studio, "form": form, "preview": preview})


@duty_required("reviewer", "approver")
def flags(request):
    from masterstudio.assessments.models import Flag

    show = query.choice(request.GET, "show", ("open", "all"), default="open", label="范围")
    queryset = Flag.objects.select_related("studio", "studio__unit", "resolved_by")
    if show == "open":
        queryset = queryset.filter(resolved_at__isnull=True)
    page = Paginator(queryset.order_by("-raised_on", "id"), 30).get_page(request.GET.get("page"))
    return render(request, "studios/flags.html", {"page": page, "show": show, "resolve_form": ResolveFlagForm()})


@duty_required("reviewer", "approver")
@require_POST
def resolve_flag(request, pk):
    from masterstudio.assessments.models import Flag

    flag = get_object_or_404(Flag, pk=pk)
    form = ResolveFlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写处理意见（如：已核实，领办人返聘继续工作）")
    elif flag.resolved_at is not None:
        messages.error(request, "该提示已处理")
    else:
        updated = Flag.objects.filter(pk=flag.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=request.user, resolution=form.cleaned_data["resolution"]
        )
        if updated:
            record_event(
                "flag.resolved",
                obj=flag.studio,
                actor=request.user,
                clause=flag.clause,
                reason=form.cleaned_data["resolution"],
                data={"flag": flag.pk, "kind": flag.kind},
            )
            messages.success(request, "已记录处理意见")
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/studios/") and "//" not in target else "studios:flags")

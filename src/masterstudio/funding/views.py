from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from masterstudio.accounts.models import Role
from masterstudio.accounts.permissions import duty_required
from masterstudio.core.event_kinds import record_read
from masterstudio.core.events import events_for
from masterstudio.core.excel import wants_xlsx, xlsx_response
from masterstudio.core.permissions import reauth_redirect, recent_auth_required, role_required
from masterstudio.core.uploads import serve
from masterstudio.funding import selectors, services
from masterstudio.funding.forms import (
    AwardForm,
    CancelForm,
    DisburseForm,
    DocumentForm,
    RecoveryForm,
    ReverseForm,
    TitleForm,
)
from masterstudio.funding.models import GrantKind, GrantState

ALL_ROLES = ("unit", "leader", "staff", "evaluator")


def _payments(grant):
    """A grant's payment records, each marked when a reversing entry (冲正) follows it."""
    from django.db.models import Exists, OuterRef

    from masterstudio.funding.models import Disbursement

    return grant.disbursements.select_related("confirmed_by").annotate(
        reversed=Exists(Disbursement.objects.filter(reversal_of=OuterRef("pk")))
    )


def _form_error(form, exc):
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc))


@role_required(*ALL_ROLES)
def grant_list(request):
    grants = selectors.filter_grants(selectors.grants_for(request.user), request.GET).order_by("-dated_on", "-id")
    if wants_xlsx(request):
        rows = (
            [
                g.studio.name,
                g.studio.unit.name,
                g.get_kind_display(),
                g.clause_label,
                g.year,
                g.amount,
                g.paid,
                g.dated_on,
                g.get_state_display(),
                g.document_no,
                g.disbursed_on,
                g.voucher_no,
                "是" if g.recovery_required else "否",
                g.closed_on,
                g.recovery_voucher_no,
            ]
            for g in grants
        )
        return xlsx_response(
            request,
            filename="资助与奖励台账.xlsx",
            title="资助与奖励",
            headers=[
                "工作室",
                "所在单位",
                "类别",
                "依据条款",
                "考核年度",
                "核定金额（元）",
                "已拨付（元）",
                "核定日期",
                "状态",
                "文件编号",
                "拨付完毕日期",
                "拨付凭证号",
                "须追回",
                "取消/追回日期",
                "追回凭证号",
            ],
            rows=rows,
            what="grants",
        )
    page = Paginator(grants, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/grant_list.html",
        {
            "page": page,
            "states": GrantState.choices,
            "kinds": GrantKind.choices,
            "filters": {k: request.GET.get(k, "") for k in ("state", "kind", "year", "q")},
        },
    )


@role_required(*ALL_ROLES)
def grant_detail(request, pk: int):
    grant = get_object_or_404(selectors.grants_for(request.user), pk=pk)
    user = request.user
    context = {
        "grant": grant,
        "disbursements": _payments(grant),
        "documents": grant.documents.select_related("uploaded_by"),
        "events": events_for(grant) if user.role == Role.STAFF else [],
        "remaining": grant.amount - grant.paid,
    }
    if user.has_duty("finance") and grant.state == GrantState.APPROVED:
        context["disburse_form"] = DisburseForm(initial={"amount": grant.amount - grant.paid})
    if user.has_duty("approver") and grant.state == GrantState.APPROVED and not grant.paid:
        context["cancel_form"] = CancelForm()
    if user.has_duty("finance") and grant.state == GrantState.DISBURSED and grant.recovery_required:
        context["recovery_form"] = RecoveryForm()
    if user.role == Role.STAFF and any(user.has_duty(d) for d in ("reviewer", "approver", "finance")):
        context["document_form"] = DocumentForm()
    if (
        user.has_duty("finance")
        and not grant.recovery_required
        and grant.state in (GrantState.APPROVED, GrantState.DISBURSED)
    ):
        context["reverse_form"] = ReverseForm()
    return render(request, "funding/grant_detail.html", context)


def _grant_action(request, pk, form_class, action, context_key, success):
    grant = get_object_or_404(selectors.grants_for(request.user), pk=pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            action(grant, form.cleaned_data)
        except services.FundingError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("funding:grant_detail", pk=grant.pk)
    return render(
        request,
        "funding/grant_detail.html",
        {
            "grant": grant,
            "disbursements": _payments(grant),
            "documents": grant.documents.select_related("uploaded_by"),
            "events": events_for(grant),
            "remaining": grant.amount - grant.paid,
            context_key: form,
        },
        status=400,
    )


@require_POST
@duty_required("finance")
@recent_auth_required
def grant_disburse(request, pk: int):
    return _grant_action(
        request,
        pk,
        DisburseForm,
        lambda g, d: services.disburse(
            g, amount=d["amount"], paid_on=d["paid_on"], voucher_no=d["voucher_no"], note=d["note"], actor=request.user
        ),
        "disburse_form",
        "已登记拨付",
    )


@require_POST
@duty_required("approver")
@recent_auth_required
def grant_cancel(request, pk: int):
    return _grant_action(
        request,
        pk,
        CancelForm,
        lambda g, d: services.cancel_grant(g, actor=request.user, reason=d["reason"], on=d["on"]),
        "cancel_form",
        "已取消核定",
    )


@require_POST
@duty_required("finance")
@recent_auth_required
def disbursement_reverse(request, pk: int, payment_pk: int):
    """Correct a wrong payment record by a reversing entry (冲正), never by editing it."""
    return _grant_action(
        request,
        pk,
        ReverseForm,
        lambda g, d: services.reverse_disbursement(_payment_of(g, payment_pk), reason=d["reason"], actor=request.user),
        "reverse_form",
        "已冲正该笔拨付记录",
    )


def _payment_of(grant, payment_pk):
    payment = grant.disbursements.filter(pk=payment_pk).first()
    if payment is None:
        raise services.FundingError("没有找到该笔拨付记录")
    return payment


@require_POST
@duty_required("finance")
@recent_auth_required
def grant_recover(request, pk: int):
    return _grant_action(
        request,
        pk,
        RecoveryForm,
        lambda g, d: services.confirm_recovery(
            g, actor=request.user, on=d["on"], voucher_no=d["voucher_no"], reason=d["reason"]
        ),
        "recovery_form",
        "已确认追回到账",
    )


@require_POST
@duty_required("reviewer", "approver", "finance")
def grant_document(request, pk: int):
    return _grant_action(
        request,
        pk,
        DocumentForm,
        lambda g, d: services.attach_document(g, title=d["title"], upload=d["file"], actor=request.user),
        "document_form",
        "已上传文件",
    )


@role_required(*ALL_ROLES)
def document_download(request, pk: int):
    document = get_object_or_404(selectors.documents_for(request.user), pk=pk)
    record_read(
        request,
        "grant.document_download",
        obj=document.grant,
        key=document.pk,
        data={"document": document.pk},
        ip=request.META.get("REMOTE_ADDR"),
    )
    return serve(document.file, document.original_name)


@duty_required("approver")
@recent_auth_required
def award(request):
    form = AwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = services.award_grant(
                data["studio"],
                data["kind"],
                on=data["on"],
                year=data.get("year"),
                actor=request.user,
                basis=data["basis"],
                document_no=data["document_no"],
            )
        except services.FundingError as exc:
            _form_error(form, exc)
        else:
            if grant.already_recorded:
                messages.warning(
                    request, f"已登记：该项资助已于 {grant.dated_on:%Y-%m-%d} 核定，未重复核定；以下为已有记录"
                )
            else:
                messages.success(
                    request, f"已核定 {grant.get_kind_display()} {grant.amount:,.2f} 元（{grant.clause_label}）"
                )
            return redirect("funding:grant_detail", pk=grant.pk)
    return render(request, "funding/award.html", {"form": form})


@role_required(*ALL_ROLES)
def titles(request):
    rows = selectors.titles_for(request.user)
    if wants_xlsx(request):
        return xlsx_response(
            request,
            filename="上级工作室称号.xlsx",
            title="称号",
            headers=["工作室", "称号级别", "命名文件文号", "命名日期", "登记人"],
            rows=(
                [t.studio.name, t.get_level_display(), t.document_no, t.awarded_on, t.recorded_by.display_name]
                for t in rows
            ),
            what="titles",
        )
    form = None
    if request.user.has_duty("approver"):
        if request.method == "POST" and (stale := reauth_redirect(request)) is not None:
            return stale  # a title reward is a money action: confirm identity first
        form = TitleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                title, grant = services.record_title(
                    data["studio"],
                    data["level"],
                    document_no=data["document_no"],
                    awarded_on=data["awarded_on"],
                    actor=request.user,
                )
            except services.FundingError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request,
                    f"已登记{title.get_level_display()}称号，核定奖励 {grant.amount:,.2f} 元（{grant.clause_label}）",
                )
                return redirect("funding:titles")
    elif request.method == "POST":
        return render(request, "errors/403.html", {"message": "登记称号并核定奖励需要审批职责"}, status=403)
    return render(request, "funding/titles.html", {"titles": rows, "form": form})

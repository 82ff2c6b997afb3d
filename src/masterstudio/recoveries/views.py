from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from masterstudio.accounts.permissions import duty_required
from masterstudio.core import params as query
from masterstudio.core.event_kinds import record_read
from masterstudio.core.events import events_for
from masterstudio.core.permissions import recent_auth_required, staff_required
from masterstudio.core.uploads import serve
from masterstudio.funding.forms import ReverseForm
from masterstudio.recoveries import amounts, selectors, services
from masterstudio.recoveries.forms import RepaymentForm, RevocationForm
from masterstudio.recoveries.models import Recovery, Repayment
from masterstudio.studios.models import StudioState
from masterstudio.studios.selectors import studio_for


def _recovery(user, pk) -> Recovery:
    return selectors.recovery_for(user, pk)


@staff_required
def index(request):
    show = query.choice(request.GET, "show", ("open", "all"), default="open", label="范围")
    recoveries = selectors.recoveries_for(request.user)
    if show == "open":
        recoveries = recoveries.filter(state="open")
    # perf (issue 9): the repaid sum in the same query, not one aggregate per row
    recoveries = recoveries.annotate(repaid_sum=Sum("repayments__amount"))
    rows = [
        {"r": r, "repaid": r.repaid_sum or amounts.ZERO, "owed": r.amount_due - (r.repaid_sum or amounts.ZERO)}
        for r in recoveries
    ]
    return render(request, "recoveries/index.html", {"rows": rows, "show": show})


def _context(recovery, form, reverse_errors=None) -> dict:
    repayments = recovery.repayments.select_related("recorded_by").annotate(
        reversed=Exists(Repayment.objects.filter(reversal_of=OuterRef("pk")))
    )
    return {
        "recovery": recovery,
        "repaid": services.repaid_total(recovery),
        "owed": services.outstanding(recovery),
        "form": form,
        "reverse_form": ReverseForm(),
        "reverse_errors": reverse_errors,
        "repayments": repayments,
        "events": events_for(recovery),
    }


@staff_required
def detail(request, pk):
    recovery = _recovery(request.user, pk)
    return render(request, "recoveries/detail.html", _context(recovery, RepaymentForm()))


@duty_required("finance")
@recent_auth_required
def repay(request, pk):
    recovery = _recovery(request.user, pk)
    form = RepaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_repayment(
                recovery,
                amount=data["amount"],
                paid_on=data["paid_on"],
                voucher_no=data["voucher_no"],
                note=data["note"],
                actor=request.user,
            )
        except services.RecoveryError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            recovery.refresh_from_db()
            messages.success(request, "已登记退回款" + ("，追回已结清" if recovery.state == "settled" else ""))
            return redirect("recoveries:detail", recovery.pk)
    return render(
        request, "recoveries/detail.html", _context(recovery, form), status=400 if request.method == "POST" else 200
    )


@require_POST
@duty_required("finance")
@recent_auth_required
def reverse_repayment(request, pk, repayment_pk):
    """Correct a wrong repayment record by a reversing entry (冲正), never by editing it."""
    recovery = _recovery(request.user, pk)
    form = ReverseForm(request.POST)
    repayment = recovery.repayments.filter(pk=repayment_pk).first()
    if repayment is None:
        raise Http404("没有找到该退回款记录")
    if form.is_valid():
        try:
            services.reverse_repayment(repayment, reason=form.cleaned_data["reason"], actor=request.user)
        except services.RecoveryError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"已冲正凭证号“{repayment.voucher_no}”的退回款记录")
            return redirect("recoveries:detail", recovery.pk)
    return render(
        request, "recoveries/detail.html", _context(recovery, RepaymentForm(), reverse_errors=form), status=400
    )


@login_required
def evidence_file(request, pk):
    revocation = selectors.revocation_file_for(request.user, pk)
    record_read(request, "revocation.file_downloaded", obj=revocation, clause=revocation.clause)
    return serve(revocation.evidence_file, revocation.evidence_file_name)


@duty_required("approver")
@recent_auth_required
def revoke(request, pk):
    """The revocation of a studio (Art. 13), under /studios/<pk>/revoke/ (``studios:revoke``)."""
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
            revocation = services.revoke(
                studio,
                cause=data["cause"],
                evidence=data["evidence"],
                decision=data["decision"],
                decided_on=data["decided_on"],
                document_no=data["document_no"],
                upload=data["evidence_file"],
                actor=request.user,
            )
        except services.RecoveryError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            recovery = revocation.recovery
            messages.success(
                request,
                f"已撤销（第{revocation.clause}条），铭牌登记为收回；应追回 {recovery.amount_due:,.2f} 元，"
                f"取消未拨付 {recovery.amount_cancelled:,.2f} 元",
            )
            return redirect("recoveries:detail", recovery.pk)
    try:  # what the decision would recover today, from the same payment records (it writes nothing)
        items = amounts.recovery_items(studio, timezone.localdate())
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

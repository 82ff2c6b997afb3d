from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from masterstudio.core import params as query
from masterstudio.core.events import events_for, record_event
from masterstudio.core.permissions import duty_required, recent_auth_required, staff_required
from masterstudio.core.uploads import serve
from masterstudio.recoveries import selectors, services
from masterstudio.recoveries.forms import RepaymentForm
from masterstudio.recoveries.models import Recovery


def _recovery(user, pk) -> Recovery:
    return selectors.recovery_for(user, pk)


@staff_required
def index(request):
    show = query.choice(request.GET, "show", ("open", "all"), default="open", label="范围")
    recoveries = selectors.recoveries_for(request.user)
    if show == "open":
        recoveries = recoveries.filter(state="open")
    # perf (issue 9): the repaid sum in the same query, not one aggregate per row
    from django.db.models import Sum

    recoveries = recoveries.annotate(repaid_sum=Sum("repayments__amount"))
    rows = [{"r": r, "repaid": r.repaid_sum or services.ZERO, "owed": r.amount_due - (r.repaid_sum or services.ZERO)}
            for r in recoveries]
    return render(request, "recoveries/index.html", {"rows": rows, "show": show})


@staff_required
def detail(request, pk):
    recovery = _recovery(request.user, pk)
    return render(request, "recoveries/detail.html", {
        "recovery": recovery, "repaid": services.repaid_total(recovery), "owed": services.outstanding(recovery),
        "form": RepaymentForm(), "events": events_for(recovery)})


@duty_required("finance")
@recent_auth_required
def repay(request, pk):
    recovery = _recovery(request.user, pk)
    form = RepaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_repayment(recovery, amount=data["amount"], paid_on=data["paid_on"],
                                      voucher_no=data["voucher_no"], note=data["note"], actor=request.user)
        except services.RecoveryError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            recovery.refresh_from_db()
            messages.success(request, "已登记退回款" + ("，追回已结清" if recovery.state == "settled" else ""))
            return redirect("recoveries:detail", recovery.pk)
    return render(request, "recoveries/detail.html", {
        "recovery": recovery, "repaid": services.repaid_total(recovery), "owed": services.outstanding(recovery),
        "form": form, "events": events_for(recovery)})


@login_required
def evidence_file(request, pk):
    revocation = selectors.revocation_file_for(request.user, pk)
    record_event("revocation.file_downloaded", obj=revocation, actor=request.user, clause=revocation.clause)
    return serve(revocation.evidence_file, revocation.evidence_file_name)

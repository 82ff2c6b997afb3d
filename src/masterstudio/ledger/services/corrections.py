"""Corrections: reversing entries (冲正) of incomes and expenses, never edits."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from masterstudio.core.events import record_event
from masterstudio.core.locks import lock_row
from masterstudio.ledger.models import (
    Asset,
    Expense,
    Income,
    Source,
    SpecialAccount,
)
from masterstudio.ledger.services.balances import balances
from masterstudio.ledger.services.base import LedgerError, _dated, _ensure_keeper

# ---------------------------------------------------------------- corrections


def _reason_and_date(reason: str, on, earliest: date, earliest_label: str) -> tuple[str, date]:
    from django.utils import timezone

    reason = (reason or "").strip()
    if not reason:
        raise LedgerError("请填写冲正理由（哪里登记错了）", field="reason")
    return reason, _dated(
        on or timezone.localdate(), field="on", label="冲正日期", earliest=earliest, earliest_label=earliest_label
    )


def reverse_income(income: Income, *, reason: str, actor, on: date | None = None) -> Income:
    """Correct a wrong income by a reversing entry (冲正): a row with the negative amount, its reason
    and an event; the income itself is never edited. Refused when its source's balance would fall
    below zero (the money was spent: reverse those expenses first)."""
    account = income.account
    _ensure_keeper(account, actor)
    reason, on = _reason_and_date(reason, on, income.received_on, "原到账日期")
    with transaction.atomic():
        lock_row(SpecialAccount, account.pk)
        income = Income.objects.get(pk=income.pk)
        if income.reversal_of_id is not None:
            raise LedgerError("这是一笔冲正记录，不能再冲正")
        if Income.objects.filter(reversal_of=income).exists():
            raise LedgerError("已登记：这笔收入已冲正，未重复冲正")
        available = balances(account)[income.source].balance
        if income.amount > available:
            raise LedgerError(
                f"{Source(income.source).label}余额 {available:,.2f} 元，"
                f"少于要冲正的 {income.amount:,.2f} 元"
                "（已有支出用了这笔钱）；请先冲正相应支出"
            )
        reversal = Income.objects.create(
            account=account,
            kind=income.kind,
            source=income.source,
            amount=-income.amount,
            received_on=on,
            grant=income.grant,
            voucher_no=income.voucher_no,
            note=f"冲正 {income.received_on:%Y-%m-%d} 的收入",
            reversal_of=income,
            reason=reason,
            recorded_by=actor,
        )
        record_event(
            "ledger.income_reversed",
            obj=account,
            actor=actor,
            clause="16",
            reason=reason,
            data={
                "income": income.pk,
                "reversal": reversal.pk,
                "amount": str(-income.amount),
                "source": income.source,
                "on": on,
            },
        )
    return reversal


def reverse_expense(expense: Expense, *, reason: str, actor, on: date | None = None) -> Expense:
    """Correct a wrong expense by a reversing entry (冲正, negative amount, same voucher, reason,
    event); never edited in place. An expense registered as a fixed asset is not reversed here."""
    account = expense.account
    _ensure_keeper(account, actor)
    reason, on = _reason_and_date(reason, on, expense.spent_on, "原支出日期")
    with transaction.atomic():
        lock_row(SpecialAccount, account.pk)
        expense = Expense.objects.get(pk=expense.pk)
        if expense.reversal_of_id is not None:
            raise LedgerError("这是一笔冲正记录，不能再冲正")
        if Expense.objects.filter(reversal_of=expense).exists():
            raise LedgerError("已登记：这笔支出已冲正，未重复冲正")
        if Asset.objects.filter(expense=expense).exists():
            raise LedgerError(
                "这笔支出已登记为固定资产（第16条），资产登记册中的记录须先由社会事业局核销，不能直接冲正"
            )
        reversal = Expense.objects.create(
            account=account,
            spent_on=on,
            amount=-expense.amount,
            source=expense.source,
            category=expense.category,
            description=f"冲正：{expense.description}"[:300],
            voucher_no=expense.voucher_no,
            voucher=expense.voucher.name,
            voucher_name=expense.voucher_name,
            reversal_of=expense,
            reason=reason,
            recorded_by=actor,
        )
        record_event(
            "ledger.expense_reversed",
            obj=account,
            actor=actor,
            clause="16",
            reason=reason,
            data={
                "expense": expense.pk,
                "reversal": reversal.pk,
                "amount": str(-expense.amount),
                "voucher_no": expense.voucher_no,
                "on": on,
            },
        )
    return reversal

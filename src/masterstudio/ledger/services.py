"""Writes for the special account (专账, Art. 16). The unit keeps its studio's account; every entry
records an event. The spending rules (which source pays which category, the fixed-asset threshold)
are policy parameters read from the engine (clause 16), never restated here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum

from masterstudio.core.events import record_event
from masterstudio.funding.models import Grant, GrantKind
from masterstudio.funding.services import FundingError, disbursed_total, lock_row, parse_amount
from masterstudio.core.uploads import VOUCHER_KINDS, check_upload
from masterstudio.ledger import rules
from masterstudio.ledger.models import (
    Asset,
    Category,
    Expense,
    Income,
    IncomeKind,
    Source,
    SpecialAccount,
)


class LedgerError(FundingError):
    """A refused ledger entry; carries the form field it belongs to."""


ZERO = Decimal("0.00")


def _amount(value, field: str = "amount") -> Decimal:
    try:
        return parse_amount(value, field)
    except FundingError as exc:
        raise LedgerError(str(exc), field=exc.field) from None


def source_of_grant(grant: Grant) -> str:
    """Art. 16 separates the one-time grant (Art. 14 first part) from rewards (优秀, Art. 15)."""
    return Source.GRANT if grant.kind == GrantKind.INITIAL else Source.REWARD


# ---------------------------------------------------------------- balances


@dataclass
class SourceBalance:
    source: str
    label: str
    income: Decimal
    expense: Decimal

    @property
    def balance(self) -> Decimal:
        return self.income - self.expense


def balances(account: SpecialAccount) -> dict[str, SourceBalance]:
    incomes = dict(account.incomes.values_list("source").annotate(total=Sum("amount")).order_by())
    expenses = dict(account.expenses.values_list("source").annotate(total=Sum("amount")).order_by())
    return {
        value: SourceBalance(value, label, incomes.get(value) or ZERO, expenses.get(value) or ZERO)
        for value, label in Source.choices
    }


def spending_warning(source: str, category: str, on: date) -> str:
    """The Art. 16 warning for spending ``source`` on ``category`` (the engine's sentence), or ''."""
    answer = rules.check(source, category, Decimal("0.00"), on)
    if answer["allowed"]:
        return ""
    extra = "团队激励只能从奖励费用中列支。" if category == Category.INCENTIVE else ""
    return f"{answer['message']}{extra}"


def asset_required(category: str, amount: Decimal, on: date, *, special_equipment: bool = False) -> bool:
    return rules.check(Source.GRANT, category, amount, on, special=special_equipment)["register_as_fixed_asset"]


# ---------------------------------------------------------------- writes


def open_account(studio, *, name: str, opened_on: date, bank_note: str = "", openings: dict | None = None,
                 actor) -> SpecialAccount:
    name = (name or "").strip()
    if not name:
        raise LedgerError("请填写专账（科目）名称，如“××工作室专项资金”", field="name")
    try:
        with transaction.atomic():
            account = SpecialAccount.objects.create(studio=studio, name=name, opened_on=opened_on,
                                                    bank_note=bank_note, created_by=actor)
            for source, amount in (openings or {}).items():
                if amount in (None, "", 0, ZERO):
                    continue
                value = _amount(amount, field=f"opening_{source}")
                Income.objects.create(account=account, kind=IncomeKind.OPENING, source=source, amount=value,
                                      received_on=opened_on, note="期初余额", recorded_by=actor)
            record_event("ledger.opened", obj=account, actor=actor, clause="16",
                         data={"studio": studio.pk, "openings": {k: str(v) for k, v in (openings or {}).items() if v}})
    except IntegrityError:
        raise LedgerError("该工作室已建立专账，请在原专账中记账") from None
    return account


def record_income(account: SpecialAccount, *, kind: str, amount, received_on: date, actor, grant: Grant | None = None,
                  voucher_no: str = "", note: str = "") -> Income:
    amount = _amount(amount)
    if kind == IncomeKind.GRANT:
        if grant is None or grant.studio_id != account.studio_id:
            raise LedgerError("请选择本工作室已拨付的区级资助或奖励", field="grant")
        paid = disbursed_total(grant)
        if paid <= 0:
            raise LedgerError("该笔资助尚未拨付，到账后再记入专账", field="grant")
        if amount > paid:
            raise LedgerError(f"入账金额 {amount:,.2f} 元超过该笔资助已拨付金额 {paid:,.2f} 元", field="amount")
        source = source_of_grant(grant)
    elif kind == IncomeKind.MATCHING:
        source = Source.MATCHING
        grant = None
    else:
        raise LedgerError("期初余额在建账时登记", field="kind")
    try:
        with transaction.atomic():
            income = Income.objects.create(account=account, kind=kind, source=source, amount=amount,
                                           received_on=received_on, grant=grant, voucher_no=voucher_no.strip(),
                                           note=note.strip(), recorded_by=actor)
            record_event("ledger.income", obj=account, actor=actor, clause="16",
                         data={"income": income.pk, "source": source, "amount": str(amount),
                               "grant": grant.pk if grant else None})
    except IntegrityError:
        raise LedgerError("这笔区级资助已记入专账，不能重复入账", field="grant") from None
    return income


def record_expense(account: SpecialAccount, *, spent_on: date, amount, source: str, category: str, description: str,
                   voucher_no: str, voucher, actor, explanation: str = "", asset: dict | None = None,
                   special_equipment: bool = False) -> Expense:
    """Record one expense with its voucher. Refuses a missing voucher, a non-positive amount, and
    an amount larger than the source's balance; an expense in a category its source may not pay
    for (Art. 16) needs an explanation and is saved with a warning staff can see."""
    amount = _amount(amount)
    if source not in Source.values:
        raise LedgerError("请选择资金来源", field="source")
    if category not in Category.values:
        raise LedgerError("请选择支出类别", field="category")
    description = (description or "").strip()
    if not description:
        raise LedgerError("请填写摘要（买了什么、做了什么）", field="description")
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        raise LedgerError("请填写凭证号", field="voucher_no")
    if voucher is None:
        raise LedgerError("请上传支出凭证（发票、合同或付款凭证的扫描件）", field="voucher")
    try:
        check_upload(voucher, kinds=VOUCHER_KINDS, label="凭证")
    except Exception as exc:
        raise LedgerError(getattr(exc, "messages", [str(exc)])[0], field="voucher") from exc
    if spent_on < account.opened_on:
        raise LedgerError(f"支出日期不能早于建账日期 {account.opened_on:%Y-%m-%d}", field="spent_on")
    warning = spending_warning(source, category, spent_on)
    explanation = (explanation or "").strip()
    if warning and not explanation:
        raise LedgerError(warning + "如确需列支，请在“情况说明”中写明理由后再保存。", field="explanation")
    needs_asset = asset_required(category, amount, spent_on, special_equipment=special_equipment)
    asset = {k: (v.strip() if isinstance(v, str) else v) for k, v in (asset or {}).items()}
    if needs_asset:
        threshold = rules.fixed_asset_threshold(spent_on, special=special_equipment)
        for key, label in (("name", "资产名称"), ("location", "存放地点"), ("tag_no", "资产编号（标签号）")):
            if not asset.get(key):
                raise LedgerError(f"单价 {threshold:,.0f} 元以上的设备按固定资产登记造册（第16条），请填写{label}",
                                  field=f"asset_{key}")
    with transaction.atomic():
        lock_row(SpecialAccount, account.pk)
        available = balances(account)[source].balance
        if amount > available:
            raise LedgerError(
                f"{Source(source).label}余额 {available:,.2f} 元，不足以支付 {amount:,.2f} 元；"
                "请核对资金来源，或先登记到账收入", field="amount")
        try:
            expense = Expense.objects.create(
                account=account, spent_on=spent_on, amount=amount, source=source, category=category,
                description=description, voucher_no=voucher_no, voucher=voucher, voucher_name=voucher.name,
                warning=warning, explanation=explanation, recorded_by=actor)
        except IntegrityError:
            raise LedgerError(f"本专账已登记过凭证号“{voucher_no}”的支出，请勿重复记账", field="voucher_no") from None
        created_asset = None
        if needs_asset or asset.get("name"):
            if not asset.get("tag_no") or not asset.get("location"):
                raise LedgerError("登记固定资产请填写存放地点和资产编号", field="asset_tag_no")
            if Asset.objects.filter(account=account, tag_no=asset["tag_no"]).exists():
                raise LedgerError(f"本专账已有资产编号“{asset['tag_no']}”，请核对标签号", field="asset_tag_no")
            created_asset = Asset.objects.create(account=account, expense=expense, name=asset["name"], value=amount,
                                                 acquired_on=spent_on, location=asset["location"],
                                                 tag_no=asset["tag_no"])
        record_event("ledger.expense", obj=account, actor=actor, clause="16", reason=explanation,
                     data={"expense": expense.pk, "amount": str(amount), "source": source, "category": category,
                           "voucher_no": voucher_no, "warning": warning,
                           "asset": created_asset.pk if created_asset else None})
    return expense

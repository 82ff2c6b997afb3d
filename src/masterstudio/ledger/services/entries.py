"""Opening an account and recording its incomes and expenses, each with its event."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from masterstudio.core.events import record_event
from masterstudio.core.locks import lock_row
from masterstudio.core.uploads import VOUCHER_KINDS, check_upload
from masterstudio.funding.models import Grant
from masterstudio.funding.services import disbursed_total
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
from masterstudio.ledger.services.balances import asset_required, balances, spending_warning
from masterstudio.ledger.services.base import (
    ZERO,
    LedgerError,
    _amount,
    _booked_district,
    _dated,
    _ensure_keeper,
    district_paid,
    source_of_grant,
)

# ---------------------------------------------------------------- writes


def open_account(
    studio,
    *,
    name: str,
    opened_on: date,
    bank_note: str = "",
    openings: dict | None = None,
    actor,
    opening_explanation: str = "",
) -> SpecialAccount:
    """Open the studio's special account with its opening balances. The opening date is not after
    today nor before the recognition; an opening balance of district money (grant, rewards) larger
    than what the platform records as paid to the studio is refused unless explained
    (``opening_explanation``, kept on the entry and in the event)."""
    _ensure_keeper(studio, actor)
    name = (name or "").strip()
    if not name:
        raise LedgerError("请填写专账（科目）名称，如“××工作室专项资金”", field="name")
    _dated(
        opened_on, field="opened_on", label="建账日期", earliest=studio.recognized_on, earliest_label="工作室认定日期"
    )
    explanation = (opening_explanation or "").strip()
    values = {}
    for source, amount in (openings or {}).items():
        if source not in Source.values:
            raise LedgerError("期初余额的资金来源应为一次性资助、奖励或单位配套", field="opening_grant")
        if amount in (None, "", 0, ZERO):
            continue
        values[source] = _amount(amount, field=f"opening_{source}")
    paid = district_paid(studio)
    over = {source: value for source, value in values.items() if source in paid and value > paid[source]}
    if over and not explanation:
        source, value = next(iter(over.items()))
        raise LedgerError(
            f"期初余额（{Source(source).label}）{value:,.2f} 元超过平台记录的该工作室已收到的区级"
            f"{Source(source).label} {paid[source]:,.2f} 元；请核对，或在“期初余额情况说明”中写明来由后再保存",
            field=f"opening_{source}",
        )
    if SpecialAccount.objects.filter(studio=studio).exists():
        raise LedgerError("已登记：该工作室已建立专账，请在原专账中记账")
    try:
        with transaction.atomic():
            account = SpecialAccount.objects.create(
                studio=studio, name=name, opened_on=opened_on, bank_note=bank_note, created_by=actor
            )
            for source, value in values.items():
                Income.objects.create(
                    account=account,
                    kind=IncomeKind.OPENING,
                    source=source,
                    amount=value,
                    received_on=opened_on,
                    note="期初余额",
                    recorded_by=actor,
                    explanation=explanation if source in over else "",
                )
            record_event(
                "ledger.opened",
                obj=account,
                actor=actor,
                clause="16",
                reason=explanation if over else "",
                data={
                    "studio": studio.pk,
                    "openings": {k: str(v) for k, v in values.items()},
                    "district_paid": {k: str(v) for k, v in paid.items()},
                    "over_paid": sorted(over),
                },
            )
    except IntegrityError:
        raise LedgerError("已登记：该工作室已建立专账，请在原专账中记账") from None
    return account


def record_income(
    account: SpecialAccount,
    *,
    kind: str,
    amount,
    received_on: date,
    actor,
    grant: Grant | None = None,
    voucher_no: str = "",
    note: str = "",
) -> Income:
    """Book money received. Dated not after today nor before the account's opening; a district
    grant once, never more than was paid, and with the opening balance never more district money
    of its source than the platform records as paid to the studio."""
    _ensure_keeper(account, actor)
    amount = _amount(amount)
    _dated(received_on, field="received_on", label="到账日期", earliest=account.opened_on, earliest_label="建账日期")
    if kind == IncomeKind.GRANT:
        if grant is None or grant.studio_id != account.studio_id:
            raise LedgerError("请选择本工作室已拨付的区级资助或奖励", field="grant")
        booked = Income.objects.filter(grant=grant, reversal_of__isnull=True, reversal__isnull=True).first()
        if booked is not None:
            raise LedgerError(
                f"已登记：这笔区级资助已于 {booked.received_on:%Y-%m-%d} 记入专账"
                f"（{booked.amount:,.2f} 元），未重复入账",
                field="grant",
            )
        paid = disbursed_total(grant)
        if paid <= 0:
            raise LedgerError("该笔资助尚未拨付，到账后再记入专账", field="grant")
        if amount > paid:
            raise LedgerError(f"入账金额 {amount:,.2f} 元超过该笔资助已拨付金额 {paid:,.2f} 元", field="amount")
        source = source_of_grant(grant)
        district = district_paid(account.studio)[source]
        already = _booked_district(account, source)
        if already + amount > district:
            raise LedgerError(
                f"{Source(source).label}已记入专账 {already:,.2f} 元（含期初余额），再入账 {amount:,.2f} 元"
                f"将超过平台记录的"
                f"已拨付区级资金 {district:,.2f} 元；该笔资金可能已计入期初余额，请核对",
                field="amount",
            )
    elif kind == IncomeKind.MATCHING:
        source = Source.MATCHING
        grant = None
    else:
        raise LedgerError("期初余额在建账时登记", field="kind")
    try:
        with transaction.atomic():
            income = Income.objects.create(
                account=account,
                kind=kind,
                source=source,
                amount=amount,
                received_on=received_on,
                grant=grant,
                voucher_no=voucher_no.strip(),
                note=note.strip(),
                recorded_by=actor,
            )
            record_event(
                "ledger.income",
                obj=account,
                actor=actor,
                clause="16",
                data={
                    "income": income.pk,
                    "source": source,
                    "amount": str(amount),
                    "grant": grant.pk if grant else None,
                },
            )
    except IntegrityError:
        raise LedgerError("已登记：这笔区级资助已记入专账，未重复入账", field="grant") from None
    return income


def record_expense(
    account: SpecialAccount,
    *,
    spent_on: date,
    amount,
    source: str,
    category: str,
    description: str,
    voucher_no: str,
    voucher,
    actor,
    explanation: str = "",
    asset: dict | None = None,
    special_equipment: bool = False,
) -> Expense:
    """Record one expense with its voucher. Refuses a missing voucher, a non-positive amount, and
    an amount larger than the source's balance, a date after today or before the account's opening,
    and a voucher number booked before ("已登记"); an expense in a category its source may not pay
    for (Art. 16) needs an explanation and is saved with a warning staff can see."""
    _ensure_keeper(account, actor)
    amount = _amount(amount)
    _dated(spent_on, field="spent_on", label="支出日期", earliest=account.opened_on, earliest_label="建账日期")
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
                raise LedgerError(
                    f"单价 {threshold:,.0f} 元以上的设备按固定资产登记造册（第16条），请填写{label}",
                    field=f"asset_{key}",
                )
    with transaction.atomic():
        lock_row(SpecialAccount, account.pk)
        duplicate = Expense.objects.filter(account=account, voucher_no=voucher_no, reversal_of__isnull=True).first()
        if duplicate is not None:
            corrected = (
                "该笔已冲正，更正后重新登记请使用更正凭证号（如“" + voucher_no[:90] + "-更正”）"
                if Expense.objects.filter(reversal_of=duplicate).exists()
                else "未重复记账"
            )
            raise LedgerError(
                f"已登记：本专账已于 {duplicate.spent_on:%Y-%m-%d} 登记凭证号“{voucher_no}”的支出"
                f"（{duplicate.amount:,.2f} 元），{corrected}",
                field="voucher_no",
            )
        available = balances(account)[source].balance
        if amount > available:
            raise LedgerError(
                f"{Source(source).label}余额 {available:,.2f} 元，不足以支付 {amount:,.2f} 元；"
                "请核对资金来源，或先登记到账收入",
                field="amount",
            )
        try:
            expense = Expense.objects.create(
                account=account,
                spent_on=spent_on,
                amount=amount,
                source=source,
                category=category,
                description=description,
                voucher_no=voucher_no,
                voucher=voucher,
                voucher_name=voucher.name,
                warning=warning,
                explanation=explanation,
                recorded_by=actor,
            )
        except IntegrityError:
            raise LedgerError(
                f"已登记：本专账已登记凭证号“{voucher_no}”的支出，未重复记账", field="voucher_no"
            ) from None
        created_asset = None
        if needs_asset or asset.get("name"):
            if not asset.get("tag_no") or not asset.get("location"):
                raise LedgerError("登记固定资产请填写存放地点和资产编号", field="asset_tag_no")
            if Asset.objects.filter(account=account, tag_no=asset["tag_no"]).exists():
                raise LedgerError(f"本专账已有资产编号“{asset['tag_no']}”，请核对标签号", field="asset_tag_no")
            created_asset = Asset.objects.create(
                account=account,
                expense=expense,
                name=asset["name"],
                value=amount,
                acquired_on=spent_on,
                location=asset["location"],
                tag_no=asset["tag_no"],
            )
        record_event(
            "ledger.expense",
            obj=account,
            actor=actor,
            clause="16",
            reason=explanation,
            data={
                "expense": expense.pk,
                "amount": str(amount),
                "source": source,
                "category": category,
                "voucher_no": voucher_no,
                "warning": warning,
                "asset": created_asset.pk if created_asset else None,
            },
        )
    return expense

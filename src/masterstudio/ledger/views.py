from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from masterstudio.accounts.models import Role
from masterstudio.core import params as query
from masterstudio.core import uploads
from masterstudio.core.event_kinds import record_read
from masterstudio.core.excel import wants_xlsx, xlsx_response
from masterstudio.core.permissions import role_required
from masterstudio.funding.forms import ReverseForm
from masterstudio.ledger import selectors, services
from masterstudio.ledger.forms import ExpenseForm, IncomeForm, OpenAccountForm
from masterstudio.ledger.models import Asset, Category, Expense, Income, Source
from masterstudio.studios.selectors import studio_for

READERS = ("unit", "leader", "staff", "evaluator")


def _error(form, exc):
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc))


def _own_account(request, pk):
    if request.user.role != Role.UNIT:
        raise Http404
    return get_object_or_404(selectors.accounts_for(request.user), pk=pk)


@role_required(*READERS)
def account_list(request):
    accounts = selectors.accounts_for(request.user).order_by("studio__name")
    q = query.text(request.GET, "q", label="搜索")
    only_warnings = query.flag(request.GET, "warnings")
    if q:
        accounts = accounts.filter(
            Q(studio__name__icontains=q) | Q(studio__unit__name__icontains=q) | Q(name__icontains=q)
        )
    if only_warnings:
        accounts = accounts.filter(warnings__gt=0)
    if wants_xlsx(request):
        return xlsx_response(
            request,
            filename="工作室专账.xlsx",
            title="专账",
            what="ledger_accounts",
            headers=[
                "工作室",
                "所在单位",
                "专账名称",
                "建账日期",
                "收入合计（元）",
                "支出合计（元）",
                "余额（元）",
                "预警支出笔数",
            ],
            rows=(
                [
                    a.studio.name,
                    a.studio.unit.name,
                    a.name,
                    a.opened_on,
                    a.income_total,
                    a.expense_total,
                    a.income_total - a.expense_total,
                    a.warnings,
                ]
                for a in accounts
            ),
        )
    without = []
    if request.user.role == Role.UNIT:
        without = selectors.own_studios_without_account(request.user)
    page = Paginator(accounts, 30).get_page(request.GET.get("page"))
    return render(
        request, "ledger/account_list.html", {"page": page, "without": without, "q": q, "only_warnings": only_warnings}
    )


@role_required(Role.UNIT)
def account_open(request, studio_pk: int):
    studio = studio_for(request.user, studio_pk)
    if hasattr(studio, "special_account"):
        return redirect("ledger:account_detail", pk=studio.special_account.pk)
    form = OpenAccountForm(request.POST or None, initial={"name": f"{studio.name}专项资金"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.open_account(
                studio,
                name=data["name"],
                opened_on=data["opened_on"],
                bank_note=data["bank_note"],
                actor=request.user,
                openings={
                    "grant": data["opening_grant"],
                    "reward": data["opening_reward"],
                    "matching": data["opening_matching"],
                },
                opening_explanation=data["opening_explanation"],
            )
        except services.LedgerError as exc:
            _error(form, exc)
        else:
            messages.success(request, "已建立专账")
            return redirect("ledger:account_detail", pk=account.pk)
    return render(request, "ledger/account_open.html", {"form": form, "studio": studio})


@role_required(*READERS)
def account_detail(request, pk: int):
    account = get_object_or_404(selectors.accounts_for(request.user), pk=pk)
    user = request.user
    expenses = selectors.entries_for(user, account, Expense).select_related("recorded_by")
    incomes = selectors.entries_for(user, account, Income).select_related("grant")
    assets = selectors.entries_for(user, account, Asset)
    what = query.choice(request.GET, "what", ("assets", "incomes", "expenses"), label="导出内容")
    if wants_xlsx(request):
        if what == "assets":
            return xlsx_response(
                request,
                filename=f"{account.studio.name}固定资产登记册.xlsx",
                title="固定资产",
                what="ledger_assets",
                headers=["资产名称", "价值（元）", "取得日期", "存放地点", "资产编号"],
                rows=([a.name, a.value, a.acquired_on, a.location, a.tag_no] for a in assets),
            )
        if what == "incomes":
            return xlsx_response(
                request,
                filename=f"{account.studio.name}专账收入.xlsx",
                title="收入",
                what="ledger_incomes",
                headers=["到账日期", "收入类型", "资金来源", "金额（元）", "凭证号", "摘要"],
                rows=(
                    [i.received_on, i.get_kind_display(), i.get_source_display(), i.amount, i.voucher_no, i.note]
                    for i in incomes
                ),
            )
        return xlsx_response(
            request,
            filename=f"{account.studio.name}专账支出.xlsx",
            title="支出",
            what="ledger_expenses",
            headers=["支出日期", "摘要", "资金来源", "支出类别", "金额（元）", "凭证号", "预警", "情况说明", "记账人"],
            rows=(
                [
                    e.spent_on,
                    e.description,
                    e.get_source_display(),
                    e.get_category_display(),
                    e.amount,
                    e.voucher_no,
                    e.warning,
                    e.explanation,
                    e.recorded_by.display_name,
                ]
                for e in expenses
            ),
        )
    return render(request, "ledger/account_detail.html", _detail_context(account, expenses, incomes, assets, user))


def _detail_context(account, expenses, incomes, assets, user, reverse_errors=None) -> dict:
    from django.db.models import Exists, OuterRef

    return {
        "account": account,
        "balances": services.balances(account).values(),
        "expenses": expenses.annotate(reversed=Exists(Expense.objects.filter(reversal_of=OuterRef("pk")))),
        "incomes": incomes.annotate(reversed=Exists(Income.objects.filter(reversal_of=OuterRef("pk")))),
        "assets": assets,
        "can_write": user.role == Role.UNIT,
        "reverse_form": ReverseForm(),
        "reverse_errors": reverse_errors,
    }


@require_POST
@role_required(Role.UNIT)
def entry_reverse(request, pk: int, what: str, entry_pk: int):
    """Correct a wrong income or expense by a reversing entry (冲正), never by editing it."""
    account = _own_account(request, pk)
    model = {"income": Income, "expense": Expense}.get(what)
    if model is None:
        raise Http404
    entry = get_object_or_404(model.objects.filter(account=account), pk=entry_pk)
    form = ReverseForm(request.POST)
    if form.is_valid():
        reverse = services.reverse_income if model is Income else services.reverse_expense
        try:
            reverse(entry, reason=form.cleaned_data["reason"], actor=request.user)
        except services.LedgerError as exc:
            _error(form, exc)
        else:
            messages.success(request, "已登记冲正" + ("收入" if model is Income else "支出"))
            return redirect("ledger:account_detail", pk=account.pk)
    user = request.user
    context = _detail_context(
        account,
        selectors.entries_for(user, account, Expense).select_related("recorded_by"),
        selectors.entries_for(user, account, Income).select_related("grant"),
        selectors.entries_for(user, account, Asset),
        user,
        reverse_errors=form,
    )
    return render(request, "ledger/account_detail.html", context, status=400)


@role_required(Role.UNIT)
def income_create(request, pk: int):
    account = _own_account(request, pk)
    form = IncomeForm(request.POST or None, studio=account.studio)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_income(
                account,
                kind=data["kind"],
                amount=data["amount"],
                received_on=data["received_on"],
                grant=data["grant"],
                voucher_no=data["voucher_no"],
                note=data["note"],
                actor=request.user,
            )
        except services.LedgerError as exc:
            _error(form, exc)
        else:
            messages.success(request, "已登记收入")
            return redirect("ledger:account_detail", pk=account.pk)
    return render(request, "ledger/entry_form.html", {"form": form, "account": account, "title": "登记收入"})


@role_required(Role.UNIT)
def expense_create(request, pk: int):
    account = _own_account(request, pk)
    form = ExpenseForm(request.POST or None, request.FILES or None)
    staged = None
    if request.method == "POST":
        token = request.POST.get("voucher_token", "")
        upload, refused = request.FILES.get("voucher"), None
        if upload is not None:
            try:  # checked before it is staged: nothing unchecked is written
                token = uploads.stage(upload, request.user, kinds=uploads.VOUCHER_KINDS, label="凭证附件")
            except uploads.UploadRefused as exc:
                token, refused = "", exc.messages[0]
        staged = uploads.staged_name(token, request.user)
        valid = form.is_valid()
        if refused:
            form.add_error("voucher", refused)
            valid = False
        if valid:
            data = form.cleaned_data
            voucher = uploads.unstage(token, request.user)
            try:
                services.record_expense(
                    account,
                    spent_on=data["spent_on"],
                    amount=data["amount"],
                    source=data["source"],
                    category=data["category"],
                    description=data["description"],
                    voucher_no=data["voucher_no"],
                    voucher=voucher,
                    explanation=data["explanation"],
                    actor=request.user,
                    special_equipment=data["special_equipment"],
                    asset={
                        "name": data["asset_name"],
                        "location": data["asset_location"],
                        "tag_no": data["asset_tag_no"],
                    },
                )
            except services.LedgerError as exc:
                _error(form, exc)
            else:
                uploads.discard(token, request.user)
                messages.success(request, "已记录支出")
                return redirect("ledger:account_detail", pk=account.pk)
            finally:
                if voucher is not None:
                    voucher.close()
        form.data = form.data.copy()
        form.data["voucher_token"] = token
    warning = ""
    if form.is_bound and form.data.get("source") in Source.values and form.data.get("category") in Category.values:
        from django.utils import timezone

        warning = services.spending_warning(form.data["source"], form.data["category"], timezone.localdate())
    return render(
        request, "ledger/expense_form.html", {"form": form, "account": account, "staged": staged, "warning": warning}
    )


@role_required(Role.UNIT)
def expense_check(request, pk: int):
    """htmx: the Art. 16 warning for the chosen source and category, shown before saving."""
    _own_account(request, pk)
    source = query.choice(request.GET, "source", Source.values, label="资金来源")
    category = query.choice(request.GET, "category", Category.values, label="支出类别")
    warning = ""
    if source in Source.values and category in Category.values:
        from django.utils import timezone

        warning = services.spending_warning(source, category, timezone.localdate())
    return render(request, "ledger/_warning.html", {"warning": warning})


@role_required(*READERS)
def voucher_download(request, pk: int):
    expense = get_object_or_404(selectors.expenses_for(request.user), pk=pk)
    record_read(
        request,
        "ledger.voucher_download",
        obj=expense.account,
        key=expense.pk,
        data={"expense": expense.pk},
        ip=request.META.get("REMOTE_ADDR"),
    )
    return uploads.serve(expense.voucher, expense.voucher_name)


@role_required(*READERS)
def expense_list(request):
    """Query expenses across the accounts the user may see (staff: all)."""
    rows = selectors.expenses_for(request.user).order_by("-spent_on", "-id")
    q = query.text(request.GET, "q", label="搜索")
    source = query.choice(request.GET, "source", Source.values, label="资金来源")
    category = query.choice(request.GET, "category", Category.values, label="支出类别")
    warnings = "1" if query.flag(request.GET, "warnings") else ""
    if q:
        rows = rows.filter(
            Q(description__icontains=q) | Q(account__studio__name__icontains=q) | Q(voucher_no__icontains=q)
        )
    if source in Source.values:
        rows = rows.filter(source=source)
    if category in Category.values:
        rows = rows.filter(category=category)
    if warnings:
        rows = rows.exclude(warning="")
    if wants_xlsx(request):
        # perf (issue 9): only the exported columns, read as tuples (no model per expense, no unit
        # row nor its encrypted phone); the labels of the choices looked up once
        sources, categories = dict(Source.choices), dict(Category.choices)
        columns = rows.select_related(None).values_list(
            "account__studio__name",
            "spent_on",
            "description",
            "source",
            "category",
            "amount",
            "voucher_no",
            "warning",
            "explanation",
        )
        return xlsx_response(
            request,
            filename="专账支出查询.xlsx",
            title="支出",
            what="ledger_expense_query",
            headers=["工作室", "支出日期", "摘要", "资金来源", "支出类别", "金额（元）", "凭证号", "预警", "情况说明"],
            rows=(
                [
                    name,
                    spent_on,
                    description,
                    sources.get(source, source),
                    categories.get(category, category),
                    amount,
                    voucher_no,
                    warning,
                    explanation,
                ]
                for name, spent_on, description, source, category, amount, voucher_no, warning, explanation in columns
            ),
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/expense_list.html",
        {
            "page": page,
            "sources": Source.choices,
            "categories": Category.choices,
            "filters": {"q": q, "source": source, "category": category, "warnings": warnings},
        },
    )


@role_required(*READERS)
def asset_list(request):
    rows = selectors.assets_for(request.user).order_by("account__studio__name", "-acquired_on")
    if wants_xlsx(request):
        return xlsx_response(
            request,
            filename="固定资产登记册.xlsx",
            title="固定资产",
            what="ledger_asset_register",
            headers=["工作室", "资产名称", "价值（元）", "取得日期", "存放地点", "资产编号"],
            rows=([a.account.studio.name, a.name, a.value, a.acquired_on, a.location, a.tag_no] for a in rows),
        )
    return render(request, "ledger/asset_list.html", {"assets": rows})

"""Staff pages for the policy versions (issue 17): the chain, entering a successor with its preview, the
second person's confirmation. The parameters page with the what-if form is the what-if app's (whatif.views)."""

from __future__ import annotations

import yaml
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from masterstudio.accounts.permissions import duty_required
from masterstudio.core.permissions import staff_required
from masterstudio.core.transitions import TransitionError
from masterstudio.policy import params as engine_params
from masterstudio.policytools import versions as policy_versions
from masterstudio.policytools.models import PolicyVersion, VersionState

# ---------------------------------------------------------------- policy versions (issue 17)


class VersionForm(forms.Form):
    name = forms.SlugField(
        label="版本标识",
        max_length=60,
        help_text="英文、数字和连字符，如 measures-2027",
        error_messages={"invalid": "版本标识只能包含英文字母、数字和连字符，如 measures-2027"},
    )
    title = forms.CharField(label="版本名称", max_length=200)
    document = forms.CharField(label="文号", max_length=100, required=False)
    effective_from = forms.DateField(
        label="生效日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请按“年-月-日”填写生效日期"},
    )
    text = forms.CharField(
        label="政策原文",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="粘贴新版办法全文（含“第X条”）；每个参数须引用本文中的条款",
    )
    parameters = forms.CharField(
        label="参数",
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        help_text="YAML：每个参数一项，写明 value（取值）、citation（依据条款号，如 14.1）和 note（说明）；"
        "已按现行版本预填，只改变化的取值和依据",
    )

    def clean_parameters(self):
        try:
            data = yaml.safe_load(self.cleaned_data["parameters"])
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"第 {mark.line + 1} 行" if mark else ""
            raise forms.ValidationError(f"参数不是有效的 YAML{where}，请检查缩进和冒号") from None
        if not isinstance(data, dict):
            raise forms.ValidationError("参数应为“参数名: {value, citation, note}”的列表")
        return data


def _initial_parameters() -> str:
    today = timezone.localdate()
    current = policy_versions.chain().params_on(today)
    entries = engine_params.entries_of(current, min(today, current.valid_until))
    return yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=200)


@staff_required
def versions(request):
    chain = policy_versions.chain()
    rows = PolicyVersion.objects.select_related("proposed_by", "confirmed_by").order_by("-proposed_at")
    return render(
        request,
        "policytools/versions.html",
        {
            "chain": chain.to_dict(),
            "rows": rows,
            "today": timezone.localdate(),
            "in_force": chain.in_force(timezone.localdate()),
            "notice": policy_versions.expiry_notice(),
        },
    )


@duty_required("reviewer", "approver")
def version_new(request):
    form = VersionForm(request.POST or None, initial={"parameters": _initial_parameters()})
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in ("name", "title", "text", "effective_from", "parameters")}
        try:
            if "preview" in request.POST:
                report = policy_versions.preview(policy_versions.check(**fields))
            else:
                row = policy_versions.propose(actor=request.user, document=data["document"], **fields)
                messages.success(request, f"已录入政策版本“{row.title}”，须由另一位审批人员复核确认后才施行")
                return redirect("policytools:version", row.pk)
        except policy_versions.VersionError as exc:
            target = exc.field if exc.field in form.fields else ("parameters" if exc.field else None)
            form.add_error(target, str(exc))
    return render(request, "policytools/version_form.html", {"form": form, "report": report})


@staff_required
def version_detail(request, pk: int):
    row = get_object_or_404(PolicyVersion.objects.select_related("proposed_by", "confirmed_by"), pk=pk)
    parameters = yaml.safe_dump(row.parameters, allow_unicode=True, sort_keys=False, width=200)
    return render(
        request,
        "policytools/version_detail.html",
        {
            "row": row,
            "parameters": parameters,
            "report": row.preview,
            "proposed": row.state == VersionState.PROPOSED,
            "scheduled": row.state == VersionState.SCHEDULED,
        },
    )


@duty_required("approver")
@require_POST
def version_confirm(request, pk: int):
    row = get_object_or_404(PolicyVersion, pk=pk)
    try:
        policy_versions.confirm(row, actor=request.user)
    except (policy_versions.VersionError, TransitionError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已确认：{row.title} 自 {row.effective_from:%Y-%m-%d} 起施行")
    return redirect("policytools:version", row.pk)


@duty_required("approver")
@require_POST
def version_withdraw(request, pk: int):
    row = get_object_or_404(PolicyVersion, pk=pk)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, "撤回须填写理由")
        return redirect("policytools:version", row.pk)
    try:
        policy_versions.withdraw(row, actor=request.user, reason=reason)
    except (policy_versions.VersionError, TransitionError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已撤回：{row.title}")
    return redirect("policytools:version", row.pk)

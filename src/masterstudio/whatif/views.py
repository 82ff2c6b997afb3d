"""The staff page of the Measures as code: the parameters in force, and what-if analysis of the
applications under edited parameters (URL name ``policytools:parameters``, as before the move)."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils import timezone

from masterstudio.applications.models import Round
from masterstudio.catalog import engine
from masterstudio.core.permissions import staff_required
from masterstudio.policy import clauses
from masterstudio.policy.errors import PolicyInputError
from masterstudio.whatif import services


class WhatIfForm(forms.Form):
    round = forms.ModelChoiceField(label="申报批次", queryset=None, required=False, empty_label="全部批次")
    overrides = forms.CharField(
        label="修改的参数",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个：参数名=新值，如 team_min_size=4；参数名见上表",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.all()

    def clean_overrides(self):
        lines = [line.strip() for line in self.cleaned_data["overrides"].splitlines() if line.strip()]
        try:
            return services.parse_overrides(lines)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


@staff_required
def parameters(request):
    pset = engine.params_on(timezone.localdate())  # the version in force today
    rows = []
    for name in pset.names():
        parameter = pset.param(name)
        current = parameter.values[-1]
        rows.append(
            {
                "name": name,
                "description": parameter.description,
                "value": current.value,
                "unit": parameter.unit or "",
                "effective_from": current.effective_from,
                "clause": clauses.label(current.citation),
                "note": current.note,
                "interpretation": parameter.interpretation,
            }
        )
    form = WhatIfForm(request.POST or None)
    report = None
    if request.method == "POST" and form.is_valid():
        selected = form.cleaned_data["round"]
        try:
            report = services.compare(
                services.applications_for_whatif(selected.pk if selected else None), form.cleaned_data["overrides"]
            )
        except PolicyInputError as exc:
            form.add_error("overrides", exc.message)
    return render(
        request,
        "policytools/parameters.html",
        {
            "pset": pset,
            "rows": rows,
            "form": form,
            "report": report,
            "report_text": services.render(report) if report else "",
        },
    )

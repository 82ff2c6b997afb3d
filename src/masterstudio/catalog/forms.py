from __future__ import annotations

import re
from datetime import date

from django import forms

from masterstudio.catalog.models import Occupation

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class OccupationForm(forms.ModelForm):
    class Meta:
        model = Occupation
        fields = ["code", "name", "marks", "aliases", "source"]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not re.fullmatch(r"[1-8]-\d{2}-\d{2}-\d{2}", code):
            raise forms.ValidationError("职业编码格式应为 大类-中类-小类-细类，如 6-31-07-04")
        from masterstudio.catalog.engine import catalogue

        if catalogue(include_extra=False).get(code) is not None:
            raise forms.ValidationError("该编码已在《职业分类大典》目录中，无需新增")
        return code


class ApplicationOccupationForm(forms.Form):
    """Adding the occupation an application names to the catalogue, from the application's page."""

    code = forms.CharField(label="职业编码", max_length=20, widget=forms.TextInput(attrs={"readonly": True}))
    name = forms.CharField(label="职业名称", max_length=100, required=False)
    marks = forms.ChoiceField(label="标识", required=False, choices=Occupation._meta.get_field("marks").choices)
    source = forms.CharField(
        label="发布依据",
        max_length=200,
        required=False,
        help_text="如：《职业分类大典（2022年版）》；人力资源社会保障部 2025 年发布新职业",
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="职业导入文件（.xlsx）")


def _parse_dates(text: str, year: int, label: str) -> list[str]:
    found = _DATE.findall(text or "")
    leftover = _DATE.sub("", text or "").replace(",", "").replace("，", "").replace("、", "").split()
    if leftover:
        raise forms.ValidationError(
            f"{label}中有无法识别的内容：{' '.join(leftover)[:40]}。请每个日期写作 YYYY-MM-DD，用逗号或换行分隔"
        )
    days = []
    for item in found:
        try:
            day = date.fromisoformat(item)
        except ValueError:
            raise forms.ValidationError(f"{label}中的 {item} 不是有效日期") from None
        if day.year != year:
            raise forms.ValidationError(f"{label}中的 {item} 不属于 {year} 年")
        days.append(day.isoformat())
    return sorted(set(days))


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2200)
    source = forms.CharField(
        label="依据文件",
        max_length=200,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）",
    )
    holidays_text = forms.CharField(
        label="放假日期",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每个日期写作 YYYY-MM-DD，用逗号或换行分隔；含调休放假的工作日",
    )
    workdays_text = forms.CharField(
        label="调休上班日期",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="周六、周日调为上班的日期",
    )

    def clean(self):
        data = super().clean()
        year = data.get("year")
        if not year:
            return data
        try:
            data["holidays"] = _parse_dates(data.get("holidays_text", ""), year, "放假日期")
        except forms.ValidationError as exc:
            self.add_error("holidays_text", exc)
        try:
            data["workdays"] = _parse_dates(data.get("workdays_text", ""), year, "调休上班日期")
        except forms.ValidationError as exc:
            self.add_error("workdays_text", exc)
        if data.get("holidays") and data.get("workdays"):
            both = set(data["holidays"]) & set(data["workdays"])
            if both:
                self.add_error("workdays_text", f"{'、'.join(sorted(both))} 不能同时是放假日和调休上班日")
        for day in data.get("workdays") or []:
            if date.fromisoformat(day).weekday() < 5:
                self.add_error("workdays_text", f"{day} 本来就是工作日（周一至周五），调休上班日应为周六或周日")
                break
        return data

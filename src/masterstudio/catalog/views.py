from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from masterstudio.catalog import engine, services
from masterstudio.catalog.forms import CalendarYearForm, OccupationForm
from masterstudio.catalog.models import CalendarYear, Occupation
from masterstudio.core import params
from masterstudio.core.permissions import duty_required, staff_required
from masterstudio.policy import workdays as engine_workdays


def occupation_search(request):
    """Public search of the catalogue by code, name or alias (an htmx fragment or a page)."""
    query = params.text(request.GET, "q", max_length=100, label="职业")
    results = engine.catalogue().search(query, limit=20) if query else []
    template = "catalog/_occupation_results.html" if request.headers.get("HX-Request") else "catalog/occupation_search.html"
    return render(request, template, {"q": query, "results": results, "target": params.text(request.GET, "target", max_length=60)})


@staff_required
def occupations(request):
    form = OccupationForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_duty("reviewer"):
            return render(request, "errors/403.html", {"message": "新增职业须由业务审核岗办理"}, status=403)
        if form.is_valid():
            occupation = services.add_occupation(form, actor=request.user)
            messages.success(request, f"已新增职业：{occupation}")
            return redirect("catalog:occupations")
    return render(request, "catalog/occupations.html", {
        "form": form, "added": Occupation.objects.select_related("added_by"), "total": len(engine.catalogue().occupations()),
    })


@staff_required
def calendar(request):
    form = CalendarYearForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_duty("reviewer"):
            return render(request, "errors/403.html", {"message": "录入节假日安排须由业务审核岗办理"}, status=403)
        if form.is_valid():
            row = services.save_calendar_year(form, actor=request.user)
            messages.success(request, f"已保存 {row.year} 年节假日安排")
            return redirect("catalog:calendar")
    first, last = engine_workdays.package_years()
    return render(request, "catalog/calendar.html", {
        "form": form, "years": CalendarYear.objects.select_related("entered_by"),
        "package_first": first, "package_last": last,
    })


@duty_required("reviewer")
def calendar_edit(request, year: int):
    row = CalendarYear.objects.filter(year=year).first()
    initial = {"year": year}
    if row:
        initial.update(source=row.source, holidays_text="\n".join(row.holidays), workdays_text="\n".join(row.workdays))
    form = CalendarYearForm(initial=initial)
    first, last = engine_workdays.package_years()
    return render(request, "catalog/calendar.html", {
        "form": form, "years": CalendarYear.objects.select_related("entered_by"),
        "package_first": first, "package_last": last,
    })

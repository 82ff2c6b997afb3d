from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from masterstudio.core.formvalues import model_values
from masterstudio.core.permissions import role_required
from masterstudio.core.roles import Role
from masterstudio.units import services
from masterstudio.units.forms import BranchForm, PersonForm
from masterstudio.units.models import Person
from masterstudio.units.permissions import approved_unit_required


@role_required(Role.UNIT, Role.LEADER)
def dashboard(request):
    unit = request.user.unit
    return render(
        request,
        "units/dashboard.html",
        {
            "unit": unit,
            "branches": unit.branches.all(),
            "people_count": unit.people.count(),
        },
    )


@approved_unit_required
def people(request):
    unit = request.user.unit
    return render(request, "units/people.html", {"unit": unit, "people": unit.people.all()})


@approved_unit_required
def person_edit(request, pk: int | None = None):
    unit = request.user.unit
    if request.user.role != Role.UNIT:
        return render(request, "errors/403.html", {"message": "人员信息由单位账号维护"}, status=403)
    instance = get_object_or_404(Person, pk=pk, unit=unit) if pk else None
    initial = {"id_number": instance.id_number, "phone": instance.phone} if instance else None
    form = PersonForm(request.POST or None, instance=instance, initial=initial, unit=unit)
    if request.method == "POST" and form.is_valid():
        person = services.save_person(instance, unit=unit, values=model_values(form), actor=request.user)
        messages.success(request, f"已保存人员：{person.name}")
        return redirect("units:people")
    return render(request, "units/person_form.html", {"form": form, "person": instance})


@approved_unit_required
def branches(request):
    unit = request.user.unit
    form = BranchForm(request.POST or None, unit=unit)
    if request.method == "POST":
        if request.user.role != Role.UNIT:
            return render(request, "errors/403.html", {"message": "分支机构由单位账号维护"}, status=403)
        if form.is_valid():
            branch = services.save_branch(None, unit=unit, values=model_values(form), actor=request.user)
            messages.success(request, f"已登记：{branch.name}")
            return redirect("units:branches")
    return render(request, "units/branches.html", {"unit": unit, "branches": unit.branches.all(), "form": form})

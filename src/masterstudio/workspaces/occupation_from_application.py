"""Adding an application's occupation to the catalogue from the application's page: a page that
composes the applications app (which application the reviewer may see) and the catalogue (the
write), so it lives on the top floor; the catalogue itself imports no applications."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from masterstudio.accounts.permissions import duty_required
from masterstudio.applications import selectors as application_selectors
from masterstudio.catalog import services
from masterstudio.catalog.forms import ApplicationOccupationForm


@duty_required("reviewer")
@require_POST
def add_from_application(request, pk: int):
    """One step from the application's page: the occupation its code names joins the catalogue
    and the pre-check of every application waiting on that code runs again."""
    application = application_selectors.application_for(request.user, pk)
    form = ApplicationOccupationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if data["code"].strip() != (application.occupation_code or ""):
            form.add_error("code", "职业编码与申报填写的编码不一致，请从申报页面办理")
        else:
            try:
                occupation = services.add_occupation_values(
                    code=data["code"],
                    name=data["name"],
                    marks=data["marks"],
                    source=data["source"],
                    actor=request.user,
                    application_id=application.pk,
                )
            except services.CatalogRefused as exc:
                for name, message in exc.errors.items():
                    form.add_error(name if name in form.fields else None, message)
            else:
                messages.success(request, f"已将 {occupation} 补录到职业目录，并重新预审了使用该编码的申报")
                return redirect("applications:staff_detail", pk=application.pk)
    return render(request, "catalog/add_from_application.html", {"form": form, "application": application}, status=400)

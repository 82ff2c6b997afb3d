"""The studio's page and the supervision flags: pages that show a studio with what the
assessments, summaries and recoveries apps hold about it (the floors: only the top floor composes
them)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from masterstudio.accounts.permissions import duty_required
from masterstudio.applications.models import TeamMember
from masterstudio.assessments.flags import FlagError
from masterstudio.assessments.flags import resolve_flag as do_resolve_flag
from masterstudio.assessments.models import Flag
from masterstudio.core import params as query
from masterstudio.core.events import events_for
from masterstudio.core.roles import Role
from masterstudio.studios.models import StudioState
from masterstudio.studios.selectors import studio_for
from masterstudio.workspaces.studio_forms import ResolveFlagForm


def _documents(studio, summaries, rectifications, revocation):
    docs = []
    revoked = "（已撤销，证书加盖撤销标记）" if studio.state == StudioState.REVOKED else ""
    docs.append(
        {"title": f"认定证书（{studio.nameplate_no}）{revoked}", "url": f"/studios/{studio.pk}/certificate.pdf"}
    )
    for summary in summaries:  # newest year first, as the summaries' own order
        for item in summary.attachments.all():
            docs.append(
                {"title": f"{summary.year}年度总结附件：{item.title}", "url": f"/summaries/attachments/{item.pk}/"}
            )
    for rect in rectifications:
        if rect.report_file:
            docs.append(
                {"title": f"{rect.assessment.year}年度整改材料", "url": f"/assessments/rectifications/{rect.pk}/file/"}
            )
    if revocation is not None and revocation.evidence_file:
        docs.append({"title": "撤销证据材料", "url": f"/recoveries/revocations/{revocation.pk}/file/"})
    return docs


def _one_to_one(obj, name):
    """The reverse one-to-one row read with ``obj`` (select_related), or None."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


@login_required
def studio_detail(request, pk):
    # the revocation and its recovery are reverse one-to-ones of the studio: read in its query
    studio = studio_for(request.user, pk, related=("revocation", "recovery"))
    user = request.user
    is_staff = user.role == Role.STAFF
    team = []
    if studio.application_id:
        team = [
            m.person for m in TeamMember.objects.filter(application_id=studio.application_id).select_related("person")
        ]
    revocation = _one_to_one(studio, "revocation")
    recovery = _one_to_one(studio, "recovery")
    # each list read once, for its table and for the documents
    summaries = list(studio.summaries.prefetch_related("attachments").order_by("-year"))
    rectifications = list(studio.rectifications.select_related("assessment"))
    context = {
        "studio": studio,
        "team": team,
        "is_staff": is_staff,
        "flags": studio.flags.all() if is_staff else [],
        "summaries": summaries,
        "assessments": studio.assessments.filter(published=True).order_by("-year", "-created_at")
        if not is_staff
        else studio.assessments.order_by("-year", "-created_at"),
        "rectifications": rectifications,
        "revocation": revocation,
        "recovery": recovery,
        "documents": _documents(studio, summaries, rectifications, revocation),
        "events": events_for(studio),
        "year": timezone.localdate().year,
        "can_revoke": user.has_duty("approver") and studio.state != StudioState.REVOKED,
        "resolve_form": ResolveFlagForm(),
    }
    return render(request, "studios/detail.html", context)


@duty_required("reviewer", "approver")
def flags(request):
    show = query.choice(request.GET, "show", ("open", "all"), default="open", label="范围")
    queryset = Flag.objects.select_related("studio", "studio__unit", "resolved_by")
    if show == "open":
        queryset = queryset.filter(resolved_at__isnull=True)
    page = Paginator(queryset.order_by("-raised_on", "id"), 30).get_page(request.GET.get("page"))
    return render(request, "studios/flags.html", {"page": page, "show": show, "resolve_form": ResolveFlagForm()})


@duty_required("reviewer", "approver")
@require_POST
def resolve_flag(request, pk):
    flag = get_object_or_404(Flag, pk=pk)
    form = ResolveFlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写处理意见（如：已核实，领办人返聘继续工作）")
    else:
        try:
            do_resolve_flag(flag, resolution=form.cleaned_data["resolution"], actor=request.user)
        except FlagError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已记录处理意见")
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/studios/") and "//" not in target else "studios:flags")

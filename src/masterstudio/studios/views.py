"""The studio app's own pages: the list and the certificate. The studio page and the flags are
composed in ``workspaces.studio_pages``, the revocation is the recoveries app's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from masterstudio.accounts.models import Role
from masterstudio.core.event_kinds import record_read
from masterstudio.studios.certificate import render_certificate
from masterstudio.studios.models import StudioState
from masterstudio.studios.selectors import studio_for, studio_list


@login_required
def certificate(request, pk):
    studio = studio_for(request.user, pk)
    pdf = render_certificate(studio)
    record_read(
        request,
        "studio.certificate_downloaded",
        obj=studio,
        clause="10",
        ip=request.META.get("REMOTE_ADDR"),
        data={"nameplate_no": studio.nameplate_no},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = "-revoked" if studio.state == StudioState.REVOKED else ""
    response["Content-Disposition"] = f'inline; filename="certificate-{studio.pk}{suffix}.pdf"'
    return response


@login_required
def studio_index(request):
    studios = studio_list(request.user, request.GET)
    if request.user.role not in (Role.UNIT, Role.LEADER, Role.STAFF, Role.EVALUATOR):
        raise Http404("没有可查看的工作室")
    page = Paginator(studios, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "studios/list.html",
        {"page": page, "states": StudioState.choices, "filters": {k: request.GET.get(k, "") for k in ("state", "q")}},
    )

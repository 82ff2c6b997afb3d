from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from masterstudio.core.events import record_event
from masterstudio.studios.certificate import render_certificate
from masterstudio.studios.selectors import studio_for


@login_required
def certificate(request, pk):
    studio = studio_for(request.user, pk)
    pdf = render_certificate(studio)
    record_event("studio.certificate_downloaded", obj=studio, actor=request.user, clause="10",
                 ip=request.META.get("REMOTE_ADDR"), data={"nameplate_no": studio.nameplate_no})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{studio.pk}.pdf"'
    return response

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from masterstudio.accounts.permissions import duty_required
from masterstudio.applications.models import Round
from masterstudio.core import httpcache
from masterstudio.core import params as query
from masterstudio.core.event_kinds import record_read
from masterstudio.core.events import events_for
from masterstudio.core.ratelimit import rate_limited
from masterstudio.core.transitions import TransitionError
from masterstudio.core.uploads import serve
from masterstudio.notices import period, rules, selectors, services
from masterstudio.notices.forms import ObjectionForm, ResolveForm
from masterstudio.notices.models import OPEN_OBJECTION_STATES, EntryState, Evidence, Objection
from masterstudio.recognition.services import AwardError

business = duty_required("reviewer", "approver")
approver = duty_required("approver")


def _client_ip(request):
    return request.META.get("REMOTE_ADDR")


# ---------------------------------------------------------------- public (no login)


def _notice_values(notice) -> dict:
    """What the public pages show of a notice, as values (``core.httpcache``)."""
    return {
        "pk": notice.pk,
        "title": notice.title,
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "days": list(notice.days),
        "published_at": notice.published_at,
        "how_to_object": notice.how_to_object,
    }


def notice_list(request):
    notices = list(selectors.public_notices())
    now = timezone.now()
    current = [{**_notice_values(n), "entry_count": n.entry_count} for n in notices if period.is_open(n, now)]
    past = [{**_notice_values(n), "entry_count": n.entry_count} for n in notices if not period.is_open(n, now)]
    return httpcache.render_public(request, "notices/list.html", {"current": current, "past": past})


_ANY_PK = 987654321


def notice_detail(request, pk):
    notice = selectors.public_notice(pk)
    # each line's objection link: the URL reversed once, the line's id put in (hundreds of lines)
    object_head, object_tail = reverse("notices:object", args=[notice.pk, _ANY_PK]).split(str(_ANY_PK))
    labels = dict(EntryState.choices)
    fields = ("pk", "position", "unit_name", "occupation", "leader_name", "state")
    entries = [
        {**dict(zip(fields, row[:6], strict=True)), "state_label": labels.get(row[5], row[5])}
        | {"studio_revoked_on": row[6], "studio_revocation_clause": row[7]}
        for row in selectors.public_entries(notice).values_list(
            *fields, "studio_revoked_on", "studio_revocation_clause"
        )
    ]
    return httpcache.render_public(
        request,
        "notices/detail.html",
        {
            "notice": _notice_values(notice),
            "object_head": object_head,
            "object_tail": object_tail,
            "entries": entries,
            "open": period.is_open(notice),
            "closes_at": period.closes_at(notice),
        },
    )


@rate_limited("objection", limit="OBJECTION_RATE_LIMIT", window=3600)
def object_form(request, pk, entry_pk):
    notice = selectors.public_notice(pk)
    entry = selectors.entry_of(notice, entry_pk)
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.file_objection(
                entry,
                name=form.cleaned_data["name"],
                contact=form.cleaned_data["contact"],
                content=form.cleaned_data["content"],
                uploads=request.FILES.getlist("evidence"),
                ip=_client_ip(request),
            )
            return redirect("notices:objection_status", objection.receipt)
        except ValidationError as exc:
            form.add_error("evidence", "；".join(exc.messages) + "（您填写的文字已保留，请重新选择文件）")
        except services.ObjectionInvalid as exc:
            for field, message in exc.problems.items():
                form.add_error(field, message)
        except services.NoticeError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "notices/object.html",
        {
            "notice": notice,
            "entry": entry,
            "form": form,
            "open": period.is_open(notice),
            "rules": rules.OBJECTION_RULES,
        },
    )


@rate_limited("objection_status", limit=60, window=60, methods=("GET",))  # receipts cannot be guessed in bulk
def objection_status(request, receipt):
    objection = selectors.objection_by_receipt(receipt)
    return render(request, "notices/objection_status.html", {"objection": objection})


def objection_lookup(request):
    receipt = query.text(request.GET, "receipt", max_length=40, label="受理编号")
    if receipt:
        return redirect("notices:objection_status", receipt.upper())
    return redirect("notices:list")


# ---------------------------------------------------------------- staff


@business
def manage(request):
    state = query.text(request.GET, "state", default="open", max_length=20, label="状态")
    return render(
        request,
        "notices/manage.html",
        {
            "notices": selectors.public_notices(),
            "objections": selectors.objections_for_staff(state),
            "state": state,
        },
    )


@approver
@require_POST
def publish(request, round_pk):
    round_ = get_object_or_404(Round, pk=round_pk)
    title = request.POST.get("title", "")
    acknowledged = [value for value in request.POST.getlist("acknowledged") if value.isdigit()]
    try:
        notice = services.publish(round_, actor=request.user, title=title, acknowledged=acknowledged)
        messages.success(
            request, f"已发布公示，公示期 {notice.starts_on:%Y-%m-%d} 至 {notice.ends_on:%Y-%m-%d}（5个工作日）"
        )
        if notice.art20_warning:
            messages.warning(request, notice.art20_warning)
        return redirect("notices:detail", notice.pk)
    except services.UnfinishedApplications as exc:  # the warning: named, and published only once confirmed
        return render(
            request,
            "notices/publish_confirm.html",
            {
                "round": round_,
                "title": title,
                "unfinished": [{"application": a, "text": selectors.describe(a)} for a in exc.applications],
                "again": bool(acknowledged),
            },
            status=409,
        )
    except (services.NoticeError, TransitionError) as exc:
        messages.error(request, str(exc))
    return redirect("reviews:evaluation", round_.pk)


@business
def objection_detail(request, pk):
    objection = get_object_or_404(Objection.objects.select_related("entry__notice", "entry__application"), pk=pk)
    form = ResolveForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "investigate":
                services.start_investigation(objection, actor=request.user)
                messages.success(request, "已开始调查核实")
                return redirect("notices:objection", objection.pk)
            if form.is_valid():
                services.resolve(
                    objection,
                    upheld=form.cleaned_data["outcome"] == "upheld",
                    investigation=form.cleaned_data["investigation"],
                    reply=form.cleaned_data["reply"],
                    actor=request.user,
                )
                messages.success(request, "已记录处理结论和答复")
                return redirect("notices:objection", objection.pk)
        except (services.NoticeError, TransitionError, AwardError) as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "notices/objection.html",
        {
            "objection": objection,
            "form": form,
            "open": objection.state in OPEN_OBJECTION_STATES,
            "evidence": objection.evidence.all(),
            "events": events_for(objection),
        },
    )


@business
def evidence_file(request, pk):
    evidence = get_object_or_404(Evidence, pk=pk)
    record_read(
        request,
        "objection.evidence_downloaded",
        obj=evidence.objection,
        key=evidence.pk,
        data={"evidence": evidence.pk},
    )
    return serve(evidence.file, evidence.original_name, kind=evidence.kind)

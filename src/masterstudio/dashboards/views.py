from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import render

from masterstudio.accounts.permissions import duty_required
from masterstudio.core import httpcache
from masterstudio.core.excel import wants_xlsx, xlsx_response
from masterstudio.core.permissions import READER_DUTIES
from masterstudio.dashboards import stats


def _charts() -> dict:
    return {
        "studios": stats.studios_overview(),
        "applications": stats.applications_by_round(),
        "grants": stats.grants_by_year(),
        "grades": stats.assessment_grades(),
    }


# The leadership dashboards show business figures: staff who read business records (the business
# duties and the auditor), never the system administrator (三员分立, issue 21.2).
business_readers = duty_required(*READER_DUTIES)


@business_readers
def dashboard(request):
    charts = _charts()
    deadlines = stats.upcoming_deadlines()
    if wants_xlsx(request):
        rows = [["工作室状态", k, v] for k, v in charts["studios"]["by_state"].items()]
        rows += [["职业大类", k, v] for k, v in charts["studios"]["by_group"].items()]
        rows += [["认定年度", k, v] for k, v in charts["studios"]["by_year"].items()]
        rows += [["资金状态（元）", k, v["amount"]] for k, v in charts["grants"]["by_state"].items()]
        rows += [["即将到期事项", f"{d['on']:%Y-%m-%d} {d['what']}", f"第{d['clause']}条"] for d in deadlines]
        return xlsx_response(
            request,
            filename="统计看板.xlsx",
            title="统计",
            headers=["指标", "项目", "数值"],
            rows=rows,
            what="dashboard",
        )
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "charts": charts,
            "deadlines": deadlines,
            "fulfilment": stats.fulfilment_days(),
        },
    )


@business_readers
def data(request):
    return JsonResponse(_charts(), encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


def public(request):
    return httpcache.render_public(request, "dashboards/public.html", {"figures": stats.public_figures()})

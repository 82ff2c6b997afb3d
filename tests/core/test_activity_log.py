"""The activity log: filter by object and person, export to Excel (and the export is logged)."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from masterstudio.core.events import record_event
from masterstudio.core.models import Event


def test_filter_by_object_and_actor(client, cast, unit_a, unit_b):
    record_event("unit.approved", obj=unit_a, actor=cast["reviewer"], to_state="approved")
    record_event("unit.approved", obj=unit_b, actor=cast["approver"], to_state="approved")
    client.force_login(cast["auditor"])
    html = client.get(reverse("core:activity_log"), {"model": "units.unit", "object_id": unit_a.pk}).content.decode()
    assert unit_a.name in html and unit_b.name not in html
    html = client.get(reverse("core:activity_log"), {"actor": "approver"}).content.decode()
    assert unit_b.name in html and unit_a.name not in html


def test_export_is_a_real_workbook_and_is_audited(client, cast, unit_a):
    record_event("unit.approved", obj=unit_a, actor=cast["reviewer"], to_state="approved", clause="4.1")
    client.force_login(cast["auditor"])
    response = client.get(reverse("core:activity_log"), {"export": "xlsx", "model": "units.unit"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:5] == ("序号", "时间", "操作人", "来源地址", "动作")
    assert rows[1][5] == unit_a.name and rows[1][8] == "4.1"
    export = Event.objects.get(action="export.xlsx", actor=cast["auditor"])
    assert export.data["what"] == "audit_log" and export.data["filters"] == {"model": "units.unit"}


def test_units_cannot_read_the_log(client, cast):
    client.force_login(cast["unit_a"])
    assert client.get(reverse("core:activity_log")).status_code == 403

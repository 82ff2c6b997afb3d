"""Studio pages for every role of the cast (habit 7): who sees what, refused answers 404."""

from __future__ import annotations

import time

import pytest

from masterstudio.assessments.models import Flag
from masterstudio.recoveries.models import Recovery
from masterstudio.studios.models import StudioState
from tests.factories.studio_life import make_studio

pytestmark = pytest.mark.django_db


def client_for(client, user, reauth=False):
    client.force_login(user)
    if reauth:
        session = client.session
        session["reauth_at"] = time.time()
        session.save()
    return client


@pytest.mark.parametrize(
    "who, status",
    [
        ("unit_a", 200),
        ("leader", 200),
        ("approver", 200),
        ("finance", 200),
        ("unit_b", 404),
        ("expert", 404),
        ("evaluator", 404),
    ],
)
def test_studio_page_visibility(client, cast, unit_a, who, status):
    studio = make_studio(unit_a, approver=cast["approver"])
    response = client_for(client, cast[who]).get(f"/studios/{studio.pk}/")
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert studio.name in body and "经开区技能大师工作室" in body and studio.leader.name in body
        assert "首次认定一次性资助" in body  # money partial of the funding app


def test_studio_list_shows_only_own_for_units(client, cast, unit_a, unit_b):
    mine = make_studio(unit_a, grant=False)
    other = make_studio(unit_b, grant=False)
    body = client_for(client, cast["unit_a"]).get("/studios/").content.decode()
    assert mine.name in body and other.name not in body


def test_revocation_page_requires_recent_authentication_and_approver(client, cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    assert client_for(client, cast["reviewer"], reauth=True).get(f"/studios/{studio.pk}/revoke/").status_code == 403
    response = client_for(client, cast["approver"]).get(f"/studios/{studio.pk}/revoke/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauth/")


def test_revocation_without_evidence_keeps_what_was_typed(client, cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    c = client_for(client, cast["approver"], reauth=True)
    response = c.post(
        f"/studios/{studio.pk}/revoke/",
        {"cause": "violation", "evidence": "", "decision": "撤销称号", "decided_on": "2026-01-05"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "请写明撤销所依据的事实与证据" in body and "撤销称号" in body
    studio.refresh_from_db()
    assert studio.state == StudioState.ACTIVE


def test_revocation_and_repayment_over_http(client, cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"], finance=cast["finance"], paid=True)
    c = client_for(client, cast["approver"], reauth=True)
    response = c.post(
        f"/studios/{studio.pk}/revoke/",
        {"cause": "left", "evidence": "领办人离职证明", "decision": "经评估审查撤销", "decided_on": "2026-01-05"},
    )
    recovery = Recovery.objects.get(studio=studio)
    assert response.status_code == 302 and response["Location"] == f"/recoveries/{recovery.pk}/"
    f = client_for(client, cast["finance"], reauth=True)
    body = f.post(
        f"/recoveries/{recovery.pk}/repay/", {"amount": "300000", "paid_on": "2026-02-01", "voucher_no": "TH-9"}
    ).content.decode()
    assert "超过尚欠金额 200,000.00 元" in body and "TH-9" in body
    response = f.post(
        f"/recoveries/{recovery.pk}/repay/", {"amount": "200000", "paid_on": "2026-02-01", "voucher_no": "TH-9"}
    )
    assert response.status_code == 302
    recovery.refresh_from_db()
    assert recovery.state == "settled"
    assert client_for(client, cast["unit_b"]).get(f"/recoveries/{recovery.pk}/").status_code == 403


def test_staff_resolve_flag(client, cast, unit_a):
    studio = make_studio(unit_a, grant=False)
    flag = Flag.objects.create(
        studio=studio,
        kind="inactive",
        key="2025-01-01",
        clause="13.1",
        raised_on="2026-02-01",
        detail="超过一年未开展工作",
    )
    c = client_for(client, cast["reviewer"])
    assert "超过一年未开展工作" in c.get("/studios/flags/").content.decode()
    c.post(f"/studios/flags/{flag.pk}/resolve/", {"resolution": "已核实：单位提供了活动记录"})
    flag.refresh_from_db()
    assert flag.resolved_at is not None and flag.resolved_by == cast["reviewer"]

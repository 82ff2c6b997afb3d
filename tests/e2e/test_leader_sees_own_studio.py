"""Issue 16.5 in the browser: a leader signs in through the real pages and opens every ledger,
funding, recovery, summary, assessment and activity URL — pages and files — of another studio of
the same unit: each answers 404 (the page says so), while the leader's own studio's pages open."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_a_leader_opening_another_studios_records_gets_404(page, cast, unit_a, unit_b):
    from tests.security.world import build

    world = build(cast, unit_a, unit_b)
    o = world["objects"]
    other, own = o["studio"], o["doomed"]  # the leader below leads `own`; `other` is the unit's other studio
    assert world["users"]["leader_other"].person_id == own.leader_id
    account, expense, grant, document = o["account"], o["expense"], o["grant"], o["document"]
    assert account.studio_id == expense.account.studio_id == grant.studio_id == other.pk
    refused = [
        reverse("studios:detail", args=[other.pk]),
        reverse("studios:certificate", args=[other.pk]),
        reverse("ledger:account_detail", args=[account.pk]),
        reverse("ledger:voucher_download", args=[expense.pk]),
        reverse("funding:grant_detail", args=[grant.pk]),
        reverse("funding:document_download", args=[document.pk]),
        reverse("summaries:edit", args=[other.pk, o["summary"].year]),
        reverse("summaries:attachment", args=[o["summary_attachment"].pk]),
        reverse("assessments:rectification", args=[o["rectification"].pk]),
        reverse("assessments:rectification_file", args=[o["rectification"].pk]),
        reverse("activities:report_detail", args=[o["activity_report"].pk]),
        reverse("activities:photo", args=[o["activity_photo"].pk]),
    ]
    login(page, "leader_other", PASSWORD)
    for url in refused:
        response = page.goto(url)
        assert response.status == 404, (url, response.status)
        expect(page.locator("main h1")).to_have_text("页面不存在（404）")
    screenshot(page, "leader-other-studio-404")
    # the leader's own studio opens, and the lists show none of the other studio's records
    response = page.goto(reverse("studios:detail", args=[own.pk]))
    assert response.status == 200
    expect(page.locator("main")).to_contain_text(own.name)
    for url in ("/ledger/", "/ledger/expenses/", "/funding/", "/summaries/", "/activities/reports/", "/studios/"):
        page.goto(url)
        expect(page.locator("main")).not_to_contain_text(other.name)

    # and the other way round: the first studio's leader cannot open the revoked studio's recovery file
    page.click("text=退出")
    page.wait_for_url("**/")
    login(page, "leader_own", PASSWORD)
    response = page.goto(reverse("recoveries:evidence_file", args=[o["revocation"].pk]))
    assert response.status == 404
    expect(page.locator("main h1")).to_have_text("页面不存在（404）")
    response = page.goto(reverse("ledger:account_detail", args=[account.pk]))
    assert response.status == 200
    expect(page.locator("main")).to_contain_text(other.name)

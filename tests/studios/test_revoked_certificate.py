"""Issue 16.6: a revoked studio's certificate is served stamped 已撤销 with the date and clause, and
the public notice (the public list of recognised studios) says the studio was revoked."""

from __future__ import annotations

import subprocess

import pytest
from django.test import Client

from masterstudio.notices.closing import recognise
from masterstudio.recoveries import services as recoveries
from tests.factories import selecting as f


@pytest.fixture
def revoked(db, cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.to_proposed(application, cast["reviewer"], cast["approver"])
    notice = f.published(application.round, cast["approver"])
    studio = recognise(application, actor=cast["approver"], now=f.day_after(notice))
    recoveries.revoke(
        studio, cause="other", evidence="单位来函申请撤销", decision="经研究撤销称号", actor=cast["approver"]
    )
    studio.refresh_from_db()
    return studio, notice


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_revoked_studios_certificate_is_stamped_with_date_and_clause(revoked, cast, tmp_path):
    studio, _ = revoked
    assert studio.state == "revoked" and studio.revocation_clause
    client = Client()
    client.force_login(cast["unit_a"])
    response = client.get(f"/studios/{studio.pk}/certificate.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "revoked" in response["Content-Disposition"]
    text = "".join(_pdf_text(response.content, tmp_path).split())
    day = studio.revoked_on
    assert "已撤销" in text
    assert f"{day.year}年{day.month}月{day.day}日" in text and f"第{studio.revocation_clause}条" in text
    assert "本证书作废" in text


def test_a_live_studios_certificate_carries_no_stamp(db, cast, unit_a, tmp_path):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.to_proposed(application, cast["reviewer"], cast["approver"])
    notice = f.published(application.round, cast["approver"])
    studio = recognise(application, actor=cast["approver"], now=f.day_after(notice))
    client = Client()
    client.force_login(cast["unit_a"])
    text = _pdf_text(client.get(f"/studios/{studio.pk}/certificate.pdf").content, tmp_path)
    assert "已撤销" not in text and "作废" not in text


def test_the_public_notice_says_the_studio_is_revoked(revoked):
    studio, notice = revoked
    page = Client().get(f"/notices/{notice.pk}/").content.decode()
    assert 'data-testid="revoked"' in page and "已撤销" in page
    day = studio.revoked_on
    assert f"{day.year}年{day.month}月{day.day}日依第{studio.revocation_clause}条撤销称号" in page

from __future__ import annotations

import subprocess
import threading

import pytest
from django.db import connection
from django.test import Client

from masterstudio.applications.models import Application, AppState
from masterstudio.core.models import Event
from masterstudio.core.pdf import FONT_NAME
from masterstudio.funding.models import Grant
from masterstudio.notices.closing import recognise
from masterstudio.recognition.services import AwardError
from masterstudio.studios import certificate
from masterstudio.studios.models import Studio
from tests.factories import PASSWORD
from tests.factories import selecting as f


@pytest.fixture
def studio(db, cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.to_proposed(application, cast["reviewer"], cast["approver"])
    notice = f.published(application.round, cast["approver"])
    return recognise(application, actor=cast["approver"], now=f.day_after(notice))


def test_recognition_creates_studio_title_nameplate_and_initial_grant_once(studio, cast):
    assert studio.title == "经开区技能大师工作室"
    assert studio.nameplate_no == "经开技大〔2026〕001号"
    assert studio.recognized_on.isoformat() == "2026-10-10"
    assert studio.application.state == AppState.RECOGNISED
    grant = Grant.objects.get(studio=studio)
    assert (grant.kind, grant.clause, str(grant.amount), grant.dated_on.isoformat()) == (
        "initial",
        "14.1",
        "200000.00",
        "2026-10-10",
    )
    event = Event.objects.get(action="studio.recognised")
    assert event.clause == "10" and event.data["grant_clause"] == "14.1"


def _client(username):
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_certificate_pdf_embeds_the_cjk_font(studio, tmp_path):
    pdf = certificate.render_certificate(studio)
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    line = next(row for row in fonts.splitlines() if "WenQuanYi" in row)
    assert " yes " in line.split("WenQuanYi", 1)[1]  # emb yes
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "经开技大〔2026〕001号" in text and "经开区技能大师工作室" in text


def test_certificate_without_the_font_fails_clearly(studio, settings):
    from reportlab.pdfbase import pdfmetrics

    settings.CERTIFICATE_FONT = "/nonexistent/wqy.ttc"
    pdfmetrics._fonts.pop(FONT_NAME, None)
    with pytest.raises(certificate.CertificateError, match="fonts-wqy-microhei"):
        certificate.render_certificate(studio)


def test_certificate_visibility(studio, cast):
    url = f"/studios/{studio.pk}/certificate.pdf"
    response = _client("unit_a").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert _client("reviewer").get(url).status_code == 200
    for outsider in ("unit_b", "expert", "evaluator", "sysadmin"):
        assert _client(outsider).get(url).status_code == 404, outsider
    assert Client().get(url).status_code == 302
    assert Event.objects.filter(action="studio.certificate_downloaded").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_recognitions_at_once_pay_once(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.to_proposed(application, cast["reviewer"], cast["approver"])
    notice = f.published(application.round, cast["approver"])
    barrier, outcomes = threading.Barrier(2), []

    def run():
        try:
            app = Application.objects.get(pk=application.pk)
            barrier.wait()
            recognise(app, now=f.day_after(notice))
            outcomes.append("ok")
        except AwardError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert outcomes.count("ok") == 1, outcomes
    assert Studio.objects.count() == 1 and Grant.objects.count() == 1

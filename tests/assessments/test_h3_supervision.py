"""督导检查 (issue 16, point 9): staff record a supervision visit, the unit sees the findings, the
assessment pages show them; one visibility rule for list, page and files."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masterstudio.assessments import selectors, services
from masterstudio.assessments.models import SupervisionVisit
from masterstudio.assessments.services import AssessmentError
from masterstudio.core import transitions
from masterstudio.core.models import Event, Notification
from tests.factories.money import pdf_upload
from tests.factories.studio_life import make_expert, make_studio, open_year

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _visit(studio, cast, **extra):
    values = dict(
        visited_on=timezone.localdate() - timedelta(days=3),
        inspectors="王审核、李审批（社会事业局）",
        findings="带徒台账不全，培训记录缺签到",
        follow_up="补齐台账",
        follow_up_due=timezone.localdate() + timedelta(days=30),
        uploads=[pdf_upload("检查记录.pdf")],
        actor=cast["reviewer"],
    )
    values.update(extra)
    return services.record_supervision(studio, **values)


def test_staff_record_a_visit_and_the_unit_is_told_and_sees_the_findings(cast, unit_a, unit_b):
    studio = make_studio(unit_a, approver=cast["approver"])
    visit = _visit(studio, cast)
    assert visit.files.count() == 1
    assert Event.objects.filter(action="supervision.recorded").count() == 1
    note = Notification.objects.get(key="supervision_recorded", recipient=cast["unit_a"])
    assert "带徒台账不全" in note.body and "补齐台账" in note.body
    page = _client(cast["unit_a"]).get("/assessments/").content.decode()
    assert "带徒台账不全，培训记录缺签到" in page
    detail = _client(cast["unit_a"]).get(f"/assessments/supervision/{visit.pk}/")
    assert detail.status_code == 200 and "补齐台账" in detail.content.decode()
    reader = _client(cast["unit_a"])
    url = f"/assessments/supervision/{visit.pk}/files/{visit.files.get().pk}/"
    assert reader.get(url).status_code == 200 and reader.get(url).status_code == 200
    # a reading event, recorded once per session however often the file is opened
    assert Event.objects.filter(action="supervision.file_downloaded", object_id=str(visit.pk)).count() == 1
    # another unit, the system administrator: not found
    assert _client(cast["unit_b"]).get(f"/assessments/supervision/{visit.pk}/").status_code == 404
    assert (
        _client(cast["unit_b"]).get(f"/assessments/supervision/{visit.pk}/files/{visit.files.get().pk}/").status_code
        == 404
    )
    assert not selectors.supervisions_for(cast["sysadmin"]).exists()
    assert list(selectors.supervisions_for(cast["auditor"])) == [visit]


def test_the_assessment_pages_show_the_years_visits(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    make_expert("专家一")
    ay = open_year(timezone.localdate().year, cast["reviewer"])
    _visit(studio, cast)
    result = ay.results.get(studio=studio)
    page = _client(cast["reviewer"]).get(f"/assessments/results/{result.pk}/dossier/").content.decode()
    assert "带徒台账不全，培训记录缺签到" in page
    services.draw(ay, size=1, seed="s", actor=cast["reviewer"])
    assignment = services.panel_of(result).assignments.get()
    expert = assignment.expert.user
    # an expert reads nothing of the studio before declaring no conflict of interest (issue 18.2)
    assert not selectors.supervisions_for(expert).exists()
    from masterstudio.experts.services.tasks import declare

    declare(assignment, expert, conflict=False)
    assert list(selectors.supervisions_for(expert).values_list("studio_id", flat=True)) == [studio.pk]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"visited_on": timezone.localdate() + timedelta(days=1)}, "不能晚于今天"),
        ({"findings": "  "}, "请填写“检查发现”"),
        ({"inspectors": ""}, "请填写“检查人员”"),
        ({"follow_up_due": timezone.localdate() - timedelta(days=30)}, "不能早于检查日期"),
        ({"findings": "问" * 2001}, "“检查发现”最多 2000 个字"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(cast, unit_a, change, message):
    studio = make_studio(unit_a, approver=cast["approver"])
    with pytest.raises(AssessmentError, match=message):
        _visit(studio, cast, **change)
    assert not SupervisionVisit.objects.exists() and not Event.objects.filter(action="supervision.recorded").exists()


def test_only_business_staff_record_and_not_for_a_revoked_studio(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    with pytest.raises(AssessmentError, match="审核或审批职责"):
        _visit(studio, cast, actor=cast["finance"])
    with transitions.seed("test fixture: a revoked studio"):
        type(studio).objects.filter(pk=studio.pk).update(
            state="revoked", revoked_on=timezone.localdate(), revocation_clause="13.2"
        )
    studio.refresh_from_db()
    with pytest.raises(AssessmentError, match="已撤销"):
        _visit(studio, cast)


def test_the_form_names_the_field_and_keeps_what_was_typed(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    response = _client(cast["reviewer"]).post(
        "/assessments/supervision/new/",
        {"studio": studio.pk, "visited_on": "2026-13-40", "inspectors": "王审核", "findings": "记录完整"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "“检查日期”应为日期，格式 YYYY-MM-DD" in page
    assert "记录完整" in page and not SupervisionVisit.objects.exists()

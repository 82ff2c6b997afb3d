from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from masterstudio.applications.models import Application, AppState, SupplementRequest
from masterstudio.core.models import Notification
from masterstudio.reviews.models import Decision
from masterstudio.reviews.services import ReviewError
from masterstudio.reviews.services.decisions import decide
from masterstudio.reviews.services.materials import conclude_review, record_finding, set_item, start_review
from masterstudio.reviews.services.visits import add_photo, record_visit, schedule_visit
from tests.factories import selecting as f
from tests.factories.applications import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(cast, unit_a):
    return f.submitted_application(unit_a, cast["unit_a"])


def test_checklist_has_every_material_and_condition_from_the_engine(submitted, cast):
    review = start_review(submitted, actor=cast["reviewer"])
    materials = list(review.items.filter(kind="material").values_list("clause", flat=True))
    conditions = list(review.items.filter(kind="condition").values_list("clause", flat=True))
    assert materials == ["9.1.1", "9.1.2", "9.1.3", "9.1.4"]
    assert {"4.1", "4.5", "5.1", "5.2", "5.3", "7.1", "7.2"} <= set(conditions)
    assert Application.objects.get(pk=submitted.pk).state == AppState.MATERIAL_REVIEW


def test_pass_needs_every_item_passed(submitted, cast):
    review = start_review(submitted, actor=cast["reviewer"])
    first = review.items.first()
    set_item(first, result="pass", comment="", actor=cast["reviewer"])
    with pytest.raises(ReviewError, match="尚未通过"):
        conclude_review(review, conclusion="pass", comment="", actor=cast["reviewer"])


def test_item_not_passed_needs_a_comment(submitted, cast):
    review = start_review(submitted, actor=cast["reviewer"])
    with pytest.raises(ReviewError, match="须填写意见"):
        set_item(review.items.first(), result="supplement", comment=" ", actor=cast["reviewer"])


def test_supplement_returns_to_unit_with_items_and_resubmission_reviews_again(submitted, cast):
    from masterstudio.applications import services as applying

    review = start_review(submitted, actor=cast["reviewer"])
    items = list(review.items.all())
    for item in items:
        set_item(item, result="pass", comment="", actor=cast["reviewer"])
    set_item(items[0], result="supplement", comment="证书复印件不清晰", actor=cast["reviewer"])
    conclude_review(review, conclusion="supplement", comment="", actor=cast["reviewer"])
    submitted.refresh_from_db()
    assert submitted.state == AppState.SUPPLEMENT
    request = SupplementRequest.objects.get(application=submitted)
    assert "证书复印件不清晰" in request.items[0]["comment"]
    applying.submit(submitted.pk, actor=cast["unit_a"])
    submitted.refresh_from_db()
    review = start_review(submitted, actor=cast["reviewer"])
    assert review.rounds == 2
    items = {i.pk: i for i in review.items.all()}
    assert items[items_first_pk(review)].result == ""


def items_first_pk(review):
    return review.items.order_by("position", "id").first().pk


def test_fail_tells_the_unit_why(submitted, cast, django_capture_on_commit_callbacks):
    review = start_review(submitted, actor=cast["reviewer"])
    item = (
        review.items.get(clause="4.4", kind="condition")
        if review.items.filter(clause="4.4").exists()
        else review.items.first()
    )
    set_item(item, result="fail", comment="无独立场所", actor=cast["reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        conclude_review(review, conclusion="fail", comment="不具备工作条件", actor=cast["reviewer"])
    submitted.refresh_from_db()
    assert submitted.state == AppState.REJECTED
    note = Notification.objects.filter(recipient=cast["unit_a"], key="application_rejected").get()
    assert "无独立场所" in note.body and "不具备工作条件" in note.body


def test_unlisted_route_practical_mastery_is_settled_by_a_finding(cast, unit_a):
    application = f.submitted_application(
        unit_a,
        cast["unit_a"],
        route="unlisted",
        occupation_code="",
        occupation_name="无人机装调检修工艺师",
        skill_level="",
    )
    review = start_review(application, actor=cast["reviewer"])
    assert review.eligibility["outcome"] == "undetermined"
    assert "leader.practical_mastery" in review.eligibility["missing_facts"]
    for item in review.items.all():
        set_item(item, result="pass", comment="", actor=cast["reviewer"])
    with pytest.raises(ReviewError, match="请先在“认定事实”中认定"):
        conclude_review(review, conclusion="pass", comment="", actor=cast["reviewer"])
    review = record_finding(
        application, fact="leader.practical_mastery", value=True, note="现场操作演示，技艺娴熟", actor=cast["reviewer"]
    )
    assert review.eligibility["outcome"] == "eligible"
    check = next(c for c in review.eligibility["checks"] if c["clause"] == "6.2")
    assert check["result"] == "pass"
    conclude_review(review, conclusion="pass", comment="", actor=cast["reviewer"])
    application.refresh_from_db()
    assert application.state == AppState.SITE_INSPECTION


def test_a_finding_of_the_first_review_counts_when_the_resubmission_is_reviewed(cast, unit_a):
    """The first review starts with no findings (none exist before it); a resubmission after 退回补正
    is reviewed again with the findings already recorded."""
    from masterstudio.applications import services as applying

    application = f.submitted_application(
        unit_a,
        cast["unit_a"],
        route="unlisted",
        occupation_code="",
        occupation_name="无人机装调检修工艺师",
        skill_level="",
    )
    review = start_review(application, actor=cast["reviewer"])
    assert review.eligibility["outcome"] == "undetermined"
    review = record_finding(
        application, fact="leader.practical_mastery", value=True, note="现场操作演示，技艺娴熟", actor=cast["reviewer"]
    )
    items = list(review.items.all())
    conclude_review(
        review,
        conclusion="supplement",
        comment="",
        actor=cast["reviewer"],
        results=[(items[0], "supplement", "证书复印件不清晰")] + [(item, "pass", "") for item in items[1:]],
    )
    applying.submit(application.pk, actor=cast["unit_a"])
    application.refresh_from_db()
    again = start_review(application, actor=cast["reviewer"])
    assert again.rounds == 2 and again.eligibility["outcome"] == "eligible"


def test_site_visit_needs_checklist_and_findings_before_a_result(submitted, cast):
    f.pass_material_review(submitted, cast["reviewer"])
    visit = schedule_visit(
        submitted, scheduled_on=submitted.round.closes_at.date(), people="王审核", contact="", actor=cast["reviewer"]
    )
    assert Notification.objects.filter(recipient=cast["unit_a"], key="visit_scheduled").exists()
    with pytest.raises(ReviewError, match="考察清单"):
        record_visit(visit, checks={"site": "yes"}, findings="场所良好", result="pass", actor=cast["reviewer"])
    with pytest.raises(ValidationError, match="不是照片"):
        add_photo(visit, SimpleUploadedFile("scan.pdf", pdf_bytes()), caption="", actor=cast["reviewer"])
    photo = add_photo(visit, SimpleUploadedFile("site.png", png_bytes()), caption="工作室全景", actor=cast["reviewer"])
    assert photo.kind == "png"
    record_visit(
        visit,
        checks={"site": "yes", "equipment": "yes", "team_present": "no", "systems_displayed": "yes"},
        findings="两名队员外出培训",
        result="pass",
        actor=cast["reviewer"],
    )
    submitted.refresh_from_db()
    assert submitted.state == AppState.EXPERT_REVIEW


def test_stale_decision_is_refused(submitted, cast, django_capture_on_commit_callbacks):
    f.to_evaluation(submitted, cast["reviewer"])
    decide(submitted, outcome="reject", reason="得分偏低", rank=None, version=0, actor=cast["approver"])
    with pytest.raises(ReviewError, match="其他工作人员修改"):
        decide(submitted, outcome="propose", reason="重新考虑", rank=1, version=0, actor=cast["approver"])
    decision = Decision.objects.get(application=submitted)
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            submitted, outcome="propose", reason="重新考虑", rank=1, version=decision.version, actor=cast["approver"]
        )
    submitted.refresh_from_db()
    assert submitted.state == AppState.PROPOSED
    assert not Notification.objects.filter(
        recipient=cast["unit_a"], key__in=["application_rejected", "application_on_notice"]
    ).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_once_one_wins(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.to_evaluation(application, cast["reviewer"])
    barrier, outcomes = threading.Barrier(2), []

    def decide_as(outcome):
        try:
            app = Application.objects.get(pk=application.pk)
            barrier.wait()
            decide(app, outcome=outcome, reason=f"理由{outcome}", rank=1, version=0, actor=cast["approver"])
            outcomes.append("ok")
        except ReviewError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=decide_as, args=(o,)) for o in ("propose", "reject")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert outcomes.count("ok") == 1
    assert Decision.objects.filter(application=application).count() == 1

"""The material review checklist saved as a whole (issue 9): one ``review.item`` event per line,
exactly as line by line, and all or nothing when a line is refused."""
from __future__ import annotations

import pytest

from masterstudio.core.events import events_for, verify_chain
from masterstudio.reviews import services as reviews
from masterstudio.reviews.models import ReviewItem
from tests.factories import selecting as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    return reviews.start_review(application, actor=cast["reviewer"])


def test_the_whole_checklist_at_once_records_each_line(review, cast):
    items = list(review.items.all())
    results = [(item, "fail", " 证书与申报职业不符 ") if k == 0 else (item, "pass", "") for k, item in enumerate(items)]
    saved = reviews.set_items(review, results, actor=cast["reviewer"])
    assert [i.pk for i in saved] == [i.pk for i in items]
    stored = {i.pk: i for i in ReviewItem.objects.filter(review=review)}
    assert stored[items[0].pk].result == "fail" and stored[items[0].pk].comment == "证书与申报职业不符"
    assert all(stored[i.pk].result == "pass" and stored[i.pk].updated_by_id == cast["reviewer"].pk for i in items[1:])
    logged = [e for e in events_for(review.application) if e.action == "review.item"]
    assert [(e.clause, e.data["item"], e.data["result"]) for e in logged] == \
        [(i.clause, i.title, "fail" if k == 0 else "pass") for k, i in enumerate(items)]
    assert logged[0].data["comment"] == "证书与申报职业不符" and logged[0].actor == cast["reviewer"]
    assert verify_chain()[1] is None


def test_one_refused_line_refuses_the_whole_checklist(review, cast):
    items = list(review.items.all())
    results = [(item, "pass", "") for item in items]
    results[-1] = (items[-1], "supplement", "  ")
    with pytest.raises(reviews.ReviewError, match="须填写意见"):
        reviews.set_items(review, results, actor=cast["reviewer"])
    assert not ReviewItem.objects.filter(review=review).exclude(result="").exists()
    assert not [e for e in events_for(review.application) if e.action == "review.item"]


def test_a_line_of_another_review_is_refused(review, cast, unit_b):
    other = reviews.start_review(f.submitted_application(unit_b, cast["unit_b"], review.application.round,
                                                         prefix="乙", seq_base=50), actor=cast["reviewer"])
    with pytest.raises(reviews.ReviewError, match="不属于本次材料审核"):
        reviews.set_items(review, [(other.items.first(), "pass", "")], actor=cast["reviewer"])


def test_a_concluded_review_takes_no_more_results(review, cast):
    items = list(review.items.all())
    reviews.set_items(review, [(item, "pass", "") for item in items], actor=cast["reviewer"])
    reviews.conclude_review(review, conclusion="pass", comment="材料齐全", actor=cast["reviewer"])
    with pytest.raises(reviews.ReviewError, match="材料审核已结束"):
        reviews.set_items(review, [(items[0], "fail", "补充说明")], actor=cast["reviewer"])

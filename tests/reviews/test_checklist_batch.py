"""The material review checklist saved as a whole (issue 9): one ``review.item`` event per line,
exactly as line by line, and all or nothing when a line is refused."""

from __future__ import annotations

import pytest

from masterstudio.core.events import events_for, verify_chain
from masterstudio.reviews.models import ReviewItem
from masterstudio.reviews.services import ReviewError
from masterstudio.reviews.services.materials import conclude_review, set_items, start_review
from tests.factories import selecting as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    return start_review(application, actor=cast["reviewer"])


def test_the_whole_checklist_at_once_records_each_line(review, cast):
    items = list(review.items.all())
    results = [(item, "fail", " 证书与申报职业不符 ") if k == 0 else (item, "pass", "") for k, item in enumerate(items)]
    saved = set_items(review, results, actor=cast["reviewer"])
    assert [i.pk for i in saved] == [i.pk for i in items]
    stored = {i.pk: i for i in ReviewItem.objects.filter(review=review)}
    assert stored[items[0].pk].result == "fail" and stored[items[0].pk].comment == "证书与申报职业不符"
    assert all(stored[i.pk].result == "pass" and stored[i.pk].updated_by_id == cast["reviewer"].pk for i in items[1:])
    logged = [e for e in events_for(review.application) if e.action == "review.item"]
    assert [(e.clause, e.data["item"], e.data["result"]) for e in logged] == [
        (i.clause, i.title, "fail" if k == 0 else "pass") for k, i in enumerate(items)
    ]
    assert logged[0].data["comment"] == "证书与申报职业不符" and logged[0].actor == cast["reviewer"]
    assert verify_chain()[1] is None


def test_one_refused_line_refuses_the_whole_checklist(review, cast):
    items = list(review.items.all())
    results = [(item, "pass", "") for item in items]
    results[-1] = (items[-1], "supplement", "  ")
    with pytest.raises(ReviewError, match="须填写意见"):
        set_items(review, results, actor=cast["reviewer"])
    assert not ReviewItem.objects.filter(review=review).exclude(result="").exists()
    assert not [e for e in events_for(review.application) if e.action == "review.item"]


def test_a_line_of_another_review_is_refused(review, cast, unit_b):
    other = start_review(
        f.submitted_application(unit_b, cast["unit_b"], review.application.round, prefix="乙", seq_base=50),
        actor=cast["reviewer"],
    )
    with pytest.raises(ReviewError, match="不属于本次材料审核"):
        set_items(review, [(other.items.first(), "pass", "")], actor=cast["reviewer"])


def test_a_concluded_review_takes_no_more_results(review, cast):
    items = list(review.items.all())
    set_items(review, [(item, "pass", "") for item in items], actor=cast["reviewer"])
    conclude_review(review, conclusion="pass", comment="材料齐全", actor=cast["reviewer"])
    with pytest.raises(ReviewError, match="材料审核已结束"):
        set_items(review, [(items[0], "fail", "补充说明")], actor=cast["reviewer"])


# ---------------------------------------------------------------- the review page's one form


def _reviewer():
    from django.test import Client

    from tests.factories import PASSWORD

    client = Client()
    assert client.login(username="reviewer", password=PASSWORD)
    return client


def test_the_page_saves_one_line_from_its_row(review, cast):
    items = list(review.items.all())
    form = {f"result-{i.pk}": "pass" for i in items} | {"save": str(items[1].pk)}
    response = _reviewer().post(f"/review/{review.application_id}/checklist/", form)
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{items[1].pk}")
    saved = dict(ReviewItem.objects.filter(review=review).values_list("pk", "result"))
    assert saved[items[1].pk] == "pass" and [pk for pk, result in saved.items() if result] == [items[1].pk]


def test_the_checklist_and_its_conclusion_in_one_submit(review, cast):
    from masterstudio.applications.models import Application

    items = list(review.items.all())
    reviewer = _reviewer()
    reviewer.post(f"/review/{review.application_id}/checklist/", {f"result-{items[0].pk}": "pass", "save_all": "1"})
    form = {f"result-{i.pk}": "pass" for i in items} | {"conclusion": "pass", "comment": "材料齐全", "conclude": "1"}
    page = reviewer.post(f"/review/{review.application_id}/checklist/", form, follow=True).content.decode()
    assert "已保存审核清单并作出材料审核结论" in page
    assert Application.objects.get(pk=review.application_id).state == "site_inspection"
    assert set(ReviewItem.objects.filter(review=review).values_list("result", flat=True)) == {"pass"}
    # the line saved before is not logged again: one event per line, then the conclusion
    logged = [e.action for e in events_for(review.application) if e.action.startswith(("review.", "application."))]
    assert logged.count("review.item") == len(items) and logged[-1] == "application.site_inspection"
    assert verify_chain()[1] is None


def test_a_refused_conclusion_keeps_everything_typed_and_saves_nothing(review, cast):
    from masterstudio.applications.models import Application

    items = list(review.items.all())
    form = {f"result-{i.pk}": "pass" for i in items[1:]} | {
        f"result-{items[0].pk}": "supplement",
        f"comment-{items[0].pk}": "",
        "conclusion": "supplement",
        "comment": "请补充证书",
        "conclude": "1",
    }
    response = _reviewer().post(f"/review/{review.application_id}/checklist/", form)
    page = response.content.decode()
    assert response.status_code == 400 and "须填写意见" in page
    assert f'name="result-{items[0].pk}" value="supplement" form="checklist" checked' in page
    assert f'name="result-{items[1].pk}" value="pass" form="checklist" checked' in page
    assert 'value="supplement" form="checklist" checked> 退回补正' in page and "请补充证书</textarea>" in page
    assert not ReviewItem.objects.filter(review=review).exclude(result="").exists()
    assert Application.objects.get(pk=review.application_id).state == "material_review"
    # the reason given, the same submit goes through: the unit is asked to supplement
    form[f"comment-{items[0].pk}"] = "证书复印件不清晰"
    assert _reviewer().post(f"/review/{review.application_id}/checklist/", form).status_code == 302
    assert Application.objects.get(pk=review.application_id).state == "supplement"


def test_saving_with_nothing_chosen_says_what_to_do(review, cast):
    response = _reviewer().post(f"/review/{review.application_id}/checklist/", {"save_all": "1"})
    assert response.status_code == 400 and "请至少为一项选择审核结果" in response.content.decode()

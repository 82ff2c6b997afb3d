"""Issue 18 points 8, 9, 11: the wizard, the checklist's files, refusals that say the right reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from masterstudio.applications import services
from masterstudio.applications.wizard import read_draft
from masterstudio.reviews.services.materials import record_finding, start_review
from tests.factories.applications import make_people, ready_application

pytestmark = pytest.mark.django_db


def _check(app, clause):
    return next(c for c in app.precheck["checks"] if c["clause"] == clause)


def test_a_second_draft_names_the_pending_application_not_a_studio(cast, unit_a):
    leader, team = make_people(unit_a)
    first = ready_application(unit_a, cast["unit_a"], leader=leader, team=team)
    services.submit(first.pk, actor=cast["unit_a"])
    first.refresh_from_db()
    second = ready_application(
        unit_a, cast["unit_a"], first.round, leader=leader, team=team, occupation_code="6-18-01-02"
    )
    message = _check(second, "7.1")["message"]
    assert _check(second, "7.1")["result"] == "fail"
    assert "本批次已有该领办人的申报" in message and first.receipt_no in message
    assert "已领办工作室" not in message
    with pytest.raises(services.ApplyError) as exc:
        services.submit(second.pk, actor=cast["unit_a"])
    assert any("本批次已有该领办人的申报" in m for m in exc.value.messages)


def test_a_live_studio_is_still_named_a_studio(cast, unit_a):
    from masterstudio.studios.models import Studio

    leader, team = make_people(unit_a)
    Studio.objects.create(
        unit=unit_a,
        leader=leader,
        occupation_code="6-18-01-02",
        occupation_name="铣工",
        name="张领办铣工工作室",
        nameplate_no="JK-2025-001",
        recognized_on="2025-09-01",
        leader_key=leader.id_index,
        scope_key="unit:x|branch:0|occ:6-18-01-02",
    )
    app = ready_application(unit_a, cast["unit_a"], leader=leader, team=team)
    assert "已领办工作室" in _check(app, "7.1")["message"]


def test_new_person_needs_no_birth_date_it_comes_from_the_id_number(client, cast, unit_a):
    from masterstudio.units.models import Person

    app = ready_application(unit_a, cast["unit_a"])
    client.force_login(cast["unit_a"])
    page = client.get(reverse("applications:edit", args=[app.pk])).content.decode()
    assert 'name="person-birth_date"' not in page
    response = client.post(
        reverse("applications:add_person", args=[app.pk]),
        {
            "person-name": "钱新人",
            "person-id_number": "110105199505050032",
            "person-position": "车工",
            "person-formal_employee": "on",
            "person-frontline": "on",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(unit=unit_a, name="钱新人")
    assert str(person.birth_date) == "1995-05-05" and person.gender == "male"


def test_wizard_step_index_names_each_step(client, cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    client.force_login(cast["unit_a"])
    page = client.get(reverse("applications:edit", args=[app.pk])).content.decode()
    assert 'class="step-nav"' in page and "data-step-nav" in page


def test_resubmitting_a_submitted_application_says_so_at_the_top(client, cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    client.force_login(cast["unit_a"])
    assert client.post(reverse("applications:submit", args=[app.pk])).status_code == 302
    response = client.post(reverse("applications:submit", args=[app.pk]), follow=True)  # the back button
    page = response.content.decode()
    assert "已已" not in page
    assert "申报当前为“已提交”，内容已冻结" in page
    assert page.index("申报当前为") < page.index("<h1")  # the messages at the top, above the page's title


def test_a_reviewer_refused_a_decision_is_told_the_duty_it_needs(client, cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    services.submit(app.pk, actor=cast["unit_a"])
    client.force_login(cast["reviewer"])
    response = client.post(reverse("reviews:decide", args=[app.pk]), {"outcome": "proposed", "reason": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "“审批”职责" in page and "三员分立" not in page


def test_the_sysadmin_is_still_told_of_the_separation_of_duties(client, cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    client.force_login(cast["sysadmin"])
    response = client.post(reverse("reviews:decide", args=[app.pk]), {"outcome": "proposed", "reason": "x"})
    assert response.status_code == 403 and "三员分立" in response.content.decode()


def test_each_checklist_row_opens_its_files(client, cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    services.submit(app.pk, actor=cast["unit_a"])
    app.refresh_from_db()
    start_review(app, actor=cast["reviewer"])
    client.force_login(cast["reviewer"])
    page = client.get(reverse("reviews:detail", args=[app.pk])).content.decode()
    materials = list(app.materials.filter(removed_at__isnull=True))
    assert materials
    for material in materials:
        url = reverse("applications:download", args=[material.pk]) + "?inline=1"
        assert url in page
    opened = client.get(reverse("applications:download", args=[materials[0].pk]) + "?inline=1")
    assert opened.status_code == 200 and opened["Content-Disposition"].startswith("inline")


def test_the_finding_form_and_the_findings_speak_chinese(client, cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    services.submit(app.pk, actor=cast["unit_a"])
    app.refresh_from_db()
    start_review(app, actor=cast["reviewer"])
    record_finding(app, fact="unit.has_facilities", value=True, note="现场照片第 3 页", actor=cast["reviewer"])
    client.force_login(cast["reviewer"])
    page = client.get(reverse("reviews:detail", args=[app.pk])).content.decode()
    for key in ("leader.practical_mastery", "unit.has_facilities", "unit.in_etown"):
        assert f">{key}" not in page and f"<code>{key}" not in page
    assert "单位能否提供场所、设备等必要工作条件" in page


def test_an_autosave_answered_after_a_later_one_changes_nothing(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    later = {**app.draft, "autosave_seq": ["2000"], "frontline_years": ["23"]}
    services.save_draft(app.pk, read_draft(later, unit=unit_a), actor=cast["unit_a"])
    earlier = {"autosave_seq": ["1000"], "frontline_years": ["5"]}
    app, kept = services.save_draft(app.pk, read_draft(earlier, unit=unit_a), actor=cast["unit_a"])
    assert kept.typed["frontline_years"] == ["23"]  # the answer shows the draft as it stands
    app.refresh_from_db()
    assert app.facts["frontline_years"] == 23 and app.draft["frontline_years"] == ["23"]
    assert app.facts["conditions"]["has_facilities"] is True  # the earlier, emptier request wrote nothing

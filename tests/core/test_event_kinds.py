"""One rule decides which events a unit may see and from when (issue 18.1, 18.12): every event kind
of an application's history is declared in core/event_kinds.py — walked here over the state tables
and over every event the source records on these objects — and an application driven through every
state shows its unit only what the declarations allow: nothing of the evaluation before the notice."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from masterstudio.applications import selectors
from masterstudio.applications import services as applying
from masterstudio.applications.models import AppState
from masterstudio.applications.states import APPLICATION_MACHINE
from masterstudio.core import event_kinds
from masterstudio.core.models import Event
from masterstudio.notices import closing
from masterstudio.notices import services as notices
from masterstudio.notices.states import ENTRY_MACHINE, OBJECTION_MACHINE
from masterstudio.reviews.services.decisions import decide
from masterstudio.reviews.services.scoring import finish_expert_review
from masterstudio.reviews.services.visits import add_photo, record_visit, schedule_visit
from tests.factories import PASSWORD
from tests.factories import selecting as f
from tests.factories.applications import png_bytes

SRC = Path(__file__).resolve().parents[2] / "src" / "masterstudio"


@pytest.mark.parametrize(
    "machine", [APPLICATION_MACHINE, ENTRY_MACHINE, OBJECTION_MACHINE], ids=["application", "noticeentry", "objection"]
)
def test_every_transition_of_every_state_declares_its_visibility(machine):
    model = machine.model._meta.model_name
    missing = [
        (source, target)
        for source, target in machine.table
        if (f"{model}.{target}", source) not in event_kinds.declared()
    ]
    assert missing == [], f"{model}: transitions without a declared visibility in core/event_kinds.py"


def _recorded_actions() -> list[tuple[str, str, str]]:
    """(action, the obj expression, file) of every event recorded with a literal action."""
    found = []
    for path in SRC.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                args = node.args[1:] if name == "record_read" else node.args
                if name in ("record_event", "record_read") and args and isinstance(args[0], ast.Constant):
                    obj = next((ast.get_source_segment(source, k.value) for k in node.keywords if k.arg == "obj"), "")
                    found.append((args[0].value, obj or "", path.name))
            if isinstance(node, ast.Dict):  # record_events({"action": …, "obj": …})
                keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
                if "action" in keys and isinstance(node.values[keys.index("action")], ast.Constant):
                    obj = ast.get_source_segment(source, node.values[keys.index("obj")]) if "obj" in keys else ""
                    found.append((node.values[keys.index("action")].value, obj or "", path.name))
    return found


def test_every_event_recorded_on_an_application_history_is_declared():
    history = re.compile(r"application|objection|entry")
    recorded = [(action, obj, name) for action, obj, name in _recorded_actions() if history.search(obj)]
    assert len(recorded) > 10  # the scan finds the calls (material, review, visit, decision, objection …)
    missing = sorted({(action, name) for action, _obj, name in recorded if event_kinds.kind_of(action) is None})
    assert missing == [], "events recorded on an application's history without a declared visibility"


def test_every_reading_event_is_declared_as_reading_and_recorded_once_per_session():
    reading = [(a, n) for a, _o, n in _recorded_actions() if re.search(r"download|_viewed", a)]
    assert {a for a, _ in reading} <= event_kinds.READING_ACTIONS
    plain = [
        (a, n)
        for a, n in reading
        if re.search(rf'record_event\(\s*"{re.escape(a)}"', (SRC.rglob(n).__next__()).read_text())
    ]
    assert plain == [], "reading events must go through core.event_kinds.record_read"


def test_a_kind_never_declared_is_shown_to_no_unit():
    class Undeclared:
        action, from_state, data = "something.new", "", {}

    assert event_kinds.kind_of_event(Undeclared()) is None
    assert not event_kinds.visible_to_unit(Undeclared(), published=True, published_version=1)


def _unit_page(user, application) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(f"/applications/{application.pk}/").content.decode()


def _check_state(cast, application, *, published: bool, secrets=()):
    """At one state: every event of the history is declared; the unit sees exactly the events its
    declarations allow, in words (no event code); nothing in ``secrets`` reaches its page."""
    history = list(selectors.history_events(application))
    undeclared = sorted({e.action for e in history if event_kinds.kind_of_event(e) is None})
    assert undeclared == [], f"state {application.state}: events without a declared visibility"
    seen = {e.pk for e in selectors.unit_progress_events(application)}
    _published, version = selectors.evaluation_published(application)
    assert _published == published
    for event in history:
        kind = event_kinds.kind_of_event(event)
        expected = kind.visible_to_unit(published) and (
            kind.detail != "decision" or event.data.get("version") == version
        )
        assert (event.pk in seen) == expected, (application.state, event.action, event.from_state)
    body = _unit_page(cast["unit_a"], application)
    timeline = body[body.index('data-testid="timeline"') :]
    for event in history:
        assert event.action not in timeline, f"event code {event.action} on the unit's page"
    for text in secrets:
        assert text not in body, f"state {application.state}: {text!r} reached the unit before the notice"
    return body


@pytest.mark.django_db
def test_the_unit_sees_nothing_of_the_evaluation_before_the_notice_in_any_state(cast, unit_a, unit_b):
    staff, approver = cast["reviewer"], cast["approver"]
    application = f.submitted_application(unit_a, cast["unit_a"])
    other = f.submitted_application(unit_b, cast["unit_b"], application.round, prefix="乙", seq_base=50)
    _check_state(cast, application, published=False)

    applying.start_material_review(application.pk, actor=staff)
    application.refresh_from_db()
    _check_state(cast, application, published=False)
    applying.return_for_supplement(application.pk, actor=staff, comment="", items={"team": "请补充劳动合同"})
    application.refresh_from_db()
    body = _check_state(cast, application, published=False)
    assert "按退回补正意见逐项补正材料" in body
    applying.submit(application.pk, actor=cast["unit_a"])
    application.refresh_from_db()
    f.pass_material_review(application, staff)
    visit = schedule_visit(
        application, scheduled_on=f.date(2026, 12, 8), people="王审核、李专家", contact="联系人", actor=staff
    )
    add_photo(visit, SimpleUploadedFile("现场.png", png_bytes()), caption="车间", actor=staff)
    application.refresh_from_db()
    body = _check_state(cast, application, published=False)
    assert "考察日期 2026-12-08" in body and "2026年12月8日" in body  # the next step, by when
    record_visit(
        visit,
        checks={"site": "yes", "equipment": "yes", "team_present": "yes", "systems_displayed": "yes"},
        findings="车间内部考察意见甲",
        result="pass",
        actor=staff,
    )
    application.refresh_from_db()
    _check_state(cast, application, published=False, secrets=["车间内部考察意见甲"])

    f.make_rubric(application.round)
    for i in range(3):
        f.make_expert(f"walk_expert_{i}", name=f"专家{i}")
    f.draw_panel([application], staff)
    f.score_all(application, points=("27.5", "21", "22", "17"))
    finish_expert_review(application, actor=staff)
    application.refresh_from_db()
    _check_state(cast, application, published=False, secrets=["87.5", "27.5", "专家评分"])

    decide(application, outcome="propose", reason="初评理由甲", rank=1, version=0, actor=approver)
    application.refresh_from_db()
    assert application.state == AppState.PROPOSED
    secrets = ["拟认定", "初评理由甲", "87.5", "专家评分"]
    body = _check_state(cast, application, published=False, secrets=secrets)
    assert '<span class="tag" data-testid="state">综合评议</span>' in body
    decide(application, outcome="reject", reason="复议理由乙", rank=None, version=1, actor=approver)
    decide(application, outcome="propose", reason="最终评议理由丙", rank=1, version=2, actor=approver)
    application.refresh_from_db()
    _check_state(cast, application, published=False, secrets=[*secrets, "复议理由乙", "最终评议理由丙"])
    mine = Client()
    mine.login(username="unit_a", password=PASSWORD)
    assert "拟认定" not in mine.get("/applications/").content.decode()

    f.to_evaluation(other, staff)
    decide(other, outcome="reject", reason="乙单位评议理由", rank=None, version=0, actor=approver)
    notice = f.published(application.round, approver)
    application.refresh_from_db()
    body = _check_state(cast, application, published=True, secrets=["初评理由甲", "复议理由乙", "87.5"])
    assert "最终评议理由丙" in body and "列入拟认定名单并向社会公示" in body

    entry = notice.entries.get(application=application)
    objection = notices.file_objection(
        entry,
        name="赵异议",
        contact="13911112222",
        content="该领办人近两年并不在生产一线岗位工作，请核实",
        now=f.at("2026-09-29"),
    )
    application.refresh_from_db()
    body = _check_state(cast, application, published=True, secrets=["赵异议", "13911112222", "并不在生产一线岗位"])
    assert "收到实名异议" in body and objection.receipt in body
    notices.start_investigation(objection, actor=staff)
    notices.resolve(
        objection,
        upheld=False,
        investigation="核实在岗记录丁",
        reply="异议不成立",
        actor=approver,
        now=f.at("2026-09-30"),
    )
    body = _check_state(cast, application, published=True, secrets=["赵异议", "核实在岗记录丁"])
    assert "异议处理结果：异议不成立" in body and "异议不成立，恢复公示" in body
    closing.close_due(now=f.day_after(notice))
    application.refresh_from_db()
    assert application.state == AppState.RECOGNISED
    body = _check_state(cast, application, published=True)
    assert "公示期满无异议，认定为经开区技能大师工作室" in body

    other.refresh_from_db()
    assert other.state == AppState.REJECTED
    client = Client()
    client.login(username="unit_b", password=PASSWORD)
    body = client.get(f"/applications/{other.pk}/").content.decode()
    assert "综合评议结论：不予认定" in body and "乙单位评议理由" in body


@pytest.mark.django_db
def test_reading_events_are_never_on_the_unit_page_and_once_per_staff_session(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    material = application.materials.filter(removed_at__isnull=True).first()
    staff = Client()
    staff.force_login(cast["reviewer"])
    for _ in range(3):
        assert staff.get(f"/applications/materials/{material.pk}/").status_code == 200
    assert Event.objects.filter(action="material.downloaded").count() == 1
    again = Client()
    again.force_login(cast["reviewer"])  # a new session records again, once
    again.get(f"/applications/materials/{material.pk}/")
    assert Event.objects.filter(action="material.downloaded").count() == 2
    unit = Client()
    unit.login(username="unit_a", password=PASSWORD)
    unit.get(f"/applications/materials/{material.pk}/")
    body = unit.get(f"/applications/{application.pk}/").content.decode()
    assert "下载申报材料" not in body and "material.downloaded" not in body
    staff_page = staff.get(f"/applications/manage/{application.pk}/").content.decode()
    assert staff_page.count("下载申报材料") == 3  # the staff's record: once per session

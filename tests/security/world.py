"""One realistic world for the access matrix (issue 8): every kind of object, of unit A and of
unit B, built through the real services, and the whole cast that reads it.

The objects the URLs are filled with are unit A's; unit B owns the same kinds of objects so that a
leak across units would show as a 200 where the matrix expects 404.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from masterstudio.activities import services as activities
from masterstudio.activities.models import Activity, ActivityPhoto
from masterstudio.assessments import services as assessments
from masterstudio.assessments.models import Flag, Rectification
from masterstudio.evaluations import services as evaluations
from masterstudio.experts.models import Assignment
from masterstudio.experts.services.tasks import declare
from masterstudio.funding import services as funding
from masterstudio.ledger import services as ledger
from masterstudio.notices import services as notices
from masterstudio.recoveries import services as recoveries
from masterstudio.reviews.services.visits import add_photo
from masterstudio.summaries import services as summaries
from tests.factories import make_user
from tests.factories import selecting as sel
from tests.factories import studio_life as life
from tests.factories.applications import make_round
from tests.factories.money import pdf_upload, png_upload

FACTS = "领办人不在一线岗位，申报材料所述工作年限与事实不符"  # an objection's facts, as long as the rules ask

SUMMARY_TEXT = {
    "projects": "数控车削工艺攻关",
    "apprentices": "带徒 2 人",
    "exchanges": "技艺交流 1 次",
    "social_benefit": "面向园区培训 30 人次",
    "spending": "购置量具",
}


def build(cast: dict, unit_a, unit_b) -> dict:
    """Returns {"users": {role: user or None}, "objects": {...}} — objects are unit A's unless named _b."""
    reviewer, approver, finance = cast["reviewer"], cast["approver"], cast["finance"]
    now = timezone.now()
    today = timezone.localdate()
    o: dict = {}

    # ---------------------------------------------------------------- studios and their money
    studio = life.make_studio(unit_a, approver=approver, finance=finance, paid=True)
    doomed = life.make_studio(
        unit_a,
        approver=approver,
        finance=finance,
        paid=True,
        occupation_code="6-18-01-02",
        occupation_name="铣工",
        leader_birth="1976-05-09",
    )
    studio_b = life.make_studio(unit_b, approver=approver, finance=finance, paid=True, leader_birth="1977-07-07")
    o.update(studio=studio, studio_b=studio_b, doomed=doomed)

    # annual assessment of 2025: A's studio fails and must rectify
    assessor = life.make_expert("考核专家", fields=("6-18",))
    ay, _ = life.run_year(2025, {studio.pk: 12, doomed.pk: 20, studio_b.pk: 20}, reviewer=reviewer, approver=approver)
    assessor.active = False
    assessor.save(update_fields=["active"])
    o["year"] = ay
    o["result"] = ay.results.get(studio=studio)
    rect = Rectification.objects.get(studio=studio)
    assessments.report_rectification(
        rect, report="已补充带徒计划，并开展技艺交流", upload=pdf_upload("整改报告.pdf"), actor=cast["unit_a"]
    )
    o["rectification"] = rect
    o["flag"] = Flag.objects.create(
        studio=studio,
        kind="late_summary",
        key="summary-2025",
        clause="11",
        raised_on=today,
        detail="2025 年度工作总结逾期未报送",
    )

    # revocation and recovery of A's second studio
    revocation = recoveries.revoke(
        doomed,
        cause="other",
        evidence="单位来函申请撤销",
        decision="经研究撤销称号",
        upload=pdf_upload("来函.pdf"),
        actor=approver,
    )
    o["revocation"], o["recovery"] = revocation, revocation.recovery

    # special account with a voucher
    account = ledger.open_account(
        studio, name="甲工作室专项资金", opened_on=date(2024, 7, 1), actor=cast["unit_a"], openings={"grant": "50000"}
    )
    expense = ledger.record_expense(
        account,
        spent_on=date(2024, 8, 1),
        amount="800",
        source="grant",
        category="equipment_facilities",
        description="购置千分尺",
        voucher_no="PZ-1",
        voucher=pdf_upload("发票.pdf"),
        actor=cast["unit_a"],
    )
    o.update(account=account, expense=expense)

    # grants: A's initial grant, a document on it, a Beijing-level title
    grant = studio.grants.get(kind="initial")
    document = funding.attach_document(grant, title="资金核定通知", upload=pdf_upload("核定通知.pdf"), actor=reviewer)
    funding.record_title(
        studio, "beijing", document_no="京人社函〔2025〕9号", awarded_on=date(2025, 9, 1), actor=approver
    )
    o.update(grant=grant, document=document)

    # bureau activity, A's sign-up and A's own activity report with a photo
    activity = Activity.objects.create(
        title="数控技能交流会",
        kind="exchange",
        description="交流",
        location="亦庄",
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=10, hours=3),
        signup_deadline=now + timedelta(days=5),
        capacity=30,
        created_by=reviewer,
    )
    activities.change_state(activity, "published", actor=reviewer)
    o["signup"] = activities.sign_up(
        activity, studio, participants="张三", contact="王 13800138000", actor=cast["unit_a"]
    )
    report = activities.report_activity(
        studio,
        data={
            "kind": "training",
            "title": "技能培训",
            "held_on": today,
            "participants": 12,
            "apprentices": "",
            "description": "车削培训",
        },
        photos=[png_upload("培训.png")],
        actor=cast["unit_a"],
    )
    o.update(activity=activity, activity_report=report, activity_photo=ActivityPhoto.objects.get(activity=report))

    # 督导检查 of A's studio with a file (issue 16, point 9), and one of B's studio
    o["supervision"] = assessments.record_supervision(
        studio,
        visited_on=today,
        inspectors="王审核（社会事业局）",
        findings="带徒台账不全",
        follow_up="补齐台账",
        uploads=[pdf_upload("检查记录.pdf")],
        actor=reviewer,
    )
    o["supervision_file"] = o["supervision"].files.get()
    assessments.record_supervision(
        studio_b,
        visited_on=today,
        inspectors="王审核",
        findings="乙工作室台账完整",
        uploads=[pdf_upload("乙检查记录.pdf")],
        actor=reviewer,
    )

    # this year's summary with an attachment
    summary = summaries.get_or_start(studio, today.year, actor=cast["unit_a"])
    summaries.save_draft(
        summary, actor=cast["unit_a"], data=SUMMARY_TEXT, uploads=[("培训签到表", pdf_upload("签到表.pdf"))]
    )
    o["summary"] = summary
    o["summary_attachment"] = summary.attachments.get()

    # third-party evaluation (Art. 18): the evaluator in scope sees A's studio only
    evaluator_out = make_user("evaluator_out", "evaluator")
    evaluation = evaluations.open_evaluation(
        title="政策实施评估",
        purpose="评估资金使用",
        evaluator=cast["evaluator"],
        studios=[studio],
        year_from=2024,
        year_to=today.year,
        access_from=now - timedelta(hours=1),
        access_until=now + timedelta(days=30),
        actor=reviewer,
    )
    evaluations.open_evaluation(
        title="乙工作室评估",
        purpose="评估",
        evaluator=evaluator_out,
        studios=[studio_b],
        year_from=2024,
        year_to=today.year,
        access_from=now - timedelta(hours=1),
        access_until=now + timedelta(days=30),
        actor=reviewer,
    )
    eval_report = evaluations.upload_report(
        evaluation, title="中期评估报告", upload=pdf_upload("评估报告.pdf"), actor=cast["evaluator"]
    )
    o.update(evaluation=evaluation, evaluation_report=eval_report)

    # ---------------------------------------------------------------- applications, experts, notice
    round_ = make_round()
    o["round"] = round_
    expert_in = sel.make_expert("expert_in", name="专家甲")
    expert_conflict = sel.make_expert("expert_conflict", name="专家乙")
    sel.make_expert("expert_third", name="专家丙")
    # A's application in expert review: reviewed, inspected (with a photo), panel of three drawn;
    # one expert declares a conflict and is recused.
    application = sel.submitted_application(
        unit_a, cast["unit_a"], round_, prefix="甲二", seq_base=20, occupation_code="6-18-01-02"
    )
    review = sel.pass_material_review(application, reviewer)
    visit = sel.pass_site_inspection(application, reviewer)
    photo = add_photo(visit, png_upload("现场.png"), caption="车间", actor=reviewer)
    sel.make_rubric(round_)
    draw = sel.draw_panel([application], reviewer, size=3)
    assignment = Assignment.objects.get(panel__object_id=application.pk, expert=expert_in)
    declare(assignment, expert_in.user, conflict=False)
    conflicted = Assignment.objects.get(panel__object_id=application.pk, expert=expert_conflict)
    declare(conflicted, expert_conflict.user, conflict=True, text="曾在该单位任职")
    application.refresh_from_db()
    o.update(
        application=application,
        review=review,
        review_item=review.items.first(),
        visit=visit,
        photo=photo,
        draw=draw,
        assignment=assignment,
        material=application.materials.first(),
        snapshot=application.snapshots.first(),
    )
    o["application_b"] = sel.submitted_application(
        unit_b, cast["unit_b"], round_, prefix="乙", seq_base=50, occupation_code="6-18-01-03"
    )

    # A's other application goes through to the public notice and draws an objection with evidence
    proposed = sel.submitted_application(
        unit_a, cast["unit_a"], round_, prefix="甲一", seq_base=0, occupation_code="6-18-01-04"
    )
    sel.to_proposed(proposed, reviewer, approver)
    notice = sel.published(round_, approver, on=today.isoformat())
    entry = notice.entries.get(application=proposed)
    objection = notices.file_objection(
        entry, name="李某", contact="13900001111", content=FACTS, uploads=[pdf_upload("证据.pdf")], now=timezone.now()
    )
    o.update(notice=notice, entry=entry, objection=objection, evidence=objection.evidence.get())

    from masterstudio.core.models import Notification

    o["notification"] = Notification.objects.filter(recipient=cast["unit_a"]).first()
    from masterstudio.catalog import services as catalog_services

    o["calendar_proposal"] = catalog_services.propose_calendar_year(
        year=2027,
        holidays=["2027-01-01"],
        workdays=[],
        source="国务院办公厅关于2027年部分节假日安排的通知",
        actor=reviewer,
    )
    o["expert"] = expert_in
    from masterstudio.policytools.models import PolicyVersion

    o["policy_version"] = PolicyVersion.objects.create(
        name="measures-2027",
        title="2027 年版",
        text="第1条 ……",
        effective_from=date(2027, 1, 11),
        valid_until=date(2029, 12, 31),
        parameters={},
        proposed_by=reviewer,
    )

    # leaders linked to their person: one leads A's studio, the other leads A's second studio
    # (same unit) and must see nothing of the first (issue 16.5)
    leader_own = make_user("leader_own", "leader", unit=unit_a, person=studio.leader)
    leader_other = make_user("leader_other", "leader", unit=unit_a, person=doomed.leader)
    users = {
        "anon": None,
        "leader_own": leader_own,
        "leader_other": leader_other,
        "unit_a": cast["unit_a"],
        "unit_b": cast["unit_b"],
        "leader": cast["leader"],
        "reviewer": reviewer,
        "approver": approver,
        "finance": finance,
        "sysadmin": cast["sysadmin"],
        "auditor": cast["auditor"],
        "expert_in": expert_in.user,
        "expert_out": cast["expert"],
        "expert_conflict": expert_conflict.user,
        "evaluator_in": cast["evaluator"],
        "evaluator_out": evaluator_out,
    }
    return {"users": users, "objects": o}

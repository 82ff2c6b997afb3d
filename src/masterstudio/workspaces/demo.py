"""The demo's story, built through the platform's own services so every screen has something
real to show: unit A runs a studio recognised under the previous measure (with its grant paid);
the 2026 round is open; unit B has submitted an application that waits for material review."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from masterstudio.accounts.models import User
from masterstudio.applications import services as applying
from masterstudio.applications.models import Application, Round, scope_key
from masterstudio.applications.wizard import read_draft
from masterstudio.core.crypto import blind_index
from masterstudio.core.events import record_event
from masterstudio.experts.models import Expert, Rubric
from masterstudio.experts.services.panels import save_rubric
from masterstudio.funding import services as funding
from masterstudio.studios.models import Studio
from masterstudio.units.models import Person, Unit

SHANGHAI = ZoneInfo("Asia/Shanghai")
PEOPLE_B = [
    # name, ID number (valid check digits), position, frontline since
    ("刘德胜", "110105197808120035", "汽车装调工 高级技师", "2000-08-01"),
    ("陈晓东", "110105198903150034", "汽车装调工", "2011-07-01"),
    ("孙丽", "110105199107220040", "质检工", "2013-07-01"),
    ("周凯", "110105199309090053", "电工", "2015-07-01"),
]


def pdf(text: str) -> bytes:
    """A small real PDF (reportlab; the reader's built-in Song font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFont("STSong-Light", 14)
    page.drawString(72, 760, text)
    page.showPage()
    page.save()
    return out.getvalue()


def build(stdout=None) -> list[str]:
    done = []
    staff_approve = User.objects.get(username="staff_approve")
    staff_finance = User.objects.get(username="staff_finance")
    unit_a = Unit.objects.get(credit_code="91110302MA01ABCD0Y")
    unit_b = Unit.objects.get(credit_code="91110302MA01EFGH1Q")

    leader = Person.objects.get(unit=unit_a, name="张建国")
    if not Studio.objects.filter(unit=unit_a).exists():
        studio = Studio.objects.create(
            unit=unit_a,
            leader=leader,
            occupation_code="6-18-01-01",
            occupation_name="车工",
            name="张建国车工技能大师工作室",
            nameplate_no="经开技大〔2024〕001号",
            recognized_on=date(2024, 6, 20),
            leader_key=blind_index(leader.id_number),
            scope_key=scope_key(unit_a.pk, None, "6-18-01-01", "车工"),
            imported_from="京技管发〔2024〕1号",
        )
        grant = funding.award_grant(
            studio, "initial", on=studio.recognized_on, actor=staff_approve, basis="依原办法认定，首次认定一次性资助"
        )
        funding.disburse(
            grant,
            amount=grant.amount,
            paid_on=date(2024, 7, 15),
            voucher_no="JKCZ-2024-0715-01",
            actor=staff_finance,
            note="演示数据",
        )
        done.append(f"工作室：{studio.name}（首次认定资助 {grant.amount:,.2f} 元已拨付）")

    round_ = Round.objects.filter(year=2026).first()
    if round_ is None:
        now = timezone.now()
        closes = datetime(2026, 12, 18, 17, 0, tzinfo=SHANGHAI)
        if closes <= now:  # the demo keeps a round open whenever it is set up
            closes = now + timedelta(days=30)
        round_ = Round.objects.create(
            year=2026,
            title="2026年度经开区技能大师工作室申报",
            opens_at=min(now - timedelta(days=7), closes - timedelta(days=30)),
            closes_at=closes,
            policy_version="measures-2026-draft",
            guide="请按《办法》第4–7条自查条件，按第9条准备材料：职业资格或技能等级证书、配套制度、场所设备说明或照片、"
            "重点项目与获奖专利材料。截止前可随时修改草稿；提交后材料冻结。",
            created_by=staff_approve,
        )
        done.append(f"申报批次：{round_.title}，截止 {timezone.localtime(round_.closes_at):%Y-%m-%d %H:%M}")

    done += _expert_pool(staff_approve)
    done += _rubric(round_, staff_approve)

    unit_b_user = User.objects.get(username="unit_b")
    if round_.is_open() and not Application.objects.filter(unit=unit_b).exists():
        people = []
        for name, number, position, since in PEOPLE_B:
            person = Person.objects.filter(unit=unit_b, name=name).first() or Person.objects.create(
                unit=unit_b,
                name=name,
                id_number=number,
                position=position,
                frontline_since=since,
                original_retirement_age=55 if int(number[16]) % 2 == 0 else None,
                phone="13700137000",
            )
            people.append(person)
        application = applying.start_application(unit=unit_b, round_=round_, actor=unit_b_user)
        values = {
            "scope": "head",
            "leader": str(people[0].pk),
            "route": "listed",
            "occupation_code": "6-22-02-01",
            "occupation_name": "",
            "skill_level": "senior_technician",
            "certificate_no": "S2015110000456",
            "frontline_years": "26",
        }
        for name in (
            "lawful_operation",
            "has_talent_pipeline",
            "has_talent_systems",
            "has_stable_funding",
            "has_facilities",
            "has_management_rules",
        ):
            values[f"cond_{name}"] = "yes"
            values[f"note_{name}"] = "已建立，见申报材料"
        data = {key: [value] for key, value in values.items()}
        data["team"] = [str(p.pk) for p in people[1:]]
        data["honors"] = []
        application, draft = applying.save_draft(application.pk, read_draft(data, unit=unit_b), actor=unit_b_user)
        for item in applying.material_items(application):
            if item["required"]:
                upload = SimpleUploadedFile(
                    f"{item['title'][:20]}.pdf", pdf(item["title"]), content_type="application/pdf"
                )
                applying.upload_materials(application.pk, item["clause"], [upload], actor=unit_b_user)
        if not draft.errors:
            applying.submit(application.pk, actor=unit_b_user)
            application.refresh_from_db()
            done.append(f"申报：{unit_b.name} 已提交，受理编号 {application.receipt_no}（待材料审核）")
    return done


EXPERTS = [
    # username, name, employer, title, fields (occupation code prefixes)
    ("expert1", "陈专家", "北京示例高级技工学校", "高级讲师、高级技师", ["6-18", "6-22"]),
    ("expert2", "刘专家", "北京示例工业技师学院", "正高级讲师", ["6-18", "6-22", "6-31"]),
    ("expert3", "周专家", "北京示例职业技能鉴定中心", "高级工程师", ["6-22", "6-25"]),
    ("expert4", "吴专家", "北京示例汽车工程研究院", "正高级工程师、首席技师", ["6-22", "6-31"]),
    ("expert5", "郑专家", "北京示例装备制造职业学院", "教授、高级技师", ["6-18", "6-20", "6-22"]),
]


def _expert_pool(actor) -> list[str]:
    """The expert pool (Art. 10): five experts whose fields cover the demo's occupations, so the
    random draw of three (with one to spare for a recusal) can be tried at once."""
    made = []
    for username, name, employer, title, fields in EXPERTS:
        user = User.objects.filter(username=username).first()
        if user is None or Expert.objects.filter(user=user).exists():
            continue
        expert = Expert.objects.create(
            user=user, name=name, employer=employer, title=title, fields=fields, max_per_year=10
        )
        record_event("expert.created", obj=expert, actor=actor, data={"demo": True})
        made.append(name)
    return [f"专家库：{'、'.join(made)}（专业领域覆盖演示职业）"] if made else []


RUBRIC = [
    ("领办人技能水平与示范作用", "30", "15", "技能等级、获奖与称号，技艺传承和带徒情况"),
    ("团队与人才梯队", "25", None, "团队结构、梯队建设与人才培养成效"),
    ("场所设备与管理制度", "20", None, "场所、设备、经费保障与管理制度落实"),
    ("技术攻关与创新成果", "25", None, "重点项目、技术革新、专利与成果转化"),
]


def _rubric(round_, actor) -> list[str]:
    """The round's scoring rubric (four criteria, 100 points, the trimmed mean of the experts)."""
    if round_.rubrics.filter(purpose="application").exists():
        return []
    rubric = Rubric(round=round_, purpose="application", name=f"{round_.title} 专家评分表", aggregation="trimmed")
    save_rubric(
        rubric,
        [
            {
                "title": title,
                "max_points": Decimal(top),
                "weight": Decimal("1"),
                "comment_below": Decimal(below) if below else None,
                "description": description,
            }
            for title, top, below, description in RUBRIC
        ],
        actor=actor,
    )
    return [f"评分表：{rubric.name}（4 项，满分 100 分，去掉最高分和最低分后取平均）"]

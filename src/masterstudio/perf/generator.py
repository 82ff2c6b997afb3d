"""The data generator: a realistic large installation, seeded and repeatable.

``manage.py generate_data --seed N --scale full`` builds five years of records (the current
year and the four before it): 3,000 units with their people and branches, 5,000 applications
with their materials (small real files on the storage), snapshots, material reviews, site visits,
expert panels and scores, decisions, public notices with objections, 600 studios with their
grants, disbursements, special accounts (100,000 ledger entries), annual summaries, assessments,
rectifications and revocations, activities and reports, notifications, and the audit trail as a
real hash chain that ``manage.py verify_audit`` accepts.

Volumes are written with ``bulk_create`` (the services would take hours for five years of data);
every row still passes the database's constraints, and the values follow the same rules the
services apply: Art. 7 keys are unique among open applications and live studios, states follow
the transition table, disbursed grants carry a voucher and a second person, excellent rewards
exist only for 优秀 years. The simulated year (``perf/simulate.py``) drives the services
themselves. The random choices come from ``random.Random(seed)``; dates are laid out around the
day of generation so that the current round is open and the current notice is running.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from masterstudio.accounts.models import User
from masterstudio.activities.models import Activity, Signup, StudioActivity
from masterstudio.applications.models import (
    Application,
    ApplicationSnapshot,
    Material,
    Round,
    SupplementRequest,
    TeamMember,
    scope_key,
)
from masterstudio.assessments.models import AssessmentYear, Flag, LeaderRecommendation, Rectification, StudioAssessment
from masterstudio.core import transitions
from masterstudio.core.crypto import blind_index
from masterstudio.core.events import _actor_label
from masterstudio.core.models import ChainHead, Event, Notification
from masterstudio.experts.models import Assignment, Criterion, Draw, Expert, Rubric, Score, ScoringPanel
from masterstudio.funding.models import Disbursement, Grant, GrantKind
from masterstudio.ledger.models import Asset, Expense, Income, SpecialAccount
from masterstudio.notices.models import Evidence, Notice, NoticeEntry, Objection
from masterstudio.notices.period import notice_days
from masterstudio.perf import files
from masterstudio.policy import load_catalogue, run
from masterstudio.policy.errors import PolicyInputError
from masterstudio.policy.identity import credit_check_char
from masterstudio.recoveries.amounts import engine_request
from masterstudio.recoveries.models import Recovery, Revocation
from masterstudio.reviews.models import Decision, MaterialReview, ReviewItem, SiteVisit
from masterstudio.studios.lifecycle import ask_engine
from masterstudio.studios.models import Studio
from masterstudio.summaries.models import AnnualSummary
from masterstudio.units.models import Branch, Person, Unit

BATCH = 2000
# Bumped whenever the generator's output changes: a data set of an older version is not reused.
VERSION = 2
# The parameters of this version of the Measures take effect on this day; studios recognised
# before it were recognised under the former Measures and are carried as imported records.
POLICY_FROM = date(2024, 1, 1)


@dataclass(frozen=True)
class Scale:
    name: str
    units: int
    applications: int
    studios: int
    experts: int
    ledger_entries: int
    audit_events: int
    scores: int
    objections: int
    activities_per_year: int
    reports_per_studio: int
    notifications_per_unit: int
    bench_unit_applications: int = 3  # the bench unit's own applications (one per year, newest first)


SCALES = {
    "full": Scale(
        "full",
        units=3000,
        applications=5000,
        studios=600,
        experts=200,
        ledger_entries=100_000,
        audit_events=20_000,
        scores=40_000,
        objections=40,
        activities_per_year=12,
        reports_per_studio=5,
        notifications_per_unit=3,
    ),
    "small": Scale(
        "small",
        units=150,
        applications=250,
        studios=30,
        experts=24,
        ledger_entries=5_000,
        audit_events=1_000,
        scores=2_000,
        objections=6,
        activities_per_year=4,
        reports_per_studio=3,
        notifications_per_unit=2,
    ),
    # for the query-count tests: the same shapes with a few rows, and with some more rows
    "tiny": Scale(
        "tiny",
        units=12,
        applications=24,
        studios=8,
        experts=8,
        ledger_entries=120,
        audit_events=80,
        scores=200,
        objections=2,
        activities_per_year=1,
        reports_per_studio=1,
        notifications_per_unit=1,
        bench_unit_applications=3,
    ),
    "tiny-large": Scale(
        "tiny-large",
        units=36,
        applications=72,
        studios=24,
        experts=12,
        ledger_entries=600,
        audit_events=300,
        scores=700,
        objections=5,
        activities_per_year=3,
        reports_per_studio=3,
        notifications_per_unit=2,
        bench_unit_applications=5,
    ),
}

BENCH_PASSWORD = "Bench@2026perf"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国明华伟强磊军洋勇艳杰娟涛超秀英霞平刚桂英志红丽敏静玉兰春梅海燕晓东振华立新国庆宏伟永刚文博子涵浩然思远嘉怡"
FIRMS = [
    "精密机械",
    "汽车零部件",
    "生物医药",
    "集成电路",
    "智能装备",
    "新能源",
    "电子信息",
    "机器人",
    "光电技术",
    "航空零件",
    "医疗器械",
    "数控技术",
    "模具制造",
    "食品科技",
    "新材料",
    "检测认证",
    "物流装备",
    "通信设备",
]
STREETS = [
    "科创十三街",
    "荣华南路",
    "经海路",
    "永昌北路",
    "宏达北路",
    "兴盛街",
    "地盛北街",
    "康定街",
    "博兴二路",
    "同济南路",
]
SKILLS = ["technician", "senior_technician", "special_technician", "technician", "senior_technician"]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ASPECTS = [
    ("引领技能研发", "技术攻关、技能革新、创新成果、专利"),
    ("实行传技带徒", "带徒人数、徒弟技能等级提升、培训课时"),
    ("开展技艺交流", "举办和参加交流、竞赛、展示活动"),
    ("发挥社会效益", "示范带动、社会服务、获奖与影响"),
]
APP_CRITERIA = [
    ("领办人技能水平与示范作用", 30),
    ("团队与人才梯队", 25),
    ("场所设备与制度", 25),
    ("技术攻关与创新成果", 20),
]
CONDITIONS = [
    "lawful_operation",
    "has_talent_pipeline",
    "has_talent_systems",
    "has_stable_funding",
    "has_facilities",
    "has_management_rules",
]


def id_number(birth: date, serial: int, male: bool) -> str:
    order = (serial % 499) * 2 + (1 if male else 0)  # 000–999: odd for men (GB 11643)
    body = f"110115{birth:%Y%m%d}{order:03d}"
    total = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS))
    return body + "10X98765432"[total % 11]


def credit_code(n: int) -> str:

    body8 = f"{n:08d}"
    remainder = 11 - sum(int(c) * w for c, w in zip(body8, ORG_WEIGHTS)) % 11
    org = body8 + {10: "X", 11: "0"}.get(remainder, str(remainder))
    body17 = "91110302" + org
    return body17 + credit_check_char(body17)


def shanghai(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


@dataclass
class Ctx:
    """What one run builds up, passed from step to step."""

    seed: int
    scale: Scale
    rng: random.Random
    now: datetime
    today: date
    year: int
    staff: dict = field(default_factory=dict)
    units: list = field(default_factory=list)
    unit_users: dict = field(default_factory=dict)
    team_pool: dict = field(default_factory=dict)
    rounds: dict = field(default_factory=dict)
    apps: list = field(default_factory=list)
    plans: dict = field(default_factory=dict)
    experts: list = field(default_factory=list)
    studios: list = field(default_factory=list)
    events: list = field(default_factory=list)
    principals: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    log: object = print


class Generator:
    def __init__(self, seed: int, scale: Scale, *, log=print, today: date | None = None, drafts_only: bool = False):
        self.drafts_only = drafts_only  # the simulated year: every application a complete draft of the open round
        now = timezone.now()
        today = today or timezone.localdate(now)
        self.c = Ctx(seed=seed, scale=scale, rng=random.Random(seed), now=now, today=today, year=today.year, log=log)
        self._serial = 0
        self._names = 0

    # ------------------------------------------------------------------ helpers

    def name(self) -> str:
        self._names += 1
        rng = self.c.rng
        return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")

    def serial(self) -> int:
        self._serial += 1
        return self._serial

    def store(self, path: str, content: bytes) -> str:
        return default_storage.save(path, ContentFile(content))

    def ct(self, model) -> ContentType:
        return ContentType.objects.get_for_model(model)

    def event(
        self,
        action: str,
        at: datetime,
        *,
        obj=None,
        actor=None,
        from_state="",
        to_state="",
        reason="",
        clause="",
        data=None,
    ):
        self.c.events.append((at, action, obj, actor, from_state, to_state, reason, clause, data or {}))

    def step(self, label: str, fn):
        started = time.perf_counter()
        # the documented door (core.transitions.seed): a synthetic history is written row by row in
        # the states its story reached, its events written alongside (``self.event``), not replayed
        # through the transition tables
        with transitions.seed(f"perf generator ({label}): a synthetic history written in its final states"):
            fn()
        self.c.log(f"  {label}: {time.perf_counter() - started:.1f} s")

    # ------------------------------------------------------------------ run

    def run(self) -> Ctx:
        steps = [
            ("accounts and units", self.accounts_and_units),
            ("people", self.people),
            ("rounds and rubrics", self.rounds),
            ("experts", self.experts),
            ("applications", self.applications),
            ("materials and files", self.materials),
            ("snapshots and reviews", self.reviews),
            ("expert panels and scores", self.application_panels),
            ("decisions and notices", self.notices),
            ("studios and grants", self.studios),
            ("assessments", self.assessments),
            ("special accounts and ledger", self.ledger),
            ("summaries and activities", self.summaries_and_activities),
            ("revocations and flags", self.revocations),
            ("notifications", self.notifications),
            ("audit trail", self.audit_trail),
        ]
        with transaction.atomic():
            for label, fn in steps:
                self.step(label, fn)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return self.c

    # ------------------------------------------------------------------ accounts, units, people

    def accounts_and_units(self):

        c = self.c
        password = make_password(BENCH_PASSWORD)
        staff_specs = [
            ("perf_reviewer", "王审核", ["reviewer"]),
            ("perf_approver", "李审批", ["approver"]),
            ("perf_finance", "赵财务", ["finance"]),
            ("perf_staff", "基准测试业务员", ["reviewer", "approver", "finance"]),
            ("perf_auditor", "安全审计员", ["auditor"]),
        ]
        users = [
            User(
                username=u,
                password=password,
                role="staff",
                duties=d,
                display_name=n,
                email=f"{u}@perf.etown.example",
                password_changed_at=c.now,
                totp_secret="JBSWY3DPEHPK3PXP",
                totp_confirmed_at=c.now,
            )
            for u, n, d in staff_specs
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        c.staff = {u.username.removeprefix("perf_"): u for u in User.objects.filter(username__startswith="perf_")}
        units = []
        for n in range(c.scale.units):
            firm = c.rng.choice(FIRMS)
            units.append(
                Unit(
                    name=f"北京亦庄{self.name()[:2]}{firm}有限公司{n + 1:04d}",
                    credit_code=credit_code(10_000_000 + c.seed * 100_000 + n),
                    kind="enterprise" if n % 23 else "institution",
                    address=f"北京经济技术开发区{c.rng.choice(STREETS)} {c.rng.randint(1, 199)} 号",
                    in_etown=True,
                    contact_name=self.name(),
                    contact_phone=f"139{c.rng.randint(0, 99_999_999):08d}",
                    status="approved",
                    approved_at=c.now - timedelta(days=c.rng.randint(30, 1800)),
                    approved_by=c.staff["reviewer"],
                )
            )
        Unit.objects.bulk_create(units, batch_size=BATCH)
        c.units = units
        branches = [
            Branch(unit=u, name="第二分厂", address="北京经济技术开发区经海路 66 号")
            for i, u in enumerate(units)
            if i % 10 == 3
        ]
        Branch.objects.bulk_create(branches, batch_size=BATCH)
        self.branch_of = {b.unit_id: b for b in branches}
        accounts = [
            User(
                username=f"perf_unit_{i:04d}",
                password=password,
                role="unit",
                unit=u,
                display_name=u.name,
                email=f"unit{i}@perf.etown.example",
                password_changed_at=c.now,
            )
            for i, u in enumerate(units)
        ]
        User.objects.bulk_create(accounts, batch_size=BATCH)
        c.unit_users = {a.unit_id: a for a in accounts}
        c.counts["units"] = len(units)

    def people(self):

        c = self.c
        rows = []
        for unit in c.units:
            for k in range(4):
                male = c.rng.random() < 0.7
                rows.append(
                    self._person(
                        unit, male, position=["数控车工", "钳工", "电工", "质检工"][k], since=date(2008 + k, 7, 1)
                    )
                )
        Person.objects.bulk_create(rows, batch_size=BATCH)
        for person in rows:
            c.team_pool.setdefault(person.unit_id, []).append(person)
        c.counts["people_team"] = len(rows)
        self._blind = blind_index

    def _person(self, unit, male: bool, *, position: str, since: date):
        """A person with an ID number no other person of this run has: the serial number picks
        the birth date (1975–1994, a bijection on 7,300 days) and the order code."""

        s = self.serial() + self.c.seed * 7919
        birth = date(1975, 1, 1) + timedelta(days=(s * 2741) % 7300)
        number = id_number(birth, s // 7300, male)
        return Person(
            unit=unit,
            name=self.name(),
            id_number=number,
            id_index=blind_index(number),
            birth_date=birth,
            gender="male" if male else "female",
            original_retirement_age=None if male else 55,
            phone=f"138{self.c.rng.randint(0, 99_999_999):08d}",
            position=position,
            formal_employee=True,
            frontline=True,
            frontline_since=since,
            employed=True,
        )

    # ------------------------------------------------------------------ rounds, rubrics, experts

    def rounds(self):

        c = self.c
        version = "measures-2026-draft"
        specs = []
        for y in range(c.year - 4, c.year):
            specs.append(
                (
                    f"h{y}",
                    y,
                    f"{y}年度经开区技能大师工作室申报",
                    shanghai(date(y, 3, 1), 9),
                    shanghai(date(y, 4, 30), 17),
                )
            )
        specs.append(
            (
                "current",
                c.year,
                f"{c.year}年度经开区技能大师工作室申报（第一批）",
                shanghai(date(c.year, 3, 1), 9),
                shanghai(date(c.year, 4, 30), 17),
            )
        )
        specs.append(
            (
                "open",
                c.year,
                f"{c.year}年度经开区技能大师工作室申报（第二批）",
                c.now - timedelta(days=25),
                c.now + timedelta(days=2, hours=6),
            )
        )
        rounds = [
            Round(
                year=y,
                title=t,
                opens_at=o,
                closes_at=cl,
                guide="请按《办法》第9条准备材料，材料须为 PDF、JPG、PNG、DOCX 或 XLSX。",
                policy_version=version,
                created_by=c.staff["reviewer"],
            )
            for _, y, t, o, cl in specs
        ]
        Round.objects.bulk_create(rounds)
        c.rounds = {key: r for (key, *_), r in zip(specs, rounds)}
        for r in rounds:
            self.event(
                "round.created",
                r.opens_at - timedelta(days=7),
                obj=r,
                actor=c.staff["reviewer"],
                clause="8",
                data={"opens_at": r.opens_at.isoformat(), "closes_at": r.closes_at.isoformat()},
            )
        rubrics = [
            Rubric(name=f"{r.title} 评分表", round=r, purpose="application", aggregation="trimmed")
            for key, r in c.rounds.items()
            if key != "open" or self.drafts_only
        ]
        Rubric.objects.bulk_create(rubrics)
        Criterion.objects.bulk_create(
            [
                Criterion(
                    rubric=rb,
                    order=i,
                    title=t,
                    max_points=Decimal(m),
                    weight=Decimal("1"),
                    comment_below=Decimal(m) / 2 if i == 0 else None,
                )
                for rb in rubrics
                for i, (t, m) in enumerate(APP_CRITERIA)
            ]
        )
        self.app_rubric = {rb.round_id: rb for rb in rubrics}
        self.criteria = {rb.pk: list(rb.criteria.order_by("order")) for rb in rubrics}

    def experts(self):

        c = self.c
        password = make_password(BENCH_PASSWORD)
        users = [
            User(
                username=f"perf_expert_{i:03d}",
                password=password,
                role="expert",
                display_name=self.name(),
                organisation="北京市示例职业技术学院",
                email=f"expert{i}@perf.etown.example",
                password_changed_at=c.now,
            )
            for i in range(c.scale.experts)
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        groups = ["3", "4", "5", "6"]
        experts = [
            Expert(
                user=u,
                name=u.display_name,
                employer=f"北京市第{i % 9 + 1}示例高级技工学校",
                title="高级技师",
                fields=groups if i % 5 == 0 else c.rng.sample(groups, 2) + ["6"],
                max_per_year=400,
            )
            for i, u in enumerate(users)
        ]
        Expert.objects.bulk_create(experts, batch_size=BATCH)
        c.experts = experts
        c.counts["experts"] = len(experts)

    # ------------------------------------------------------------------ applications

    def _occupations(self):

        catalogue = load_catalogue()
        skill = [o for o in catalogue.occupations() if catalogue.is_skill_type(o.code)]
        self.c.rng.shuffle(skill)
        return skill[:400]

    def _plans(self) -> list[tuple[str, list[str]]]:
        """(round key, path of states after draft) for every application."""
        c, s = self.c, self.c.scale
        if self.drafts_only:
            return [("open", [])] * s.applications
        hist_total = round(s.applications * 0.64)
        current_total = round(s.applications * 0.20)
        open_total = s.applications - hist_total - current_total
        recognised_per_year = s.studios // 4
        full_path = [
            "submitted",
            "material_review",
            "site_inspection",
            "expert_review",
            "evaluation",
            "proposed",
            "on_notice",
        ]
        plans = []
        for index, y in enumerate(range(c.year - 4, c.year)):
            n = hist_total // 4 + (hist_total % 4 if index == 3 else 0)
            for k in range(n):
                if k < recognised_per_year:
                    path = full_path + ["recognised"]
                elif k < recognised_per_year * 1.6:
                    path = full_path[:5] + ["rejected"]
                elif k < recognised_per_year * 2.0:
                    path = full_path[:3] + ["rejected"]
                elif k < recognised_per_year * 2.4:
                    path = ["submitted", "material_review", "rejected"]
                elif k < recognised_per_year * 2.6:
                    path = ["submitted", "withdrawn"]
                else:
                    path = ["submitted", "material_review", "supplement", "submitted", "material_review", "rejected"]
                plans.append((f"h{y}", path))
        # the current round in every stage of review, its proposed list on notice now
        stages = [
            (0.10, full_path[:2]),
            (0.04, full_path[:2] + ["supplement"]),
            (0.10, full_path[:3]),
            (0.30, full_path[:4]),
            (0.16, full_path[:5]),
            (0.05, full_path[:6]),
            (0.15, full_path),
            (0.10, full_path[:5] + ["rejected"]),
        ]
        for fraction, path in stages:
            plans += [("current", path)] * round(current_total * fraction)
        while sum(1 for p in plans if p[0] == "current") < current_total:
            plans.append(("current", full_path[:4]))
        # the open round on deadline day: drafts and fresh submissions
        for k in range(open_total):
            plans.append(("open", [] if k % 10 < 5 else (["submitted"] if k % 10 < 8 else full_path[:2])))
        return plans

    def applications(self):

        c = self.c
        occupations = self._occupations()
        plans = self._plans()
        # the bench unit (units[0]) applies every year: its applications come first in each round
        bench_unit = c.units[0]
        leaders, apps = [], []
        per_unit: dict[int, int] = {}
        unit_index = {u.pk: i for i, u in enumerate(c.units)}
        plan_rows = []
        rounds_by_age = ["open", "current", *[f"h{y}" for y in range(c.year - 1, c.year - 5, -1)]]
        bench_rounds = rounds_by_age[: c.scale.bench_unit_applications]
        for index, (key, path) in enumerate(plans):
            unit = c.units[index % len(c.units)]
            if unit.pk == bench_unit.pk:
                unit = c.units[1]
            plan_rows.append((key, path, unit))
        for key in bench_rounds:  # give the bench unit one application in its rounds
            for i, (k, path, unit) in enumerate(plan_rows):
                if k == key and unit.pk != bench_unit.pk and (key != "open" or path == []):
                    plan_rows[i] = (k, path, bench_unit)
                    break
        for key, path, unit in plan_rows:
            k = per_unit.get(unit.pk, 0)
            per_unit[unit.pk] = k + 1
            occupation = occupations[(unit_index[unit.pk] * 7 + k) % len(occupations)]
            male = c.rng.random() < 0.75
            leader = self._person(
                unit, male, position=f"{occupation.name} 技师", since=date(1995 + c.rng.randint(0, 12), 7, 1)
            )
            leaders.append(leader)
            round_ = c.rounds[key]
            branch = self.branch_of.get(unit.pk) if k % 2 == 1 else None
            apps.append(
                Application(
                    round=round_,
                    unit=unit,
                    branch=branch,
                    route="listed",
                    occupation_code=occupation.code,
                    occupation_name=occupation.name,
                    state=path[-1] if path else "draft",
                    created_by=c.unit_users[unit.pk],
                )
            )
            plan = {"key": key, "path": path, "occupation": occupation}
            c.plans[len(apps) - 1] = plan
        Person.objects.bulk_create(leaders, batch_size=BATCH)
        c.counts["people_leaders"] = len(leaders)
        skill_cycle = SKILLS
        for index, (application, leader) in enumerate(zip(apps, leaders)):
            plan = c.plans[index]
            round_ = application.round
            application.leader = leader
            submitted = bool(plan["path"])
            opened = round_.opens_at + timedelta(days=c.rng.randint(1, 40), hours=c.rng.randint(0, 8))
            if opened >= round_.closes_at:
                opened = round_.closes_at - timedelta(days=1)
            if opened > c.now:
                opened = c.now - timedelta(hours=6)
            plan["created"] = opened
            team = c.team_pool[application.unit_id][: 3 + (index % 2)]
            plan["team"] = team
            skill = skill_cycle[index % len(skill_cycle)]
            honors = ["china_skill_award"] if index % 29 == 0 else []
            years = str(10 + index % 20)
            application.facts = {
                "scope": str(application.branch.pk) if application.branch else "head",
                "route": "listed",
                "skill_level": skill,
                "certificate_no": f"S{round_.year - 5}1100{index:07d}",
                "honors": honors,
                "frontline_years": int(years),
                "conditions": {n: True for n in CONDITIONS},
                "condition_notes": {n: "已建立，见附件" for n in CONDITIONS},
            }
            application.draft = {
                "scope": [application.facts["scope"]],
                "leader": [str(leader.pk)],
                "route": ["listed"],
                "occupation_code": [application.occupation_code],
                "occupation_name": [""],
                "skill_level": [skill],
                "certificate_no": [application.facts["certificate_no"]],
                "frontline_years": [years],
                "team": [str(p.pk) for p in team],
                "honors": honors,
                **{f"cond_{n}": ["yes"] for n in CONDITIONS},
                **{f"note_{n}": ["已建立，见附件"] for n in CONDITIONS},
            }
            engine_input = {
                "as_of": timezone.localtime(round_.closes_at).date().isoformat(),
                "unit": {
                    "name": application.unit.name,
                    "credit_code": application.unit.credit_code,
                    "kind": application.unit.kind,
                    "in_etown": True,
                    **{n: True for n in CONDITIONS},
                    "branch": application.branch.name if application.branch else None,
                },
                "leader": {
                    "name": leader.name,
                    "id_number": leader.id_number,
                    "birth_date": leader.birth_date.isoformat(),
                    "gender": leader.gender,
                    "original_retirement_age": leader.original_retirement_age,
                    "employed": True,
                    "frontline": True,
                    "frontline_years": int(years),
                    "occupation_code": application.occupation_code,
                    "occupation_name": application.occupation_name,
                    "skill_level": skill,
                    "honors": honors,
                    "practical_mastery": None,
                },
                "team": [{"name": p.name, "formal_employee": True} for p in team],
                "existing_studios": [],
            }
            plan["engine_input"] = engine_input
            try:
                result = run("eligibility", engine_input)
            except Exception as exc:  # an input the engine refuses: kept as the platform keeps it
                result = {"error": {"code": "invalid_input", "field": None, "message": str(exc)}}
            application.precheck = result
            application.precheck_outcome = result.get("outcome", "")
            if submitted:
                subm = opened + timedelta(days=c.rng.randint(1, 20))
                subm = min(subm, round_.closes_at - timedelta(hours=1), c.now - timedelta(hours=2))
                plan["submitted"] = subm
                application.submitted_at = subm
                application.version = 2 if "supplement" in plan["path"] and plan["path"].count("submitted") > 1 else 1
                application.receipt_no = f"JK{round_.year}-{c.seed:02d}{len(c.apps) + index + 1:05d}"
                application.leader_key = leader.id_index
                application.scope_key = scope_key(
                    application.unit_id, application.branch_id, application.occupation_code, application.occupation_name
                )
        Application.objects.bulk_create(apps, batch_size=BATCH)
        # created/updated are auto_now: put them where the plan says
        with connection.cursor() as cursor:
            table = Application._meta.db_table
            params = [
                (self.c.plans[i]["created"], self.c.plans[i].get("submitted") or self.c.plans[i]["created"], a.pk)
                for i, a in enumerate(apps)
            ]
            cursor.executemany(f"UPDATE {table} SET created_at = %s, updated_at = %s WHERE id = %s", params)
        TeamMember.objects.bulk_create(
            [
                TeamMember(application=a, person=p, position=i)
                for n, a in enumerate(apps)
                for i, p in enumerate(c.plans[n]["team"])
            ],
            batch_size=BATCH,
        )
        c.apps = apps
        c.counts["applications"] = len(apps)
        c.principals["bench_unit"] = {"username": c.unit_users[bench_unit.pk].username, "unit": bench_unit.pk}
        c.principals["staff"] = {"username": c.staff["staff"].username}
        c.principals["draft_application"] = next(
            (a.pk for a in apps if a.unit_id == bench_unit.pk and a.state == "draft"),
            next((a.pk for a in apps if a.state == "draft"), None),
        )
        for index, application in enumerate(apps):
            plan = c.plans[index]
            unit_user = c.unit_users[application.unit_id]
            self.event("application.created", plan["created"], obj=application, actor=unit_user, clause="8")
            moments = self._moments(plan)
            plan["moments"] = moments
            previous = "draft"
            for state, at in zip(plan["path"], moments):
                actor = unit_user if state in ("submitted", "withdrawn") else c.staff["reviewer"]
                if state in ("proposed", "rejected", "recognised", "on_notice"):
                    actor = c.staff["approver"]
                self.event(
                    f"application.{state}",
                    at,
                    obj=application,
                    actor=actor,
                    from_state=previous,
                    to_state=state,
                    clause="9" if state == "submitted" else "10",
                    reason=""
                    if state
                    in ("submitted", "material_review", "site_inspection", "expert_review", "on_notice", "recognised")
                    else "按审核意见处理",
                )
                previous = state

    def _moments(self, plan) -> list[datetime]:
        """When each state of the path was reached: after submission, review takes weeks, the
        notice runs in July for past years and now for the current round."""
        c = self.c
        if not plan["path"]:
            return []
        at = plan["submitted"]
        moments = [at]
        key = plan["key"]
        round_close = c.rounds[key].closes_at
        for state in plan["path"][1:]:
            if state == "on_notice":
                at = self._notice_time(key)
            elif state == "recognised":
                at = self._notice_time(key) + timedelta(days=9)
            else:
                at = max(at, round_close) + timedelta(days=c.rng.randint(2, 12), hours=c.rng.randint(0, 6))
            if key in ("current", "open") and at > c.now - timedelta(hours=1):
                at = c.now - timedelta(hours=c.rng.randint(2, 48))
            moments.append(at)
        return moments

    def _notice_time(self, key: str) -> datetime:
        c = self.c
        if key == "current":
            start = c.today - timedelta(days=2)
            while start.weekday() >= 5:
                start -= timedelta(days=1)
            return shanghai(start, 9)
        year = int(key[1:])
        start = date(year, 7, 1)
        while start.weekday() >= 5:
            start += timedelta(days=1)
        return shanghai(start, 9)

    # ------------------------------------------------------------------ materials

    def materials(self):

        c = self.c
        items = [
            ("9.1.1", "技能等级证书.pdf", "pdf"),
            ("9.1.2", "工作室管理制度.pdf", "pdf"),
            ("9.1.3", "场所设备照片.png", "png"),
            ("9.1.4", "获奖证书与专利.pdf", "pdf"),
            ("4.1", "营业执照.pdf", "pdf"),
        ]
        rows = []
        for index, application in enumerate(c.apps):
            plan = c.plans[index]
            count = len(items) if plan["path"] or index % 3 == 0 or self.drafts_only else 2
            for clause, name, kind in items[:count]:
                if kind == "pdf":
                    content = files.pdf(f"{name.removesuffix('.pdf')}\n{application.round.title}")
                else:
                    content = files.png(((index * 37) % 255, 120, 160))
                token = uuid.UUID(int=c.rng.getrandbits(128)).hex
                month = timezone.localtime(plan["created"])
                path = self.store(f"applications/{month:%Y/%m}/{token}.{kind}", content)
                rows.append(
                    Material(
                        application=application,
                        item=clause,
                        original_name=name,
                        token=token,
                        file=path,
                        kind=kind,
                        size=len(content),
                        sha256=files.sha256(content),
                        uploaded_by=c.unit_users[application.unit_id],
                    )
                )
        Material.objects.bulk_create(rows, batch_size=BATCH)
        c.counts["materials"] = len(rows)
        self.materials_of: dict[int, list] = {}
        for m in rows:
            self.materials_of.setdefault(m.application_id, []).append(m)

    # ------------------------------------------------------------------ snapshots, reviews, visits

    def reviews(self):

        c = self.c
        snapshots, reviews, visits, supplements = [], [], [], []
        for index, application in enumerate(c.apps):
            plan = c.plans[index]
            path = plan["path"]
            if not path:
                continue
            materials = [
                {
                    "id": m.pk,
                    "item": m.item,
                    "name": m.original_name,
                    "kind": m.kind,
                    "size": m.size,
                    "sha256": m.sha256,
                }
                for m in self.materials_of.get(application.pk, [])
            ]
            for version in range(1, application.version + 1):
                snapshots.append(
                    ApplicationSnapshot(
                        application=application,
                        version=version,
                        receipt_no=application.receipt_no,
                        facts={
                            **application.facts,
                            "unit": {"name": application.unit.name, "credit_code": application.unit.credit_code},
                            "leader": {
                                "id": application.leader.pk,
                                "name": application.leader.name,
                                "masked_id_number": application.leader.masked_id_number,
                            },
                            "occupation_code": application.occupation_code,
                            "occupation_name": application.occupation_name,
                        },
                        engine_input=plan["engine_input"],
                        precheck=application.precheck,
                        materials=materials,
                        created_by=c.unit_users[application.unit_id],
                    )
                )
            if "supplement" in path:
                at = plan["moments"][path.index("supplement")]
                supplements.append(
                    SupplementRequest(
                        application=application,
                        version=1,
                        comment="证书复印件不清晰，请重新上传",
                        items=[{"item": "9.1.1", "comment": "证书复印件不清晰"}],
                        created_by=c.staff["reviewer"],
                        resolved_at=None if path[-1] == "supplement" else at + timedelta(days=5),
                    )
                )
            if "material_review" in path:
                done = path[-1] not in ("material_review", "supplement")
                started = plan["moments"][path.index("material_review")]
                review = MaterialReview(
                    application=application,
                    started_by=c.staff["reviewer"],
                    started_at=started,
                    eligibility=application.precheck,
                    rounds=2 if application.version > 1 else 1,
                )
                if done:
                    failed = path[-1] == "rejected" and path[-2] == "material_review"
                    review.conclusion = "fail" if failed else "pass"
                    review.comment = "材料不符合第9条要求" if failed else "材料齐全，符合第9条要求"
                    review.concluded_by = c.staff["reviewer"]
                    review.concluded_at = started + timedelta(days=3)
                reviews.append(review)
            if "site_inspection" in path:
                at = plan["moments"][path.index("site_inspection")]
                finished = path[-1] != "site_inspection"
                failed = finished and path[path.index("site_inspection") + 1] == "rejected"
                visits.append(
                    SiteVisit(
                        application=application,
                        scheduled_on=timezone.localtime(at).date() + timedelta(days=5),
                        people="王审核、李专家",
                        contact=application.unit.contact_name,
                        site="yes" if finished else "",
                        equipment="yes" if finished else "",
                        team_present=("no" if failed else "yes") if finished else "",
                        systems_displayed="yes" if finished else "",
                        findings=("团队成员不在岗，场所与申报不符" if failed else "场所独立，设备齐全，团队在岗")
                        if finished
                        else "",
                        result=("fail" if failed else "pass") if finished else "",
                        scheduled_by=c.staff["reviewer"],
                        completed_by=c.staff["reviewer"] if finished else None,
                        completed_at=at + timedelta(days=6) if finished else None,
                    )
                )
        ApplicationSnapshot.objects.bulk_create(snapshots, batch_size=BATCH)
        SupplementRequest.objects.bulk_create(supplements, batch_size=BATCH)
        MaterialReview.objects.bulk_create(reviews, batch_size=BATCH)
        SiteVisit.objects.bulk_create(visits, batch_size=BATCH)
        titles = {
            "9.1.1": "领办人国家职业资格或技能等级证书等证明材料",
            "9.1.2": "工作室各项配套制度",
            "9.1.3": "场所、设备等工作条件情况说明或照片",
            "9.1.4": "重点项目建设情况、获奖证书复印件、获得的国家专利或主要创新发明等材料",
        }
        items = []
        for review in reviews:
            done = review.concluded_at is not None
            position = 0
            for clause, title in titles.items():
                items.append(
                    ReviewItem(
                        review=review,
                        kind="material",
                        clause=clause,
                        title=title,
                        result="pass" if done else "",
                        position=position,
                        updated_by=c.staff["reviewer"] if done else None,
                        updated_at=review.concluded_at,
                    )
                )
                position += 1
            for check in review.eligibility.get("checks", []):
                if check["clause"].split(".")[0] in {"4", "5", "6", "7"}:
                    items.append(
                        ReviewItem(
                            review=review,
                            kind="condition",
                            clause=check["clause"],
                            title=f"第{check['clause']}条",
                            engine_result=check.get("result", ""),
                            engine_message=check.get("message", "")[:2000],
                            result="pass" if done else "",
                            position=position,
                        )
                    )
                    position += 1
        seen = set()
        unique = []
        for item in items:
            key = (id(item.review), item.kind, item.clause)
            if key not in seen:
                seen.add(key)
                unique.append(item)
        ReviewItem.objects.bulk_create(unique, batch_size=BATCH)
        c.counts.update(
            snapshots=len(snapshots), material_reviews=len(reviews), review_items=len(unique), site_visits=len(visits)
        )

    # ------------------------------------------------------------------ expert panels

    def _panel_size(self) -> int:
        c = self.c
        reached = sum(1 for p in c.plans.values() if "expert_review" in p["path"])
        assessed = self._assessment_count()
        subjects = max(1, reached + assessed)
        size = max(3, min(7, c.scale.scores // (subjects * 4)))
        # an expert still scoring has given 2 of 4 scores: seats beyond the panels' size make up the count
        per_seat = 3.9 if c.scale.scores >= 1000 else 4
        self.extra_seats = max(0, round((c.scale.scores - subjects * size * per_seat) / per_seat))
        return size

    def _assessment_count(self) -> int:
        per_year = self.c.scale.studios // 4
        return sum(per_year * (i + 1) for i in range(4))

    def application_panels(self):

        c = self.c
        size = self._panel_size()
        self.panel_size = size
        ct = self.ct(Application)
        panels, draws, meta = [], [], []
        for index, application in enumerate(c.apps):
            plan = c.plans[index]
            if "expert_review" not in plan["path"]:
                continue
            at = plan["moments"][plan["path"].index("expert_review")]
            done = plan["path"][-1] != "expert_review"
            rubric = self.app_rubric[application.round_id]
            closes = at + timedelta(days=10)
            if not done and closes < c.now:
                closes = c.now + timedelta(days=5)
            panels.append(
                ScoringPanel(
                    content_type=ct,
                    object_id=application.pk,
                    rubric=rubric,
                    year=application.round.year,
                    opens_at=at,
                    closes_at=closes,
                    opened_at=at + timedelta(days=11) if done else None,
                    opened_by=c.staff["reviewer"] if done else None,
                )
            )
            meta.append((application, done, at))
        ScoringPanel.objects.bulk_create(panels, batch_size=BATCH)
        assignments = []
        for panel, (application, done, at) in zip(panels, meta):
            chosen = self._choose_experts(size)
            draws.append(
                Draw(
                    seed=f"perf-{c.seed}-{panel.pk}",
                    size=size,
                    candidates=[{"id": e.pk, "name": e.name, "eligible": True, "reasons": []} for e in chosen],
                    excluded=[],
                    chosen=sorted(e.pk for e in chosen),
                    drawn_by=c.staff["reviewer"],
                    drawn_at=at,
                )
            )
        Draw.objects.bulk_create(draws, batch_size=BATCH)
        states = []
        for panel, draw, (application, done, at) in zip(panels, draws, meta):
            for n, expert_id in enumerate(draw.chosen):
                state = "submitted" if done else ("scoring" if n % 3 else "declaring")
                if not done and n == 0:
                    state = "submitted"
                assignments.append(
                    Assignment(
                        panel=panel,
                        expert_id=expert_id,
                        draw=draw,
                        year=panel.year,
                        state=state,
                        declaration="本人与申报单位无利害关系" if state != "declaring" else "",
                        declared_at=at + timedelta(days=1) if state != "declaring" else None,
                        submitted_at=at + timedelta(days=4) if state == "submitted" else None,
                        total=None,
                    )
                )
                states.append((state, panel))
        self._write_scores(assignments, states)
        c.principals["review_application"] = next(
            (a.pk for a, done, _ in meta if not done and a.unit_id != c.units[0].pk), meta[0][0].pk if meta else None
        )
        bench_task = next((x for x in assignments if x.state == "scoring"), None)
        if bench_task is not None:
            expert = next(e for e in c.experts if e.pk == bench_task.expert_id)
            c.principals["expert"] = {"username": expert.user.username, "assignment": bench_task.pk}
        c.counts.update(application_panels=len(panels), draws=len(draws))

    def _choose_experts(self, size: int):
        """``size`` experts, one more while the scale's score count needs seats beyond it."""
        if getattr(self, "extra_seats", 0) > 0:
            self.extra_seats -= 1
            size += 1
        return self.c.rng.sample(self.c.experts, min(size, len(self.c.experts)))

    def _write_scores(self, assignments, states):

        c = self.c
        scores = []
        for assignment, (state, panel) in zip(assignments, states):
            if state not in ("submitted", "scoring"):
                continue
            criteria = self.criteria[panel.rubric_id]
            total = Decimal("0")
            partial = state == "scoring"
            for n, criterion in enumerate(criteria):
                if partial and n >= 2:
                    break
                points = (criterion.max_points * Decimal(c.rng.randint(55, 98)) / 100).quantize(Decimal("0.5"))
                total += points * criterion.weight
                comment = (
                    "" if criterion.comment_below is None or points >= criterion.comment_below else "成果不足，扣分"
                )
                scores.append((assignment, criterion, points, comment))
            if state == "submitted":
                assignment.total = total
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        Score.objects.bulk_create(
            [Score(assignment=a, criterion=cr, points=p, comment=cm) for a, cr, p, cm in scores], batch_size=BATCH
        )
        c.counts["scores"] = c.counts.get("scores", 0) + len(scores)
        c.counts["assignments"] = c.counts.get("assignments", 0) + len(assignments)

    # ------------------------------------------------------------------ decisions, notices, objections

    def notices(self):

        c = self.c
        decisions, entries_by_key = [], {}
        rank_by_round: dict[int, int] = {}
        for index, application in enumerate(c.apps):
            plan = c.plans[index]
            path = plan["path"]
            if "evaluation" not in path or path[-1] == "evaluation" and index % 2:
                continue
            after = path[path.index("evaluation") + 1] if path[-1] != "evaluation" else None
            propose = after in ("proposed",) or after is None
            rank_by_round[application.round_id] = rank_by_round.get(application.round_id, 0) + 1
            at = plan["moments"][path.index("evaluation")] + timedelta(days=2)
            published = "on_notice" in path or after == "rejected"
            decisions.append(
                Decision(
                    application=application,
                    outcome="propose" if propose else "reject",
                    rank=rank_by_round[application.round_id] if propose else None,
                    reason="综合评议排名靠前，材料、考察与专家评审均符合要求"
                    if propose
                    else "综合评议得分低于拟认定线",
                    decided_by=c.staff["approver"],
                    published_at=self._notice_time(plan["key"]) if published else None,
                )
            )
            if "on_notice" in path:
                entries_by_key.setdefault(plan["key"], []).append(application)
        Decision.objects.bulk_create(decisions, batch_size=BATCH)

        notices, entries = [], []
        c.notice_at = {}
        for key, applications in entries_by_key.items():
            published = self._notice_time(key)
            try:
                days = notice_days(timezone.localdate(published))
            except Exception:  # a year the holiday calendar does not know: plain weekdays
                days, d = [], timezone.localdate(published)
                while len(days) < 5:
                    if d.weekday() < 5:
                        days.append(d)
                    d += timedelta(days=1)
            round_ = c.rounds[key]
            notice = Notice(
                round=round_,
                title=f"{round_.year}年度经开区技能大师工作室拟认定名单公示",
                published_at=published,
                starts_on=days[0],
                ends_on=days[-1],
                days=[d.isoformat() for d in days],
                how_to_object="对公示对象有异议的，请在公示期内实名提出，并附联系方式和证明材料。",
                published_by=c.staff["approver"],
                closed_at=None if key == "current" else published + timedelta(days=9),
            )
            notices.append((notice, applications))
            c.notice_at[key] = published
        Notice.objects.bulk_create([n for n, _ in notices])
        for notice, applications in notices:
            for position, application in enumerate(applications, start=1):
                state = "recognised" if application.state == "recognised" else "listed"
                entries.append(
                    NoticeEntry(
                        notice=notice,
                        application=application,
                        position=position,
                        unit_name=application.unit.name,
                        occupation=application.occupation_name,
                        leader_name=application.leader.name,
                        state=state,
                    )
                )
            self.event(
                "notice.published",
                notice.published_at,
                obj=notice,
                actor=c.staff["approver"],
                clause="10",
                data={"round": notice.round_id, "entries": [a.pk for a in applications], "days": notice.days},
            )
        NoticeEntry.objects.bulk_create(entries, batch_size=BATCH)
        # objections: most on past notices (decided), a few on the running one (open, the entry frozen)
        objections, evidence = [], []
        current = [e for e in entries if e.notice.round_id == c.rounds["current"].pk]
        past = [e for e in entries if e.notice.round_id != c.rounds["current"].pk]
        for n in range(c.scale.objections):
            live = n % 4 == 0 and current
            entry = c.rng.choice(current if live else (past or current))
            filed = entry.notice.published_at + timedelta(days=1, hours=n % 8)
            if filed > c.now:
                filed = c.now - timedelta(hours=1)
            decided = not live and entry.notice.closed_at is not None
            objections.append(
                Objection(
                    entry=entry,
                    receipt=f"YY{entry.notice.round.year}{c.seed:02d}{n + 1:05d}",
                    name=self.name(),
                    contact=f"137{c.rng.randint(0, 99_999_999):08d}",
                    content="反映该工作室领办人实际不在生产一线岗位工作，请核实。",
                    filed_at=filed,
                    state="dismissed" if decided else "received",
                    investigation="经实地核实，领办人在一线岗位工作，考勤记录完整" if decided else "",
                    reply="经调查核实，异议不成立" if decided else "",
                    handled_by=c.staff["reviewer"] if decided else None,
                    decided_at=filed + timedelta(days=3) if decided else None,
                )
            )
            if live:
                entry.state = "frozen"
        Objection.objects.bulk_create(objections, batch_size=BATCH)
        NoticeEntry.objects.filter(pk__in=[e.pk for e in entries if e.state == "frozen"]).update(state="frozen")
        for objection in objections:
            content = files.pdf(f"异议证明材料\n{objection.receipt}")
            token = uuid.UUID(int=c.rng.getrandbits(128)).hex
            path = self.store(f"objections/{timezone.localtime(objection.filed_at):%Y/%m}/{token}.pdf", content)
            evidence.append(
                Evidence(
                    objection=objection,
                    token=token,
                    file=path,
                    kind="pdf",
                    original_name="证明材料.pdf",
                    size=len(content),
                    sha256=files.sha256(content),
                )
            )
        Evidence.objects.bulk_create(evidence, batch_size=BATCH)
        c.principals["notice"] = next(
            (n.pk for n, _ in notices if n.round_id == c.rounds["current"].pk), notices[0][0].pk if notices else None
        )
        c.counts.update(
            decisions=len(decisions), notices=len(notices), notice_entries=len(entries), objections=len(objections)
        )

    # ------------------------------------------------------------------ studios and grants

    def studios(self):

        c = self.c
        studios, per_year = [], {}
        for index, application in enumerate(c.apps):
            plan = c.plans[index]
            if application.state != "recognised":
                continue
            recognized = timezone.localdate(plan["moments"][-1])
            per_year[recognized.year] = per_year.get(recognized.year, 0) + 1
            studios.append(
                Studio(
                    application=application,
                    unit=application.unit,
                    branch=application.branch,
                    leader=application.leader,
                    occupation_code=application.occupation_code,
                    occupation_name=application.occupation_name,
                    name=f"{application.leader.name}{application.occupation_name}技能大师工作室",
                    nameplate_no=f"经开技大〔{recognized.year}〕{c.seed:02d}{per_year[recognized.year]:03d}号",
                    recognized_on=recognized,
                    leader_key=application.leader_key,
                    scope_key=application.scope_key,
                    imported_from="依原办法认定并导入" if recognized < POLICY_FROM else "",
                )
            )
        Studio.objects.bulk_create(studios, batch_size=BATCH)
        c.studios = studios
        grants = []
        for number, studio in enumerate(studios, start=1):
            paid = studio.recognized_on + timedelta(days=30)
            grants.append(
                Grant(
                    studio=studio,
                    kind="initial",
                    clause="14.1",
                    amount=Decimal("200000.00"),
                    dated_on=studio.recognized_on,
                    state="disbursed" if paid < c.today else "approved",
                    basis=f"首次认定为经开区技能大师工作室（第14条），铭牌编号 {studio.nameplate_no}",
                    approved_by=c.staff["approver"],
                    disbursed_on=paid if paid < c.today else None,
                    voucher_no=f"BF{studio.recognized_on.year}-{c.seed:02d}{number:04d}" if paid < c.today else "",
                    disbursed_by=c.staff["finance"] if paid < c.today else None,
                    imported=studio.recognized_on < POLICY_FROM,
                )
            )
            self.event(
                "studio.recognised",
                shanghai(studio.recognized_on, 11),
                obj=studio,
                actor=c.staff["approver"],
                clause="10",
                to_state="active",
                data={"nameplate_no": studio.nameplate_no},
            )
        Grant.objects.bulk_create(grants, batch_size=BATCH)
        Disbursement.objects.bulk_create(
            [
                Disbursement(
                    grant=g,
                    amount=g.amount,
                    paid_on=g.disbursed_on,
                    voucher_no=g.voucher_no,
                    confirmed_by=c.staff["finance"],
                )
                for g in grants
                if g.state == "disbursed"
            ],
            batch_size=BATCH,
        )
        for g in grants:
            self.event(
                "grant.approved",
                shanghai(g.dated_on, 14),
                obj=g,
                actor=c.staff["approver"],
                clause="14.1",
                data={"amount": str(g.amount)},
            )
            if g.state == "disbursed":
                self.event(
                    "grant.disbursed",
                    shanghai(g.disbursed_on, 15),
                    obj=g,
                    actor=c.staff["finance"],
                    clause="14.1",
                    data={"amount": str(g.amount), "voucher_no": g.voucher_no},
                )
        self.grants = {g.studio_id: [g] for g in grants}
        bench = next((s for s in studios if s.unit_id == c.units[0].pk), studios[0] if studios else None)
        if bench is not None:
            c.principals["studio"] = bench.pk
        c.counts.update(studios=len(studios), grants=len(grants))

    # ------------------------------------------------------------------ assessments

    def assessments(self):

        c = self.c
        size = self.panel_size
        ct = self.ct(StudioAssessment)
        years, results = [], []
        for y in range(c.year - 4, c.year):
            rubric = Rubric.objects.create(
                name=f"{y}年度工作室绩效考核评分表（第12条）", purpose="assessment", aggregation="trimmed"
            )
            Criterion.objects.bulk_create(
                [
                    Criterion(rubric=rubric, order=i, title=t, description=d, max_points=Decimal(25), weight=Decimal(1))
                    for i, (t, d) in enumerate(ASPECTS)
                ]
            )
            self.criteria[rubric.pk] = list(rubric.criteria.order_by("order"))
            published_on = date(y + 1, 3, 20)
            ay = AssessmentYear.objects.create(
                year=y,
                rubric=rubric,
                state="published",
                opens_at=shanghai(date(y + 1, 1, 10), 9),
                closes_at=shanghai(date(y + 1, 2, 28), 17),
                created_by=c.staff["reviewer"],
                published_on=published_on,
                published_by=c.staff["approver"],
            )
            years.append(ay)
            for studio in c.studios:
                if studio.recognized_on.year > y:
                    continue
                roll = c.rng.random()
                grade = "excellent" if roll < 0.2 else ("unqualified" if roll > 0.97 else "qualified")
                score = Decimal(
                    {
                        "excellent": c.rng.randint(90, 97),
                        "qualified": c.rng.randint(62, 89),
                        "unqualified": c.rng.randint(40, 59),
                    }[grade]
                )
                results.append(
                    StudioAssessment(
                        assessment_year=ay,
                        studio=studio,
                        year=y,
                        kind="annual",
                        score=score,
                        aspects=[{"title": t, "weight": "1", "max": "25", "mean": str(score / 4)} for t, _ in ASPECTS],
                        computed_grade=grade,
                        grade=grade,
                        reasons=f"专家 {size} 人评分，折合百分制 {score} 分（第12条）",
                        published=True,
                        assessed_on=published_on,
                        recorded_by=c.staff["reviewer"],
                    )
                )
        StudioAssessment.objects.bulk_create(results, batch_size=BATCH)
        panels, meta = [], []
        for result in results:
            ay = result.assessment_year
            panels.append(
                ScoringPanel(
                    content_type=ct,
                    object_id=result.pk,
                    rubric=ay.rubric,
                    year=ay.year,
                    opens_at=ay.opens_at,
                    closes_at=ay.closes_at,
                    opened_at=ay.closes_at + timedelta(days=1),
                    opened_by=c.staff["reviewer"],
                )
            )
        ScoringPanel.objects.bulk_create(panels, batch_size=BATCH)
        draws = [
            Draw(
                seed=f"perf-a-{c.seed}-{p.pk}",
                size=size,
                candidates=[],
                excluded=[],
                chosen=sorted(e.pk for e in self._choose_experts(size)),
                drawn_by=c.staff["reviewer"],
                drawn_at=p.opens_at,
            )
            for p in panels
        ]
        Draw.objects.bulk_create(draws, batch_size=BATCH)

        assignments, states = [], []
        for panel, draw in zip(panels, draws):
            for expert_id in draw.chosen:
                assignments.append(
                    Assignment(
                        panel=panel,
                        expert_id=expert_id,
                        draw=draw,
                        year=panel.year,
                        state="submitted",
                        declaration="本人与该工作室所在单位无利害关系",
                        declared_at=panel.opens_at + timedelta(days=1),
                        submitted_at=panel.opens_at + timedelta(days=7),
                    )
                )
                states.append(("submitted", panel))
        self._write_scores(assignments, states)
        # what the grades lead to: rewards for 优秀 (paid), recommendations, rectifications
        grants, recommendations, rectifications = [], [], []
        numbers = {studio.pk: number for number, studio in enumerate(c.studios, start=1)}
        for result in results:
            if result.grade == "excellent":
                dated = result.assessed_on + timedelta(days=10)
                paid = dated + timedelta(days=20)
                grants.append(
                    Grant(
                        studio=result.studio,
                        kind="excellent",
                        clause="14.2",
                        year=result.year,
                        amount=Decimal("100000.00"),
                        dated_on=dated,
                        state="disbursed" if paid < c.today else "approved",
                        basis=f"{result.year}年度绩效考核优秀（第14条）",
                        approved_by=c.staff["approver"],
                        disbursed_on=paid if paid < c.today else None,
                        voucher_no=f"JL{result.year}-{c.seed:02d}{numbers[result.studio_id]:04d}"
                        if paid < c.today
                        else "",
                        disbursed_by=c.staff["finance"] if paid < c.today else None,
                    )
                )
                if result.studio.pk % 3 == 0:
                    recommendations.append(
                        LeaderRecommendation(
                            assessment=result,
                            studio=result.studio,
                            person=result.studio.leader,
                            year=result.year,
                            note="年度考核优秀，推荐参评亦城领军人才",
                            recommended_by=c.staff["approver"],
                        )
                    )
            elif result.grade == "unqualified":
                result.rectify_deadline = result.assessed_on + timedelta(days=90)
                result.rectify_actions = "补充带徒计划，每季度开展一次技艺交流"
                rectifications.append(
                    Rectification(
                        studio=result.studio,
                        assessment=result,
                        deadline=result.rectify_deadline,
                        required_actions=result.rectify_actions,
                        state="passed" if result.year < c.year - 1 else "open",
                    )
                )
        Grant.objects.bulk_create(grants, batch_size=BATCH)
        Disbursement.objects.bulk_create(
            [
                Disbursement(
                    grant=g,
                    amount=g.amount,
                    paid_on=g.disbursed_on,
                    voucher_no=g.voucher_no,
                    confirmed_by=c.staff["finance"],
                )
                for g in grants
                if g.state == "disbursed"
            ],
            batch_size=BATCH,
        )
        for g in grants:
            self.grants.setdefault(g.studio_id, []).append(g)
        LeaderRecommendation.objects.bulk_create(recommendations, batch_size=BATCH)
        # one open rectification per studio at most
        seen, kept = set(), []
        for rect in sorted(rectifications, key=lambda r: -r.assessment.year):
            if rect.state == "open" and rect.studio_id in seen:
                rect.state = "passed"
            seen.add(rect.studio_id)
            kept.append(rect)
        Rectification.objects.bulk_create(kept, batch_size=BATCH)
        open_rect = {r.studio_id for r in kept if r.state == "open"}

        Studio.objects.filter(pk__in=open_rect).update(state="rectification")
        for studio in c.studios:
            if studio.pk in open_rect:
                studio.state = "rectification"
        for ay in years:
            self.event(
                "assessmentyear.published",
                shanghai(ay.published_on, 10),
                obj=ay,
                actor=c.staff["approver"],
                clause="12",
                to_state="published",
            )
        c.counts.update(
            assessment_results=len(results),
            assessment_panels=len(panels),
            excellent_grants=len(grants),
            rectifications=len(kept),
        )

    # ------------------------------------------------------------------ ledger

    def ledger(self):

        c = self.c
        accounts = [
            SpecialAccount(
                studio=s,
                name=f"{s.name}专账",
                opened_on=s.recognized_on + timedelta(days=10),
                bank_note=f"6222 0200 {s.nameplate_no[-5:-1]}{s.recognized_on:%Y%m}",
                created_by=c.unit_users[s.unit_id],
            )
            for s in c.studios
        ]
        SpecialAccount.objects.bulk_create(accounts, batch_size=BATCH)
        incomes = []
        for account in accounts:
            for grant in self.grants.get(account.studio_id, []):
                if grant.state == "disbursed":
                    incomes.append(
                        Income(
                            account=account,
                            kind="grant",
                            source="grant" if grant.kind == "initial" else "reward",
                            amount=grant.amount,
                            received_on=grant.disbursed_on + timedelta(days=3),
                            grant=grant,
                            voucher_no=f"SR-{grant.voucher_no}",
                            note=grant.get_kind_display(),
                            recorded_by=c.unit_users[account.studio.unit_id],
                        )
                    )
        remaining = max(0, c.scale.ledger_entries - len(incomes))
        per_account = remaining // max(1, len(accounts))
        extra = remaining - per_account * len(accounts)
        voucher_paths = {}
        expenses, matching = [], []
        # one expense in eight is R&D material: about 10,000 rows at full scale, the export benchmark's query
        categories = [
            ("equipment_facilities", "grant", "数控设备维护与更新"),
            ("innovation_rnd", "grant", "技术攻关材料费"),
            ("skill_exchange", "reward", "技艺交流活动场地费"),
            ("talent_training", "grant", "带徒培训课时费"),
            ("team_incentive", "reward", "团队激励"),
            ("talent_training", "matching", "技能培训教材"),
            ("equipment_facilities", "matching", "实训工位改造"),
            ("skill_exchange", "grant", "技能展示交流"),
        ]
        for n, account in enumerate(accounts):
            count = per_account + (1 if n < extra else 0)
            start = account.opened_on
            days = max(30, (c.today - start).days)
            unit_user = c.unit_users[account.studio.unit_id]
            n_matching = max(1, count // 6)
            for k in range(n_matching):
                matching.append(
                    Income(
                        account=account,
                        kind="matching",
                        source="matching",
                        amount=Decimal(c.rng.randint(20, 120) * 1000),
                        received_on=start + timedelta(days=k * days // n_matching),
                        voucher_no=f"PT-{n + 1:04d}-{k}",
                        note="单位配套投入",
                        recorded_by=unit_user,
                    )
                )
            for k in range(count - n_matching):
                category, source, text = categories[k % len(categories)]
                spent = start + timedelta(days=(k * days) // max(1, count - n_matching))
                year = spent.year
                if (account.pk, year) not in voucher_paths:
                    content = files.pdf(f"工作室专账\n{year}年度支出凭证")
                    voucher_paths[(account.pk, year)] = self.store(
                        f"ledger/vouchers/{year}/{uuid.UUID(int=c.rng.getrandbits(128)).hex}.pdf", content
                    )
                expenses.append(
                    Expense(
                        account=account,
                        spent_on=spent,
                        amount=Decimal(c.rng.randint(3, 300) * 100),
                        source=source,
                        category=category,
                        description=text,
                        voucher_no=f"PZ{year}-{n + 1:04d}-{k:05d}",
                        voucher=voucher_paths[(account.pk, year)],
                        voucher_name=f"凭证{k + 1}.pdf",
                        recorded_by=unit_user,
                    )
                )
        Income.objects.bulk_create(incomes + matching, batch_size=BATCH)
        Expense.objects.bulk_create(expenses, batch_size=BATCH)
        assets = [
            Asset(
                account=e.account,
                expense=e,
                name="数控车床配件",
                value=e.amount,
                acquired_on=e.spent_on,
                location="工作室实训车间",
                tag_no=f"ZC-{i:06d}",
            )
            for i, e in enumerate(expenses)
            if e.category == "equipment_facilities" and i % 4 == 0
        ]
        Asset.objects.bulk_create(assets, batch_size=BATCH)
        c.counts.update(
            special_accounts=len(accounts),
            ledger_entries=len(incomes) + len(matching) + len(expenses),
            assets=len(assets),
        )
        if accounts:
            c.principals["ledger_account"] = accounts[0].pk

    # ------------------------------------------------------------------ summaries, activities

    def summaries_and_activities(self):

        c = self.c
        summaries = []
        for studio in c.studios:
            for y in range(studio.recognized_on.year, c.year):
                confirmed = shanghai(date(y, 12, c.rng.randint(1, 14)), 15)
                summaries.append(
                    AnnualSummary(
                        studio=studio,
                        year=y,
                        state="confirmed",
                        projects="完成数控加工工艺攻关 2 项，申请实用新型专利 1 项",
                        apprentices="带徒 4 人，其中 2 人晋升高级工",
                        exchanges="举办技艺交流 3 次，参加区级技能竞赛 1 次",
                        social_benefit="为区内企业开展技术服务 5 次",
                        spending="资助资金主要用于设备更新和带徒培训",
                        figures={"activities": 5, "apprentices": 4},
                        figures_checked=True,
                        due_on=date(y, 12, 15),
                        drafted_by=c.unit_users[studio.unit_id],
                        submitted_at=confirmed - timedelta(days=2),
                        confirmed_at=confirmed,
                        confirmed_by=c.unit_users[studio.unit_id],
                    )
                )
        AnnualSummary.objects.bulk_create(summaries, batch_size=BATCH)
        activities = []
        for y in range(c.year - 4, c.year + 1):
            for k in range(c.scale.activities_per_year):
                starts = shanghai(date(y, 3 + (k * 9) // max(1, c.scale.activities_per_year), 10 + k % 15), 9)
                activities.append(
                    Activity(
                        title=f"{y}年度技能大师工作室{['学习培训', '交流研讨', '技能竞赛'][k % 3]}活动（第{k + 1}期）",
                        kind=["learning", "exchange", "competition"][k % 3],
                        description="组织工作室领办人和技能骨干开展学习交流。",
                        location="经开区人才服务中心",
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=4),
                        signup_deadline=starts - timedelta(days=3),
                        capacity=80,
                        state="published",
                        created_by=c.staff["reviewer"],
                    )
                )
        Activity.objects.bulk_create(activities, batch_size=BATCH)
        signups = []
        for activity in activities:
            eligible = [s for s in c.studios if s.recognized_on < timezone.localdate(activity.starts_at)]
            for studio in c.rng.sample(eligible, min(len(eligible), 15)):
                signups.append(
                    Signup(
                        activity=activity,
                        studio=studio,
                        participants=f"{studio.leader.name}、领办人",
                        headcount=2,
                        contact=f"{studio.unit.contact_name} 139****0000",
                        created_by=c.unit_users[studio.unit_id],
                    )
                )
        Signup.objects.bulk_create(signups, batch_size=BATCH)
        reports = []
        for studio in c.studios:
            for k in range(c.scale.reports_per_studio):
                held = studio.recognized_on + timedelta(days=40 + k * 70)
                if held >= c.today:
                    held = c.today - timedelta(days=k + 1)
                kind = ["training", "apprentice", "exchange", "rnd", "social"][k % 5]
                reports.append(
                    StudioActivity(
                        studio=studio,
                        kind=kind,
                        title=f"{studio.occupation_name}技能{['培训', '带徒', '交流', '攻关', '服务'][k % 5]}",
                        held_on=held,
                        participants=6 + k,
                        apprentices="徒弟甲、徒弟乙" if kind == "apprentice" else "",
                        description="开展实操教学与工艺讲解，参训人员技能明显提升。",
                        reported_by=c.unit_users[studio.unit_id],
                    )
                )
        StudioActivity.objects.bulk_create(reports, batch_size=BATCH)
        c.counts.update(
            summaries=len(summaries), activities=len(activities), signups=len(signups), studio_reports=len(reports)
        )

    # ------------------------------------------------------------------ revocations, flags

    def revocations(self):

        c = self.c
        bench_studio = c.principals.get("studio")
        candidates = [
            s for s in c.studios if s.state == "active" and s.pk != bench_studio and s.recognized_on.year <= c.year - 1
        ]

        revocations, recoveries, answers = [], [], {}
        for studio in candidates:
            if len(revocations) >= max(1, len(c.studios) // 25):
                break
            decided = min(c.today - timedelta(days=30), date(studio.recognized_on.year + 1, 9, 1))
            try:  # studios of the former Measures (before the parameters' effective date) are not revoked here
                answers[studio.pk] = ask_engine("funding", engine_request(studio, decided))
            except PolicyInputError:
                continue
            revocations.append(
                Revocation(
                    studio=studio,
                    cause="left",
                    clause="13.3",
                    evidence="领办人已于当年离职，单位出具离职证明",
                    decision="经评估审查，取消工作室称号，追回本资助周期内区级资金",
                    document_no=f"京技社〔{decided.year}〕{studio.pk}号",
                    decided_on=decided,
                    nameplate_withdrawn_on=decided + timedelta(days=5),
                    decided_by=c.staff["approver"],
                )
            )
        Revocation.objects.bulk_create(revocations, batch_size=BATCH)

        for revocation in revocations:  # what must come back: the engine's answer, as the service records it
            studio = revocation.studio
            answer = answers[studio.pk]
            recovery = answer.get("recovery") or {}
            grants = {(g.kind, g.year): g for g in self.grants.get(studio.pk, [])}
            lines, due, cancelled = [], Decimal("0"), Decimal("0")
            for award in recovery.get("awards", []):
                grant = grants.get((award["kind"], award.get("year")))
                line = {
                    "kind": award["kind"],
                    "label": GrantKind(award["kind"]).label,
                    "clause": award["clause"],
                    "on": award["on"],
                    "year": award.get("year"),
                    "amount": award["amount"],
                    "grant": grant.pk if grant else None,
                }
                if grant is None:
                    line.update(action="no_record", paid="0.00", note="平台没有该笔资金的核定记录")
                elif grant.state == "disbursed":
                    line.update(action="recover", paid=f"{grant.amount:.2f}")
                    due += grant.amount
                    Grant.objects.filter(pk=grant.pk).update(recovery_required=True)
                else:
                    line.update(action="cancel", paid="0.00")
                    cancelled += grant.amount
                    Grant.objects.filter(pk=grant.pk).update(
                        state="cancelled",
                        closed_on=revocation.decided_on,
                        closed_reason="工作室撤销（第13条）",
                        closed_by=c.staff["approver"],
                    )
                lines.append(line)
            recoveries.append(
                Recovery(
                    revocation=revocation,
                    studio=studio,
                    cycle_start=date.fromisoformat(recovery["cycle_start"]),
                    cycle_end=date.fromisoformat(recovery["cycle_end"]),
                    engine_amount=Decimal(recovery.get("amount") or recovery.get("amount_known_part") or "0"),
                    clauses=recovery.get("clauses", []),
                    lines=lines,
                    engine_answer=answer,
                    amount_due=due,
                    amount_cancelled=cancelled,
                    state="open" if due else "settled",
                    settled_on=None if due else revocation.decided_on,
                )
            )
            self.event(
                "studio.revoked",
                shanghai(revocation.decided_on, 10),
                obj=studio,
                actor=c.staff["approver"],
                from_state="active",
                to_state="revoked",
                clause="13.3",
                reason=revocation.decision,
            )
        Recovery.objects.bulk_create(recoveries, batch_size=BATCH)
        for revocation in revocations:
            Studio.objects.filter(pk=revocation.studio_id).update(
                state="revoked", revoked_on=revocation.decided_on, revocation_clause="13.3", nameplate_withdrawn=True
            )
            revocation.studio.state = "revoked"
        flags = []
        for studio in [s for s in c.studios if s.state != "revoked"][: max(1, len(c.studios) // 20)]:
            flags.append(
                Flag(
                    studio=studio,
                    kind="retirement_near",
                    key=str(c.year),
                    clause="13.3",
                    raised_on=c.today - timedelta(days=3),
                    detail="领办人距法定退休不足2年，请关注工作室后续安排",
                )
            )
        Flag.objects.bulk_create(flags, batch_size=BATCH)
        c.counts.update(revocations=len(revocations), flags=len(flags))

    # ------------------------------------------------------------------ notifications

    def notifications(self):

        c = self.c
        rows = []
        for unit in c.units:
            for k in range(c.scale.notifications_per_unit):
                rows.append(
                    Notification(
                        recipient=c.unit_users[unit.pk],
                        key="application_state_changed",
                        title="申报状态已更新",
                        body="您的申报已进入下一审核环节，请登录平台查看。",
                        url="/applications/",
                        email_to=c.unit_users[unit.pk].email,
                        read_at=None if k == 0 else c.now - timedelta(days=k),
                        emailed_at=c.now - timedelta(days=k),
                    )
                )
        for user in c.staff.values():
            for k in range(10):
                rows.append(
                    Notification(
                        recipient=user,
                        key="application_received",
                        title="收到新的申报",
                        body="有新的申报待审核。",
                        url="/applications/manage/",
                        email_to=user.email,
                        emailed_at=c.now,
                    )
                )
        Notification.objects.bulk_create(rows, batch_size=BATCH)
        c.counts["notifications"] = len(rows)

    # ------------------------------------------------------------------ the audit trail

    def audit_trail(self):
        """Append the events, in time order, to the hash chain (continuing from its head), topped
        up with sign-ins and downloads to the scale's count."""

        c = self.c
        units = list(c.unit_users.values())
        top_up = max(0, c.scale.audit_events - len(c.events))
        for n in range(top_up):
            user = units[n % len(units)] if n % 3 else c.staff["reviewer"]
            at = c.now - timedelta(days=c.rng.randint(1, 1800), minutes=c.rng.randint(0, 600))
            if n % 2:
                self.event("login.succeeded", at, obj=user, actor=user, data={"ip": "10.1.2.3"})
            else:
                self.event("export.xlsx", at, actor=user, data={"what": "applications", "rows": c.rng.randint(10, 900)})
        c.events.sort(key=lambda e: e[0])
        head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
        seq, previous = head.seq, head.hash
        cts: dict = {}
        rows = []
        for at, action, obj, actor, from_state, to_state, reason, clause, data in c.events:
            seq += 1
            content_type = None
            if obj is not None:
                model = type(obj)
                if model not in cts:
                    cts[model] = ContentType.objects.get_for_model(model)
                content_type = cts[model]
            event = Event(
                seq=seq,
                at=at.astimezone(UTC),
                actor=actor,
                actor_label=_actor_label(actor),
                ip="10.1.2.3" if actor else None,
                action=action,
                content_type=content_type,
                object_id=str(obj.pk) if obj is not None else "",
                object_repr=str(obj)[:255] if obj is not None else "",
                from_state=from_state,
                to_state=to_state,
                reason=reason,
                clause=clause,
                data=data,
                prev_hash=previous,
            )
            event.content_type_id = content_type.pk if content_type else None
            event.actor_id = actor.pk if actor is not None else None
            event.hash = event.compute_hash()
            previous = event.hash
            rows.append(event)
        Event.objects.bulk_create(rows, batch_size=BATCH)
        ChainHead.objects.filter(id=1).update(seq=seq, hash=previous)
        c.counts["events"] = len(rows)


def generate(seed: int, scale: Scale, *, log=print) -> Ctx:
    settings.MEDIA_ROOT  # noqa: B018  (the storage must be configured before files are written)
    return Generator(seed, scale, log=log).run()

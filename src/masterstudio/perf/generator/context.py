"""The shared context of the data generator: the scales, the name and number makers, the run's ``Ctx``."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from masterstudio.policy.identity import credit_check_char

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
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
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
    total = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=False))
    return body + "10X98765432"[total % 11]


def credit_code(n: int) -> str:

    body8 = f"{n:08d}"
    remainder = 11 - sum(int(c) * w for c, w in zip(body8, ORG_WEIGHTS, strict=False)) % 11
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

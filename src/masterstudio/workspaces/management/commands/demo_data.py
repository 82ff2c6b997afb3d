"""Demo data for `make run`: one account for every role, two units, people and a branch.

Safe to run again: existing demo records are left as they are and the accounts are printed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from masterstudio.accounts.models import SECOND_FACTOR_ROLES, Duty, Role, User
from masterstudio.core import transitions
from masterstudio.core.events import record_event
from masterstudio.units.models import Branch, Person, Unit, UnitStatus

DEMO_PASSWORD = "Demo@2026yz"
# Demo only: the authenticator secret of the staff, expert and evaluator accounts, so that
# `manage.py demo_totp` can show a code.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


# Real check characters: computed by the policy engine's identity rules (see tests).
UNIT_A = ("北京亦庄示例精密机械有限公司", "91110302MA01ABCD0Y", "北京经济技术开发区科创十三街 18 号")
UNIT_B = ("北京经开区示例汽车零部件有限公司", "91110302MA01EFGH1Q", "北京经济技术开发区荣华南路 9 号")

ACCOUNTS = [
    # username, role, duties, display name, unit key
    ("staff_review", Role.STAFF, ["reviewer"], "王审核（业务审核）", None),
    ("staff_approve", Role.STAFF, ["approver"], "李审批（审批）", None),
    ("staff_finance", Role.STAFF, ["finance"], "赵财务（财务）", None),
    ("sysadmin", Role.STAFF, ["sysadmin"], "系统管理员", None),
    ("auditor", Role.STAFF, ["auditor"], "安全审计员", None),
    ("unit_a", Role.UNIT, [], UNIT_A[0], "A"),
    ("unit_b", Role.UNIT, [], UNIT_B[0], "B"),
    ("leader_a", Role.LEADER, [], "张师傅（领办人）", "A"),
    ("expert1", Role.EXPERT, [], "陈专家", None),
    ("expert2", Role.EXPERT, [], "刘专家", None),
    ("expert3", Role.EXPERT, [], "周专家", None),
    ("expert4", Role.EXPERT, [], "吴专家", None),
    ("expert5", Role.EXPERT, [], "郑专家", None),
    ("evaluator", Role.EVALUATOR, [], "北京示例第三方评估中心", None),
]

PEOPLE_A = [
    # name, ID number, original retirement age, position, frontline since
    ("张建国", "11010519750308001X", None, "数控车工 技师", "2003-07-01"),
    ("李明", "110105198806150016", None, "数控车工", "2010-07-01"),
    ("王芳", "110105199002200027", 55, "质检工", "2012-03-01"),
    ("赵强", "11010519921111001X", None, "钳工", "2014-09-01"),
]


class Command(BaseCommand):
    help = "创建演示数据（每个角色一个演示账号），并打印演示账号"

    def handle(self, *args, **options):
        with transaction.atomic():
            units = {"A": self._unit(*UNIT_A), "B": self._unit(*UNIT_B)}
            self._people(units["A"])
            Branch.objects.get_or_create(
                unit=units["A"], name="第二分厂", defaults={"address": "北京经济技术开发区经海路 66 号"}
            )
            leader_person = Person.objects.filter(unit=units["A"], name="张建国").first()
            for username, role, duties, name, unit_key in ACCOUNTS:
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User.objects.create_user(
                        username=username,
                        password=DEMO_PASSWORD,
                        role=role,
                        duties=duties,
                        display_name=name,
                        unit=units.get(unit_key) if unit_key else None,
                        email=f"{username}@demo.etown.example",
                        organisation="北京示例高级技工学校" if role == Role.EXPERT else "",
                        password_changed_at=timezone.now(),
                    )
                    if role in SECOND_FACTOR_ROLES:
                        user.totp_secret = DEMO_TOTP_SECRET
                        user.totp_confirmed_at = timezone.now()
                        user.save(update_fields=["totp_secret", "totp_confirmed_at"])
                    if username == "leader_a":
                        user.person = leader_person
                        user.save(update_fields=["person"])
                    record_event("account.created", obj=user, data={"role": role, "demo": True})
                elif role in SECOND_FACTOR_ROLES and not user.totp_confirmed_at:
                    user.totp_secret = DEMO_TOTP_SECRET
                    user.totp_confirmed_at = timezone.now()
                    user.save(update_fields=["totp_secret", "totp_confirmed_at"])
        from masterstudio.workspaces.demo import build

        for line in build():
            self.stdout.write("演示情景 · " + line)
        self.stdout.write(self.style.SUCCESS(f"演示账号（密码均为 {DEMO_PASSWORD}）："))
        for username, role, duties, name, _ in ACCOUNTS:
            extra = "、".join(Duty(d).label for d in duties)
            self.stdout.write(f"  {username:<14} {Role(role).label}{'（' + extra + '）' if extra else ''} — {name}")
        for line in sign_in_help():
            self.stdout.write(line)

    def _unit(self, name, code, address):
        with transitions.seed("demo data: the demonstration units are registered already approved"):
            unit, created = Unit.objects.get_or_create(
                credit_code=code,
                defaults={
                    "name": name,
                    "kind": "enterprise",
                    "address": address,
                    "in_etown": True,
                    "contact_name": "人力资源部",
                    "contact_phone": "13800138000",
                    "status": UnitStatus.APPROVED,
                    "approved_at": timezone.now(),
                },
            )
        if created:
            record_event("unit.registered", obj=unit, to_state=UnitStatus.APPROVED, data={"demo": True})
        return unit

    def _people(self, unit):
        for name, number, age, position, since in PEOPLE_A:
            if not Person.objects.filter(unit=unit, name=name).exists():
                Person.objects.create(
                    unit=unit,
                    name=name,
                    id_number=number,
                    original_retirement_age=age,
                    position=position,
                    frontline_since=since,
                    phone="13900139000",
                )


def sign_in_help() -> list[str]:
    """How a demo user signs in with the second factor (printed by ``make run`` and ``demo_data``)."""
    return [
        "登录第二因素（动态口令）：管理端账号（staff_review、staff_approve、staff_finance、sysadmin、auditor）"
        "登录时在密码之后还要输入 6 位动态口令；专家、评估机构账号（expert1–expert5、evaluator）同样要输入。",
        "  取得口令：另开一个终端运行 .venv/bin/python manage.py demo_totp，或在手机验证器中添加密钥 "
        f"{DEMO_TOTP_SECRET}。",
        "  所有演示账号共用这一密钥：同一个口令在它有效的 30 秒内，可以分别用于登录几个不同的演示账号"
        "（每个账号各用一次）；同一账号再次登录请等下一个 30 秒的新口令。",
        "演示时钟：以工作人员身份打开 /manage/demo-clock/，可把平台日期向前拨（如公示 5 个工作日期满），"
        "再运行 .venv/bin/python manage.py close_notices 或在页面上继续办理；仅演示环境提供。",
    ]

"""Steps: the staff accounts, the units with their accounts and branches, the people."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from masterstudio.accounts.models import User
from masterstudio.core.crypto import blind_index
from masterstudio.perf.generator.context import BATCH, BENCH_PASSWORD, FIRMS, STREETS, credit_code, id_number
from masterstudio.units.models import Branch, Person, Unit


class PeopleSteps:
    """Steps: the staff accounts, the units with their accounts and branches, the people. Mixed into ``Generator``."""

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

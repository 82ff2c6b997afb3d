"""Step: the special accounts and their ledger entries."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from masterstudio.ledger.models import Asset, Expense, Income, SpecialAccount
from masterstudio.perf import files
from masterstudio.perf.generator.context import BATCH


class LedgerSteps:
    """Step: the special accounts and their ledger entries. Mixed into ``Generator``."""

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

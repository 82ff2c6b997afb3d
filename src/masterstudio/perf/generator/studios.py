"""Step: the studios with their grants and disbursements."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from masterstudio.funding.models import Disbursement, Grant
from masterstudio.perf.generator.context import BATCH, POLICY_FROM, shanghai
from masterstudio.studios.models import Studio


class StudioSteps:
    """Step: the studios with their grants and disbursements. Mixed into ``Generator``."""

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

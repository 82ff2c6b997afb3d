"""Step: the revocations and recoveries, the flags."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from masterstudio.assessments.models import Flag
from masterstudio.funding.models import Grant, GrantKind
from masterstudio.perf.generator.context import BATCH, shanghai
from masterstudio.policy.errors import PolicyInputError
from masterstudio.recoveries.amounts import engine_request
from masterstudio.recoveries.models import Recovery, Revocation
from masterstudio.studios.lifecycle import ask_engine
from masterstudio.studios.models import Studio


class RevocationSteps:
    """Step: the revocations and recoveries, the flags. Mixed into ``Generator``."""

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

"""Step: the annual assessments, their panels, flags and rectifications."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from masterstudio.assessments.models import AssessmentYear, LeaderRecommendation, Rectification, StudioAssessment
from masterstudio.experts.models import Assignment, Criterion, Draw, Rubric, ScoringPanel
from masterstudio.funding.models import Disbursement, Grant
from masterstudio.perf.generator.context import ASPECTS, BATCH, shanghai
from masterstudio.studios.models import Studio


class AssessmentSteps:
    """Step: the annual assessments, their panels, flags and rectifications. Mixed into ``Generator``."""

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
        panels = []
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
        for panel, draw in zip(panels, draws, strict=False):
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

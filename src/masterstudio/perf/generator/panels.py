"""Step: the expert panels of the applications, their draws, assignments and scores."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from masterstudio.applications.models import (
    Application,
)
from masterstudio.experts.models import Assignment, Draw, Score, ScoringPanel
from masterstudio.perf.generator.context import BATCH


class PanelSteps:
    """Step: the expert panels of the applications, their draws, assignments and scores. Mixed into ``Generator``."""

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
        for panel, (_application, _done, at) in zip(panels, meta, strict=False):
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
        for panel, draw, (_application, done, at) in zip(panels, draws, meta, strict=False):
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
        for assignment, (state, panel) in zip(assignments, states, strict=False):
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

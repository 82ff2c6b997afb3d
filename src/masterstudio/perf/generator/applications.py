"""Steps: the applications with their plans and moments, their materials and files."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone

from masterstudio.applications.models import (
    Application,
    Material,
    TeamMember,
    scope_key,
)
from masterstudio.perf import files
from masterstudio.perf.generator.context import BATCH, CONDITIONS, SKILLS, shanghai
from masterstudio.policy import load_catalogue, run
from masterstudio.units.models import Person


class ApplicationSteps:
    """Steps: the applications with their plans and moments, their materials and files. Mixed into ``Generator``."""

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
        for index, (application, leader) in enumerate(zip(apps, leaders, strict=False)):
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
            for state, at in zip(plan["path"], moments, strict=False):
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

"""Step: the snapshots, material reviews and site visits."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from masterstudio.applications.models import (
    ApplicationSnapshot,
    SupplementRequest,
)
from masterstudio.perf.generator.context import BATCH
from masterstudio.reviews.models import MaterialReview, ReviewItem, SiteVisit


class ReviewSteps:
    """Step: the snapshots, material reviews and site visits. Mixed into ``Generator``."""

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

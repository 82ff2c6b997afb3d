from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "masterstudio.assessments"
    label = "assessments"
    verbose_name = "绩效考核与动态管理"

    def ready(self) -> None:
        # inside ready(): these modules import the models, which exist only once the apps are loaded
        from django.urls import reverse

        from masterstudio.assessments.models import StudioAssessment
        from masterstudio.assessments.services.rewards import excellent_grade_refusal, last_grade_line
        from masterstudio.experts.subjects import register_subject
        from masterstudio.funding.services import register_award_condition
        from masterstudio.summaries.services import register_prefill_line

        # the lower apps ask the assessment without importing it: Art. 14's 优秀 reward needs the
        # published 优秀 grade; the annual summary's prefill names last year's grade
        register_award_condition("excellent", excellent_grade_refusal)
        register_prefill_line(last_grade_line)
        # a studio's annual assessment is a subject the experts judge (Art. 12); experts, below, never imports it
        register_subject(
            StudioAssessment,
            queryset=lambda: StudioAssessment.objects.select_related("studio__unit"),
            dossier_url=lambda assessment: reverse("assessments:dossier", args=[assessment.pk]),
        )

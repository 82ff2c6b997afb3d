from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "masterstudio.assessments"
    label = "assessments"
    verbose_name = "绩效考核与动态管理"

    def ready(self) -> None:
        # inside ready(): the models can be imported only once the app registry is loaded
        from django.urls import reverse

        from masterstudio.assessments.models import StudioAssessment
        from masterstudio.experts.subjects import register_subject

        # a studio's annual assessment is a subject the experts judge (Art. 12); experts, below, never imports it
        register_subject(
            StudioAssessment,
            queryset=lambda: StudioAssessment.objects.select_related("studio__unit"),
            dossier_url=lambda assessment: reverse("assessments:dossier", args=[assessment.pk]),
        )

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "masterstudio.assessments"
    label = "assessments"
    verbose_name = "绩效考核与动态管理"

    def ready(self):
        # inside ready(): these modules import the models, which exist only once the apps are loaded
        from masterstudio.assessments.services.rewards import excellent_grade_refusal, last_grade_line
        from masterstudio.funding.services import register_award_condition
        from masterstudio.summaries.services import register_prefill_line

        # the lower apps ask the assessment without importing it: Art. 14's 优秀 reward needs the
        # published 优秀 grade; the annual summary's prefill names last year's grade
        register_award_condition("excellent", excellent_grade_refusal)
        register_prefill_line(last_grade_line)

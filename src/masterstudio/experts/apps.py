from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "masterstudio.experts"
    label = "experts"
    verbose_name = "专家库与专家评审"

    def ready(self) -> None:
        # inside ready(): the models and selectors can be imported only once the app registry is loaded
        from masterstudio.applications.extensions import register_visibility_scope
        from masterstudio.applications.models import Application
        from masterstudio.experts.selectors import subject_ids_for_expert
        from masterstudio.experts.subjects import register_subject

        register_subject(Application, queryset=lambda: Application.objects.select_related("unit"))
        register_visibility_scope("expert", lambda user: subject_ids_for_expert(user, Application))

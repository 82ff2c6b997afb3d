from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "masterstudio.applications"
    label = "applications"
    verbose_name = "申报"

    def ready(self):
        # inside ready(): the receiver reads models, loaded only once every app is
        from masterstudio.applications.services.prechecks import rerun_for_codes
        from masterstudio.catalog.signals import occupations_added

        occupations_added.connect(rerun_for_codes, dispatch_uid="applications.rerun_prechecks")

from django.apps import AppConfig


class WhatifConfig(AppConfig):
    """The policy what-if (top floor): re-evaluating the applications in the database under an edited
    parameter set — the staff page, ``manage.py whatif`` and the impact part of a policy version's
    preview, which it contributes to ``policytools.versions`` (that app reads no applications)."""

    name = "masterstudio.whatif"
    label = "whatif"
    verbose_name = "政策影响分析"

    def ready(self):
        # inside ready(): the services read models, loaded only once every app is
        from masterstudio.policytools.versions import register_impact
        from masterstudio.whatif import services

        register_impact("applications", services.applications_impact)
        register_impact("studios", services.studios_impact)

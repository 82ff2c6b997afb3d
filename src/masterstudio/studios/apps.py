from django.apps import AppConfig


def _live_studios(near):
    """The live studios matching ``near``: the places Art. 7 holds (one leader, one scope)."""
    # inside the function: models are loaded after this module is imported
    from masterstudio.studios.models import LIVE_STATES, Studio

    return Studio.objects.filter(near, state__in=LIVE_STATES)


class StudiosConfig(AppConfig):
    name = "masterstudio.studios"
    label = "studios"
    verbose_name = "工作室"

    def ready(self):
        # inside ready(): the applications app's registry, filled once every app is loaded
        from masterstudio.applications.extensions import register_art7_holders

        register_art7_holders(_live_studios)

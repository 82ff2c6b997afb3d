from django.apps import AppConfig


def _history_objects(application):
    """An application's line of the notice and the objections against it (its history's events)."""
    # inside the function: models are loaded after this module is imported
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from masterstudio.notices.models import NoticeEntry, Objection

    entry = NoticeEntry.objects.filter(application=application).values_list("pk", flat=True).first()
    if entry is None:
        return Q()
    types = ContentType.objects.get_for_models(NoticeEntry, Objection)
    objections = [str(pk) for pk in Objection.objects.filter(entry_id=entry).values_list("pk", flat=True)]
    return Q(content_type=types[NoticeEntry], object_id=str(entry)) | Q(
        content_type=types[Objection], object_id__in=objections
    )


def _notice_entry(application):
    # inside the function: models are loaded after this module is imported
    from masterstudio.notices.models import NoticeEntry

    return NoticeEntry.objects.select_related("notice").filter(application=application).first()


class NoticesConfig(AppConfig):
    name = "masterstudio.notices"
    label = "notices"
    verbose_name = "公示与异议"

    def ready(self):
        # inside ready(): the applications app's registry, filled once every app is loaded
        from masterstudio.applications import extensions

        extensions.register_history(_history_objects)
        extensions.register_notice_entry(_notice_entry)

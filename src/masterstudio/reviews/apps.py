from django.apps import AppConfig


def _evaluation_published(application):
    """(published, version) of the application's comprehensive evaluation decision."""
    # inside the function: models are loaded after this module is imported
    from masterstudio.reviews.models import Decision

    row = (
        Decision.objects.filter(application=application, published_at__isnull=False)
        .values_list("version", flat=True)
        .first()
    )
    return row is not None, row


class ReviewsConfig(AppConfig):
    name = "masterstudio.reviews"
    label = "reviews"
    verbose_name = "评审（材料审核、实地考察、综合评议）"

    def ready(self):
        # inside ready(): the applications app's registry and this app's models, loaded by now
        from masterstudio.applications import extensions
        from masterstudio.reviews.models import Outcome

        extensions.register_publication(_evaluation_published)
        extensions.register_decision_labels(dict(Outcome.choices))

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "masterstudio.reviews"
    label = "reviews"
    verbose_name = "评审（材料审核、实地考察、综合评议）"

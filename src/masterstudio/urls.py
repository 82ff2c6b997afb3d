from django.urls import include, path

urlpatterns = [
    path("", include("masterstudio.core.urls")),
    path("accounts/", include("masterstudio.accounts.urls")),
    path("", include("masterstudio.catalog.urls")),
    path("unit/", include("masterstudio.units.urls")),
    path("applications/", include("masterstudio.applications.urls")),
    path("review/", include("masterstudio.reviews.urls")),
    path("experts/", include("masterstudio.experts.urls")),
    path("notices/", include("masterstudio.notices.urls")),
    path("studios/", include("masterstudio.studios.urls")),
]

handler400 = "masterstudio.core.views.error_400"
handler403 = "masterstudio.core.views.error_403"
handler404 = "masterstudio.core.views.error_404"
handler500 = "masterstudio.core.views.error_500"

from django.urls import path

from masterstudio.studios import views

app_name = "studios"
urlpatterns = [
    path("", views.studio_index, name="list"),
    path("flags/", views.flags, name="flags"),
    path("flags/<int:pk>/resolve/", views.resolve_flag, name="resolve_flag"),
    path("<int:pk>/", views.studio_detail, name="detail"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/certificate.pdf", views.certificate, name="certificate"),
]

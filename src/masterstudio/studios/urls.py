"""The studio app's own pages. Included under /studios/ (namespace ``studios``) by
``workspaces.studio_urls``, with the studio page, the flags and the revocation."""

from django.urls import path

from masterstudio.studios import views

urlpatterns = [
    path("", views.studio_index, name="list"),
    path("<int:pk>/certificate.pdf", views.certificate, name="certificate"),
]

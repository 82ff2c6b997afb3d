"""The policy version pages. Included through ``whatif.urls``, which adds the parameters page (the
what-if form) under the same ``policytools`` namespace."""

from django.urls import path

from masterstudio.policytools import views

app_name = "policytools"
urlpatterns = [
    path("versions/", views.versions, name="versions"),
    path("versions/new/", views.version_new, name="version_new"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/confirm/", views.version_confirm, name="version_confirm"),
    path("versions/<int:pk>/withdraw/", views.version_withdraw, name="version_withdraw"),
]

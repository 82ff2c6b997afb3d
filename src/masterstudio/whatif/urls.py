"""The policy pages under their one namespace, ``policytools`` (the names and paths as before the
what-if moved up): the parameters page with the what-if form (here) and the version pages
(``policytools.urls``, which the low app keeps)."""

from django.urls import path

from masterstudio.policytools import urls as version_urls
from masterstudio.whatif import views

app_name = "policytools"
urlpatterns = [
    path("", views.parameters, name="parameters"),
    *version_urls.urlpatterns,
]

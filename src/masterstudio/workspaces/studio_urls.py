"""The pages under /studios/ (namespace ``studios``): the studio app's own (list, certificate),
the studio page and the supervision flags composed here, and the revocation of the recoveries
app. The root urls include this module, not ``studios.urls``."""

from django.urls import path

from masterstudio.recoveries import urls as recoveries
from masterstudio.studios import urls as studios
from masterstudio.workspaces import studio_pages

app_name = "studios"
urlpatterns = [
    *studios.urlpatterns,
    path("flags/", studio_pages.flags, name="flags"),
    path("flags/<int:pk>/resolve/", studio_pages.resolve_flag, name="resolve_flag"),
    path("<int:pk>/", studio_pages.studio_detail, name="detail"),
    *recoveries.studio_urlpatterns,
]

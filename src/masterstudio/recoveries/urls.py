from django.urls import path

from masterstudio.recoveries import views

app_name = "recoveries"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/repay/", views.repay, name="repay"),
    path("<int:pk>/repayments/<int:repayment_pk>/reverse/", views.reverse_repayment, name="reverse_repayment"),
    path("revocations/<int:pk>/file/", views.evidence_file, name="evidence_file"),
]

# Under /studios/ (namespace ``studios``): included by ``workspaces.studio_urls``.
studio_urlpatterns = [
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]

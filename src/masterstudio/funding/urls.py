from django.urls import path

from masterstudio.funding import views

app_name = "funding"
urlpatterns = [
    path("", views.grant_list, name="grant_list"),
    path("award/", views.award, name="award"),
    path("titles/", views.titles, name="titles"),
    path("<int:pk>/", views.grant_detail, name="grant_detail"),
    path("<int:pk>/disburse/", views.grant_disburse, name="grant_disburse"),
    path("<int:pk>/cancel/", views.grant_cancel, name="grant_cancel"),
    path("<int:pk>/recover/", views.grant_recover, name="grant_recover"),
    path("<int:pk>/payments/<int:payment_pk>/reverse/", views.disbursement_reverse, name="disbursement_reverse"),
    path("<int:pk>/document/", views.grant_document, name="grant_document"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
]

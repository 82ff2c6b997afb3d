from django.urls import path

from masterstudio.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/entries/<int:entry_pk>/object/", views.object_form, name="object"),
    path("objections/", views.objection_lookup, name="objection_lookup"),
    path("objections/<str:receipt>/", views.objection_status, name="objection_status"),
    path("manage/", views.manage, name="manage"),
    path("manage/rounds/<int:round_pk>/publish/", views.publish, name="publish"),
    path("manage/objections/<int:pk>/", views.objection_detail, name="objection"),
    path("manage/evidence/<int:pk>/", views.evidence_file, name="evidence"),
]

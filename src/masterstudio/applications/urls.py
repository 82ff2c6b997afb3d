from django.urls import path

from masterstudio.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("rounds/", views.rounds_public, name="rounds_public"),
    path("rounds/<int:round_id>/start/", views.start, name="start"),
    path("occupations/", views.occupation_search, name="occupation_search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/autosave/", views.autosave, name="autosave"),
    path("<int:pk>/person/", views.add_person, name="add_person"),
    path("<int:pk>/materials/<str:item>/", views.upload, name="upload"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/versions/<int:version>/", views.snapshot, name="snapshot"),
    path("materials/<int:pk>/", views.download, name="download"),
    path("materials/<int:pk>/remove/", views.remove_material, name="remove_material"),
    path("manage/", views.staff_list, name="staff_list"),
    path("manage/export.xlsx", views.staff_export, name="staff_export"),
    path("manage/rounds/", views.rounds, name="rounds"),
    path("manage/rounds/new/", views.round_edit, name="round_create"),
    path("manage/rounds/<int:pk>/", views.round_edit, name="round_edit"),
    path("manage/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("manage/<int:pk>/review/", views.staff_start_review, name="staff_start_review"),
    path("manage/<int:pk>/supplement/", views.staff_supplement, name="staff_supplement"),
]

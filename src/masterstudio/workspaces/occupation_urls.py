"""The catalogue page that starts from an application (namespace ``workspaces``)."""

from django.urls import path

from masterstudio.workspaces import occupation_from_application

app_name = "workspaces"
urlpatterns = [
    path(
        "manage/catalog/occupations/from-application/<int:pk>/",
        occupation_from_application.add_from_application,
        name="add_occupation_from_application",
    ),
]

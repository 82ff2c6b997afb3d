from django.urls import path

from masterstudio.units import views

app_name = "units"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_edit, name="person_create"),
    path("people/<int:pk>/", views.person_edit, name="person_edit"),
    path("branches/", views.branches, name="branches"),
]

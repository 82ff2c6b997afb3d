from django.urls import path

from masterstudio.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("data.json", views.data, name="data"),
    path("public/", views.public, name="public"),
]

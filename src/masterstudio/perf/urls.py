from django.urls import path

from masterstudio.perf import views

app_name = "perf"
urlpatterns = [path("empty/", views.empty, name="empty")]

from django.urls import path

from masterstudio.selfcheck import views

app_name = "selfcheck"
urlpatterns = [path("", views.selfcheck, name="selfcheck")]

from django.urls import path

from masterstudio.policytools import views

app_name = "policytools"
urlpatterns = [path("", views.parameters, name="parameters")]

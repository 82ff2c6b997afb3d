from django.urls import path

from masterstudio.studios import views

app_name = "studios"
urlpatterns = [
    path("<int:pk>/certificate.pdf", views.certificate, name="certificate"),
]

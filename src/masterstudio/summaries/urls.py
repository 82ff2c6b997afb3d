from django.urls import path

from masterstudio.summaries import views

app_name = "summaries"
urlpatterns = [
    path("", views.index, name="index"),
    path("studio/<int:studio_pk>/<int:year>/", views.edit, name="edit"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]

from django.urls import path

from masterstudio.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/finding/", views.finding, name="finding"),
    path("<int:pk>/checklist/", views.checklist, name="checklist"),
    path("<int:pk>/visits/", views.schedule, name="schedule"),
    path("<int:pk>/draw/", views.draw, name="draw"),
    path("<int:pk>/finish-experts/", views.finish_experts, name="finish_experts"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("visits/<int:pk>/", views.record, name="record"),
    path("visits/<int:pk>/photos/", views.photo, name="photo"),
    path("photos/<int:pk>/", views.photo_file, name="photo_file"),
    path("rounds/<int:round_pk>/", views.evaluation, name="evaluation"),
    path("rounds/<int:round_pk>/rubric/", views.rubric, name="rubric"),
    path("rounds/<int:round_pk>/draw/", views.group_draw, name="group_draw"),
    path("rounds/<int:round_pk>/finish-experts/", views.finish_all, name="finish_all"),
]

from django.urls import path

from masterstudio.experts import views

app_name = "experts"
urlpatterns = [
    path("pool/", views.pool, name="pool"),
    path("pool/new/", views.expert_edit, name="expert_create"),
    path("pool/<int:pk>/", views.expert_edit, name="expert_edit"),
    path("draws/<int:pk>/", views.draw_record, name="draw"),
    path("panels/<int:pk>/", views.panel_detail, name="panel"),
    path("panels/<int:pk>/replace/", views.panel_replace, name="panel_replace"),
    path("panels/<int:pk>/accept-short/", views.panel_accept_short, name="panel_accept_short"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/declare/", views.declare_all, name="declare_all"),
    path("tasks/<int:pk>/", views.task, name="task"),
]

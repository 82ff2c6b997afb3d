from django.urls import path

from masterstudio.evaluations import views

app_name = "evaluations"
urlpatterns = [
    path("", views.evaluation_list, name="evaluation_list"),
    path("new/", views.evaluation_create, name="evaluation_create"),
    path("<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("<int:pk>/end/", views.evaluation_end, name="evaluation_end"),
    path("reports/<int:pk>/", views.report_download, name="report_download"),
]

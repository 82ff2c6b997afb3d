from django.urls import path

from masterstudio.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("new/", views.activity_edit, name="activity_create"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/state/", views.activity_state, name="activity_state"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/signups/<int:signup_pk>/withdraw/", views.signup_withdraw, name="signup_withdraw"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]

from django.urls import path

from masterstudio.workspaces import views

# the URL namespace stays "core" (every template and test names these pages core:home, core:manage …)
app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("manage/", views.manage, name="manage"),
    path("manage/activity/", views.activity_log, name="activity_log"),
    path("manage/activity/anchors/", views.audit_anchors, name="audit_anchors"),
    path("manage/demo-clock/", views.demo_clock, name="demo_clock"),
    path("expert/", views.expert, name="expert"),
    path("evaluation/", views.evaluator, name="evaluator"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]

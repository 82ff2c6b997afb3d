from django.urls import path

from masterstudio.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.open_year, name="open"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("<int:pk>/", views.year_detail, name="year"),
    path("<int:pk>/draw/", views.draw, name="draw"),
    path("<int:pk>/compute/", views.compute, name="compute"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("results/<int:pk>/review/", views.review, name="review"),
    path("results/<int:pk>/reward/", views.reward, name="reward"),
    path("results/<int:pk>/recommend/", views.recommend, name="recommend"),
    path("results/<int:pk>/dossier/", views.dossier, name="dossier"),
    path("rectifications/<int:pk>/", views.rectification, name="rectification"),
    path("rectifications/<int:pk>/file/", views.rectification_file, name="rectification_file"),
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/new/", views.supervision_new, name="supervision_new"),
    path("supervision/<int:pk>/", views.supervision_detail, name="supervision"),
    path("supervision/<int:pk>/files/<int:file_pk>/", views.supervision_file, name="supervision_file"),
]

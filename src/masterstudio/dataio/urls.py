from django.urls import path

from masterstudio.dataio import views

app_name = "dataio"
urlpatterns = [
    path("import/studios/", views.import_studios, name="import_studios"),
    path("import/studios/template.xlsx", views.import_template, name="import_template"),
    path("recognition-list.pdf", views.recognition_list, name="recognition_list"),
]

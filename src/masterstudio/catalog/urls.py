from django.urls import path

from masterstudio.catalog import views

app_name = "catalog"
urlpatterns = [
    path("occupations/search/", views.occupation_search, name="occupation_search"),
    path("manage/catalog/occupations/", views.occupations, name="occupations"),
    path("manage/catalog/occupations/import/", views.occupations_import, name="occupations_import"),
    path("manage/catalog/occupations/template/", views.occupations_template, name="occupations_template"),
    path("manage/catalog/calendar/", views.calendar, name="calendar"),
    path("manage/catalog/calendar/<int:year>/", views.calendar_edit, name="calendar_edit"),
    path("manage/catalog/calendar/entries/<int:pk>/", views.calendar_proposal, name="calendar_proposal"),
]

from django.urls import path

from masterstudio.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("login/enrol/", views.login_enrol, name="login_enrol"),
    path("reauth/", views.reauth, name="reauth"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register, name="register"),
    path("me/", views.account, name="account"),
    path("me/password/", views.password_change, name="password_change"),
    path("manage/users/", views.user_list, name="user_list"),
    path("manage/users/new/", views.user_create, name="user_create"),
    path("manage/users/<int:pk>/toggle/", views.user_toggle, name="user_toggle"),
    path("manage/units/", views.unit_registrations, name="unit_registrations"),
    path("manage/units/<int:pk>/", views.unit_registration_detail, name="unit_registration_detail"),
]

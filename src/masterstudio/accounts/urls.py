from django.urls import path

from masterstudio.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("login/enrol/", views.login_enrol, name="login_enrol"),
    path("login/password/", views.login_password, name="login_password"),
    path("reauth/", views.reauth, name="reauth"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register, name="register"),
    path("me/", views.account, name="account"),
    path("me/password/", views.password_change, name="password_change"),
    path("manage/users/", views.user_list, name="user_list"),
    path("manage/users/new/", views.user_create, name="user_create"),
    path("manage/users/<int:pk>/toggle/", views.user_toggle, name="user_toggle"),
    path("manage/users/<int:pk>/reset/", views.user_reset, name="user_reset"),
    path("manage/users/<int:pk>/duties/", views.duty_request, name="duty_request"),
    path("manage/duties/", views.duty_grants, name="duty_grants"),
    path("manage/duties/<int:pk>/decide/", views.duty_grant_decide, name="duty_grant_decide"),
    path("manage/units/", views.unit_registrations, name="unit_registrations"),
    path("manage/units/<int:pk>/", views.unit_registration_detail, name="unit_registration_detail"),
]

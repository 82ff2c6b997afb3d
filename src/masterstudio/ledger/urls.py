from django.urls import path

from masterstudio.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.account_list, name="account_list"),
    path("expenses/", views.expense_list, name="expense_list"),
    path("assets/", views.asset_list, name="asset_list"),
    path("studio/<int:studio_pk>/open/", views.account_open, name="account_open"),
    path("<int:pk>/", views.account_detail, name="account_detail"),
    path("<int:pk>/income/", views.income_create, name="income_create"),
    path("<int:pk>/expense/", views.expense_create, name="expense_create"),
    path("<int:pk>/expense/check/", views.expense_check, name="expense_check"),
    path("<int:pk>/<str:what>/<int:entry_pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("vouchers/<int:pk>/", views.voucher_download, name="voucher_download"),
]

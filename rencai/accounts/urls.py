from django.urls import path

from rencai.accounts import otp_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("2fa/", otp_views.otp_manage, name="otp_manage"),
    path("2fa/verify/", otp_views.otp_verify, name="otp_verify"),
    path("2fa/enrol/", otp_views.otp_enrol, name="otp_enrol"),
    path("2fa/recovery-codes/", otp_views.otp_recovery_codes, name="otp_recovery_codes"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_reset_password, name="user_password"),
    path("users/<int:pk>/roles/", views.user_roles, name="user_roles"),
]

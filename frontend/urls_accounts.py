from django.urls import path

from frontend import account_views

app_name = "accounts"

urlpatterns = [
    path("login/", account_views.login, name="login"),
    path("login/verify/", account_views.login_verify, name="login-verify"),
    path("logout/", account_views.logout, name="logout"),
    path("password/", account_views.password_change, name="password-change"),
    path("two-factor/", account_views.two_factor, name="two-factor"),
    path("two-factor/remove/", account_views.two_factor_remove, name="two-factor-remove"),
]

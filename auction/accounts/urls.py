from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from auction.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", next_page=reverse_lazy("catalog:browse")),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page=reverse_lazy("catalog:browse")), name="logout"),
    path("account/", views.overview, name="overview"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password"),
    path("account/tokens/", views.token_create, name="token_create"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
]

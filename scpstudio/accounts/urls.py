"""The account page and its token forms, included at `accounts/` before Django's login
and logout."""

from django.urls import path

from scpstudio.accounts import views

urlpatterns = [
    path("", views.account, name="account"),
    path("tokens/", views.token_create, name="account-token-create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="account-token-revoke"),
]

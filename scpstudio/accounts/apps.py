from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People's accounts: API tokens, login throttling, and deleting a user explicitly."""

    name = "scpstudio.accounts"
    label = "accounts"

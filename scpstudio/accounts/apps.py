from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People's accounts: API tokens, login throttling, and deleting a user explicitly."""

    name = "scpstudio.accounts"
    label = "accounts"

    def ready(self) -> None:
        from scpstudio.accounts import schema  # noqa: F401  (registers the schema's schemes)

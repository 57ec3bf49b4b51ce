"""`manage.py create_token USERNAME [--name NAME]`: make an API token for provisioning a
script, and print its key (only this once; it is stored as a digest)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from scpstudio.accounts import services


class Command(BaseCommand):
    help = "Make an API token for a user and print its key (shown only this once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username", help="the account the token signs in as")
        parser.add_argument(
            "--name", default="Provisioned", help="what the token is for (default: Provisioned)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = get_user_model().objects.filter(username=username.replace("\x00", "")).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}: make the account first.")
        if not user.is_active:
            raise CommandError(f"The user {username!r} is disabled: a token would not sign in.")
        try:
            _, key = services.token_create(user=user, name=options["name"])
        except services.AccountInputError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(key)

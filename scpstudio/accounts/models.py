"""API tokens: a script's key to the REST API, one per purpose, revocable.

The key itself is shown once, when it is made, and never stored: the row keeps its
SHA-256 digest (the key is 256 random bits, so a plain hash is as strong as a slow one
and lets a request find its token with one indexed lookup) and a short visible prefix
that names the token in lists without revealing it.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

KEY_PREFIX = "scp_"  # says what the secret is when it turns up in a log or a paste


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=64, help_text="What the token is for, e.g. “CI lint”.")
    prefix = models.CharField(
        max_length=16, help_text="The key's first characters, to tell tokens apart."
    )
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"
        ordering = ["user", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="api_token_unique_name_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

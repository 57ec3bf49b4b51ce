"""Saved policies: a named policy of one owner, its numbered versions and its shares.

A version is written once and never changed: its document is the text exactly as the
author wrote it, so reopening it gives the same characters back, with the profile it was
checked under and what that check found. The policy row carries the number of its latest
version, which is also the lock a save checks (services.py); lists read the latest
version's figures through it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from scpstudio.engine.findings import Severity
from scpstudio.engine.profiles import DEFAULT_PROFILE, PROFILES

PROFILE_CHOICES = [(name, profile.label) for name, profile in PROFILES.items()]
# Who wrote a version whose author's account was deleted (their versions stay, unsigned).
DELETED_USER = "(deleted user)"


class WorstSeverity(models.TextChoices):
    """The worst finding of a version under its profile; empty when there is none."""

    NONE = "", "No findings"
    SUGGESTION = Severity.SUGGESTION.value, "Suggestion"
    WARNING = Severity.WARNING.value, "Warning"
    SECURITY_WARNING = Severity.SECURITY_WARNING.value, "Security warning"
    ERROR = Severity.ERROR.value, "Error"


class Policy(models.Model):
    # A user who owns policies is deleted only by saying what becomes of them
    # (scpstudio.accounts.services.user_delete): transferred, or deleted on purpose.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="policies"
    )
    name = models.CharField(max_length=64)
    description = models.CharField(max_length=512, blank=True)
    profile = models.CharField(max_length=16, choices=PROFILE_CHOICES, default=DEFAULT_PROFILE)
    # The latest version's number, and the lock a save checks. Its worst finding and size
    # are read from that version (selectors.visible_policies), never copied here.
    latest_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "policies"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="policy_unique_name_per_owner")
        ]
        indexes = [models.Index(fields=["owner", "-updated_at"], name="policy_owner_recent")]

    def __str__(self) -> str:
        return self.name


class ImmutableVersion(Exception):
    """Raised by any attempt to change a saved version."""


class VersionQuerySet(models.QuerySet["PolicyVersion"]):
    def update(self, **kwargs: Any) -> int:
        # The one change history takes: the author's account was deleted (SET_NULL).
        if kwargs != {"author": None}:
            raise ImmutableVersion("A saved version is never changed; save a new version instead.")
        return super().update(**kwargs)


class PolicyVersion(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="policy_versions",
    )
    created_at = models.DateTimeField(default=timezone.now)
    message = models.CharField(max_length=512, blank=True)
    document = models.TextField(help_text="The policy's JSON text exactly as written.")
    profile = models.CharField(max_length=16, choices=PROFILE_CHOICES, default=DEFAULT_PROFILE)
    worst_severity = models.CharField(
        max_length=16, choices=WorstSeverity.choices, blank=True, default=""
    )
    size = models.PositiveIntegerField(help_text="Characters of the text as written.")
    minified_size = models.PositiveIntegerField(
        null=True, blank=True, help_text="Characters once minified; empty when not JSON."
    )

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.policy} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Versions are history: a second save of the same row would rewrite it.
        if not self._state.adding:
            raise ImmutableVersion("A saved version is never changed; save a new version instead.")
        super().save(*args, **kwargs)

    @property
    def author_name(self) -> str:
        return self.author.get_username() if self.author is not None else DELETED_USER


class PolicyShare(models.Model):
    """Another user may read the policy, and with `can_edit` save new versions of it."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_shares"
    )
    can_edit = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["policy", "user"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "user"], name="policy_share_unique")
        ]

    def __str__(self) -> str:
        access = "edit" if self.can_edit else "read"
        return f"{self.policy} shared with {self.user} ({access})"

"""The policy library in the admin: policies with their shares, deleted after a
confirmation that counts their versions; versions read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from scpstudio.policies.models import Policy, PolicyShare, PolicyVersion, WorstSeverity
from scpstudio.policies.selectors import policy_weights, with_latest_figures
from scpstudio.policies.usage import policy_uses


class ReadOnlyVersionInline(admin.TabularInline):
    model = PolicyVersion
    extra = 0
    fields = ["number", "author", "created_at", "message", "worst_severity", "size"]
    readonly_fields = fields
    show_change_link = True
    ordering = ["-number"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ShareInline(admin.TabularInline):
    model = PolicyShare
    extra = 0
    fields = ["user", "can_edit", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["user"]


class LatestSeverityFilter(admin.SimpleListFilter):
    """The worst finding of the latest version (read from it, as lists do)."""

    title = "worst finding"
    parameter_name = "worst_severity"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value or "none", label) for value, label in WorstSeverity.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Policy]) -> QuerySet[Policy]:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(worst_severity="" if value == "none" else value)


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    """Policies are written through the library (its versions and checks); the admin
    shows them, manages shares and deletes."""

    list_display = ["name", "owner", "profile", "latest_version", "severity", "updated_at"]
    list_filter = ["profile", LatestSeverityFilter]
    search_fields = ["name", "description", "owner__username"]
    readonly_fields = [
        "owner",
        "name",
        "description",
        "profile",
        "latest_version",
        "severity",
        "size",
        "created_at",
        "updated_at",
    ]
    inlines = [ShareInline, ReadOnlyVersionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Policy]:
        return with_latest_figures(super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, ...]:
        """A policy goes with its versions and shares: the confirmation counts them (and
        names who else wrote versions) rather than listing every version, and deleting the
        policy needs no permission on versions, which are otherwise never deleted."""
        weights = policy_weights([p.pk for p in objs])
        said = [
            f"Policy “{w.policy.name}” of {w.policy.owner.get_username()}: "
            f"{_count(w.versions, 'version')}"
            + (f", {w.others_versions} of them saved by other people" if w.others_versions else "")
            + (f"; shared {_count(w.shares, 'time')}" if w.shares else "")
            for w in weights
        ]
        model_count = {
            "policies": len(weights),
            "policy versions": sum(w.versions for w in weights),
            "policy shares": sum(w.shares for w in weights),
        }
        # a policy attached in the organization is protected: the page says where
        protected = [
            f"{w.policy.name} is attached to {use.where} ({use.how})"
            for w in weights
            for use in policy_uses(w.policy)
        ]
        return said, {k: v for k, v in model_count.items() if v}, set(), protected

    @admin.display(description="worst finding", ordering="worst_severity")
    def severity(self, obj: Policy) -> str:
        return str(WorstSeverity(obj.worst_severity).label)  # type: ignore[attr-defined]

    @admin.display(description="characters of the latest text")
    def size(self, obj: Policy) -> int:
        return int(obj.size)  # type: ignore[attr-defined]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """History: shown, never changed."""

    list_display = ["policy", "number", "author", "created_at", "worst_severity", "size"]
    list_filter = ["worst_severity", "profile"]
    search_fields = ["policy__name", "message"]
    readonly_fields = [
        "policy",
        "number",
        "author",
        "created_at",
        "message",
        "profile",
        "worst_severity",
        "size",
        "minified_size",
        "document",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"

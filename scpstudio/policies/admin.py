"""The policy library in the admin: policies with their shares; versions read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from scpstudio.policies.models import Policy, PolicyShare, PolicyVersion, WorstSeverity
from scpstudio.policies.selectors import with_latest_figures


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

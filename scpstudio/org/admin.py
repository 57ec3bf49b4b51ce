"""The organization in the admin: shown, not changed here (the organization's pages and
API check the tree's rules and quotas). Who may change it is granted on the user's page:
the permission "Can change the organization"."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from scpstudio.org.models import Attachment, Node, PolicyHuaweiId


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ["policy", "version", "builtin", "attached_by", "created_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Node)
class NodeAdmin(_ReadOnly):
    list_display = ["name", "kind", "huawei_id", "parent", "management", "attached"]
    list_filter = ["kind", "management"]
    search_fields = ["name", "huawei_id"]
    inlines = [AttachmentInline]

    @admin.display(description="SCPs attached")
    def attached(self, obj: Node) -> str:
        return ", ".join(a.policy_name for a in obj.attachments.select_related("policy"))


@admin.register(PolicyHuaweiId)
class PolicyHuaweiIdAdmin(_ReadOnly):
    list_display = ["policy", "huawei_id"]
    search_fields = ["huawei_id", "policy__name"]

"""The organization in the admin: shown, not changed here (the organization's pages and
API check the tree's rules and quotas), and imported from Huawei (`admin_import`: a button
on the list and an action). Who may change it is granted on the user's page: the
permission "Can change the organization"."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path

from scpstudio.org import admin_import
from scpstudio.org.models import Attachment, Node, PolicyHuaweiId
from scpstudio.org.selectors import can_change_org


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
    actions = ["import_from_huawei"]

    @admin.display(description="SCPs attached")
    def attached(self, obj: Node) -> str:
        return ", ".join(a.policy_name for a in obj.attachments.select_related("policy"))

    def get_urls(self):  # type: ignore[no-untyped-def]
        view = self.admin_site.admin_view(admin_import.import_view)
        return [path("import/", view, name="org_import"), *super().get_urls()]

    def has_import_permission(self, request: HttpRequest) -> bool:
        return can_change_org(request.user)

    @admin.action(
        description="Import the organization from Huawei (dry run first)",
        permissions=["import"],
    )
    def import_from_huawei(self, request: HttpRequest, queryset: Any) -> HttpResponse:
        return redirect("admin:org_import")

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # the import concerns the whole organization: no node needs to be ticked for it
        asked = request.method == "POST" and request.POST.get("action") == "import_from_huawei"
        if asked and self.has_import_permission(request):
            return redirect("admin:org_import")
        return super().changelist_view(request, extra_context)


@admin.register(PolicyHuaweiId)
class PolicyHuaweiIdAdmin(_ReadOnly):
    list_display = ["policy", "huawei_id"]
    search_fields = ["huawei_id", "policy__name"]

"""The catalog maintainer's tools: lists, inlines, the health report and the import page."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest
from django.urls import path

from catalog import admin_sync, admin_views
from catalog.models import (
    Action,
    ActionConditionKey,
    ActionResourceType,
    Api,
    ApiAction,
    ConditionKey,
    Dependency,
    Operation,
    Region,
    ResourceType,
    Service,
)


class ResourceTypeInline(admin.TabularInline):
    model = ResourceType
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "scp_governed", "updated_on", "action_count", "source"]
    list_filter = ["scp_governed"]
    search_fields = ["prefix", "name"]
    inlines = [ResourceTypeInline]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).annotate(n_actions=Count("actions"))

    @admin.display(description="actions", ordering="n_actions")
    def action_count(self, obj: Service) -> int:
        return obj.n_actions  # type: ignore[attr-defined,no-any-return]

    def get_urls(self):  # type: ignore[no-untyped-def]
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(admin_views.import_view),
                name="catalog_import",
            ),
            path(
                "sync/",
                self.admin_site.admin_view(admin_sync.sync_view),
                name="catalog_sync",
            ),
            path(
                "health/",
                self.admin_site.admin_view(admin_views.health_view),
                name="catalog_health",
            ),
        ]
        return extra + super().get_urls()


@admin.register(ResourceType)
class ResourceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "urn_pattern"]
    list_filter = ["service"]
    search_fields = ["name", "urn_pattern"]


class ActionResourceTypeInline(admin.TabularInline):
    model = ActionResourceType
    extra = 0
    autocomplete_fields = ["resource_type"]


class ActionConditionKeyInline(admin.TabularInline):
    model = ActionConditionKey
    extra = 0
    fields = ["key_name", "key", "position"]
    readonly_fields = ["key"]


class DependencyInline(admin.TabularInline):
    model = Dependency
    fk_name = "action"
    extra = 0
    fields = ["target_name", "target", "position"]
    readonly_fields = ["target"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "access_level", "permission_only", "resource_type_list"]
    list_filter = ["service", "access_level", "permission_only", "resource_types"]
    search_fields = ["name", "description"]
    inlines = [ActionResourceTypeInline, ActionConditionKeyInline, DependencyInline]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return (
            super()
            .get_queryset(request)
            .select_related("service")
            .prefetch_related("resource_links__resource_type")
        )

    @admin.display(description="resource types")
    def resource_type_list(self, obj: Action) -> str:
        links = obj.resource_links.all()
        return (
            ", ".join(f"{x.resource_type.name}{' *' if x.required else ''}" for x in links) or "-"
        )


class ScopeFilter(admin.SimpleListFilter):
    title = "scope"
    parameter_name = "scope"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("global", "Global (g:)"), ("service", "Service-specific")]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        if self.value() == "global":
            return queryset.filter(service__isnull=True)
        if self.value() == "service":
            return queryset.filter(service__isnull=False)
        return queryset


@admin.register(ConditionKey)
class ConditionKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "scope", "value_type", "multivalued", "request_wide", "confirmed"]
    list_filter = [ScopeFilter, "service", "value_type", "multivalued", "request_wide"]
    search_fields = ["name", "description"]

    @admin.display(description="scope")
    def scope(self, obj: ConditionKey) -> str:
        return "global" if obj.is_global else obj.service.prefix  # type: ignore[union-attr]


class ApiActionInline(admin.TabularInline):
    model = ApiAction
    extra = 0
    fields = ["action_name", "action", "note", "conditional"]
    readonly_fields = ["action"]


@admin.register(Api)
class ApiAdmin(admin.ModelAdmin):
    list_display = ["__str__", "service", "method", "path"]
    list_filter = ["service", "method"]
    search_fields = ["path", "action_links__action_name"]
    inlines = [ApiActionInline]


@admin.register(Dependency)
class DependencyAdmin(admin.ModelAdmin):
    list_display = ["action", "target_name", "defined"]
    list_filter = ["action__service"]
    search_fields = ["action__name", "target_name"]

    @admin.display(boolean=True, description="defined in the catalog")
    def defined(self, obj: Dependency) -> bool:
        return obj.target_id is not None


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    """APIs known by operation id (IAM's schema); their method and path come from the page."""

    list_display = ["operation_id", "service", "action_name", "defined"]
    list_filter = ["service"]
    search_fields = ["operation_id", "action_name"]
    readonly_fields = ["action"]

    @admin.display(boolean=True, description="action in the catalog")
    def defined(self, obj: Operation) -> bool:
        return obj.action_id is not None


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """The regions URNs may name: validation warns about a region not listed here."""

    list_display = ["region_id", "name"]
    search_fields = ["region_id", "name"]

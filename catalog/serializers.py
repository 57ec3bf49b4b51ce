"""The catalog API's shapes: query filters in, JSON out. Reads happen in the views' selectors;
these classes only validate query parameters and rename fields."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import (
    AccessLevel,
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
from catalog.selectors import ActionParts, apis_needing_action
from scpstudio.engine.api_needs import HOW, ApiNeed
from scpstudio.engine.catalog import Catalog
from scpstudio.rest.fields import ChoiceOf, SearchTextField

SCOPES = ("global", "service")
# Names a URL holds as they are (unreserved characters and ":"), and a stand-in for one.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9:_.~-]+")
_URL_SLOT = "ACTION-NAME-SLOT"


def _choice(choices: list[str] | tuple[str, ...], what: str) -> serializers.Field:
    """An optional enumerated filter whose error names every value it accepts."""
    return ChoiceOf(choices, what, required=False)


def _name(help_text: str) -> serializers.Field:
    # Names and search text are short; a long one is refused before it reaches the LIKE.
    return SearchTextField(max_length=200, help_text=help_text)


# -- filters (query parameters) -------------------------------------------------------------


class ServiceFilterSerializer(serializers.Serializer):
    service = _name("Service prefix, e.g. `ims`.")


class ActionFilterSerializer(ServiceFilterSerializer):
    access_level = _choice(AccessLevel.values, "an access level")
    resource_type = _name("Resource type name, e.g. `image`.")
    condition_key = _name("Condition key name, case-insensitive, e.g. `g:TagKeys`.")
    q = _name("Text in the action's name or description, case-insensitive.")


class ConditionKeyFilterSerializer(ServiceFilterSerializer):
    scope = _choice(SCOPES, "a key scope")


class ApiFilterSerializer(ServiceFilterSerializer):
    action = _name(
        "An action's exact name (any case), e.g. `ims:images:get`: only the APIs that need it, "
        "directly, through a dependency or in a named situation; each then says how in `need`."
    )
    via = _choice(HOW, "a way an API needs an action")

    def validate_action(self, value: str) -> str:
        if "*" in value or "?" in value:
            raise serializers.ValidationError(
                "action takes one action's exact name, not a pattern with * or ?."
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("via") and not attrs.get("action"):
            raise serializers.ValidationError(
                {"via": ["via narrows the APIs needing an action: give action too."]}
            )
        return attrs


# -- output -----------------------------------------------------------------------------------


class ScopeField(serializers.ChoiceField):
    """`global` for `g:` keys, `service` for a service's own keys."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(choices=SCOPES, read_only=True, source="*", **kwargs)

    def to_representation(self, value: ConditionKey | ActionConditionKey) -> str:
        if isinstance(value, ActionConditionKey):
            if value.key is None:  # not in the catalog: only its name tells
                return "global" if value.key_name.startswith("g:") else "service"
            value = value.key
        return "global" if value.is_global else "service"


class ServiceSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="catalog-api:service", lookup_field="prefix"
    )
    action_count = serializers.IntegerField(read_only=True)
    api_count = serializers.IntegerField(read_only=True)
    resource_type_count = serializers.IntegerField(read_only=True)
    condition_key_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Service
        fields = [
            "prefix",
            "name",
            "url",
            "source",
            "updated_on",
            "scp_governed",
            "schema_version",
            "action_count",
            "api_count",
            "resource_type_count",
            "condition_key_count",
        ]


class ServiceResourceTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResourceType
        fields = ["name", "urn_pattern"]


class ServiceConditionKeySerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="value_type")

    class Meta:
        model = ConditionKey
        fields = ["name", "type", "multivalued", "description"]


class ServiceDetailSerializer(ServiceSerializer):
    resource_types = ServiceResourceTypeSerializer(many=True, read_only=True)
    condition_keys = ServiceConditionKeySerializer(many=True, read_only=True)

    class Meta(ServiceSerializer.Meta):
        fields = [*ServiceSerializer.Meta.fields, "resource_types", "condition_keys"]


class ActionResourceTypeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="resource_type.name")
    urn_pattern = serializers.CharField(source="resource_type.urn_pattern")

    class Meta:
        model = ActionResourceType
        fields = ["name", "required", "urn_pattern", "condition_keys"]


class ActionConditionKeySerializer(serializers.ModelSerializer):
    """A key an action lists; type and multivalued are null when the catalog lacks the key."""

    name = serializers.CharField(source="key_name")
    type = serializers.CharField(source="key.value_type", allow_null=True)
    multivalued = serializers.BooleanField(source="key.multivalued", allow_null=True)
    scope = ScopeField()
    defined = serializers.SerializerMethodField()

    class Meta:
        model = ActionConditionKey
        fields = ["name", "type", "multivalued", "scope", "defined"]

    def get_defined(self, link: ActionConditionKey) -> bool:
        return link.key_id is not None


class DependencySerializer(serializers.ModelSerializer):
    """An action another one needs; `defined` is false when it is not in the catalog."""

    name = serializers.CharField(source="target_name")
    defined = serializers.SerializerMethodField()

    class Meta:
        model = Dependency
        fields = ["name", "defined"]

    def get_defined(self, dependency: Dependency) -> bool:
        return dependency.target_id is not None


class ApiNeedSerializer(serializers.Serializer):
    """An API that needs an action, and how (the same answer as the action page and the
    preview): `direct`, `dependency` (of the action `dependency_of` names) or `situation`
    (only in the situations the catalog names)."""

    method = serializers.CharField()
    path = serializers.CharField()
    service = serializers.CharField()
    how = serializers.ChoiceField(choices=HOW)
    dependency_of = serializers.CharField(allow_null=True)
    situations = serializers.ListField(child=serializers.CharField())
    operation_ids = serializers.ListField(
        child=serializers.CharField(),
        help_text="The API's operation ids (IAM's schema); an API known only by its id has "
        "an empty method and path.",
    )


def _needs_context(serializer: serializers.Serializer) -> Catalog | None:
    """The snapshot the view put in the context, so a page of actions asks for it once."""
    catalog = serializer.context.get("catalog")
    return catalog if isinstance(catalog, Catalog) else None


class ActionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="catalog-api:action", lookup_field="name")
    service = serializers.CharField(source="service.prefix")
    resource_types = ActionResourceTypeSerializer(source="resource_links", many=True)
    condition_keys = ActionConditionKeySerializer(source="key_links", many=True)
    dependencies = DependencySerializer(many=True)
    operations = serializers.SerializerMethodField(
        help_text="The operation ids (IAM's schema) of the APIs whose own action this is."
    )
    apis = serializers.SerializerMethodField(
        help_text="Every API that needs the action: directly, through a dependency, or only "
        "in a situation the catalog names."
    )

    class Meta:
        model = Action
        fields = [
            "name",
            "url",
            "service",
            "access_level",
            "description",
            "permission_only",
            "aliases",
            "resource_types",
            "condition_keys",
            "dependencies",
            "operations",
            "apis",
        ]

    def get_operations(self, action: Action) -> list[str]:
        found = getattr(action, "operation_list", None)  # prefetched by the list's selector
        ops = found if found is not None else action.operations.order_by("operation_id")
        return [op.operation_id for op in ops]

    @extend_schema_field(ApiNeedSerializer(many=True))
    def get_apis(self, action: Action) -> Any:
        needs = apis_needing_action(action=action.name, catalog=_needs_context(self))
        return [self._need.to_representation(need) for need in needs]

    @cached_property
    def _need(self) -> ApiNeedSerializer:
        # One for the whole list (a list's actions share this serializer): building a
        # serializer per action copies its fields each time, a third of a page's time.
        return ApiNeedSerializer()

    def _url(self, action: Action) -> str:
        """The `url` field's answer: reversing once per page, not once per action (a
        third of a page's time), for a name that no URL quoting changes."""
        if not _PLAIN_NAME.fullmatch(action.name):
            return str(self.fields["url"].to_representation(action))
        head, tail = self._url_around
        return f"{head}{action.name}{tail}"

    @cached_property
    def _url_around(self) -> tuple[str, str]:
        url = str(self.fields["url"].to_representation(Action(pk=0, name=_URL_SLOT)))
        head, _, tail = url.rpartition(_URL_SLOT)
        return head, tail

    def to_representation(self, action: Action) -> Any:
        """The fields declared above, written directly when a list read the action's parts
        as rows (`with_action_parts`): a page of 200 actions through the nested serializers
        took most of its time. Tests hold the two writings equal."""
        parts: ActionParts | None = getattr(action, "parts", None)
        if parts is None:
            return super().to_representation(action)
        return {
            "name": action.name,
            "url": self._url(action),
            "service": action.service.prefix,
            "access_level": action.access_level,
            "description": action.description,
            "permission_only": action.permission_only,
            "aliases": action.aliases,
            "resource_types": [
                {"name": n, "required": r, "urn_pattern": u, "condition_keys": k}
                for n, r, u, k in parts.resource_types
            ],
            "condition_keys": [
                {
                    "name": n,
                    "type": t,
                    "multivalued": m,
                    "scope": "global" if g else "service",
                    "defined": d,
                }
                for n, d, t, m, g in parts.condition_keys
            ],
            "dependencies": [{"name": n, "defined": d} for n, d in parts.dependencies],
            "operations": parts.operation_ids,
            "apis": [
                {
                    "method": need.method,
                    "path": need.path,
                    "service": need.service,
                    "how": need.how,
                    "dependency_of": need.dependency_of,
                    "situations": list(need.situations),
                    "operation_ids": list(need.operation_ids),
                }
                for need in apis_needing_action(action=action.name, catalog=_needs_context(self))
            ],
        }


class ResourceTypeActionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="action.name")

    class Meta:
        model = ActionResourceType
        fields = ["name", "required"]


class ResourceTypeSerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="service.prefix")
    actions = ResourceTypeActionSerializer(source="actionresourcetype_set", many=True)

    class Meta:
        model = ResourceType
        fields = ["name", "service", "urn_pattern", "actions"]


class ConditionKeySerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="service.prefix", allow_null=True)
    scope = ScopeField()
    type = serializers.CharField(source="value_type")
    templated = serializers.BooleanField(read_only=True)
    action_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ConditionKey
        fields = [
            "name",
            "service",
            "scope",
            "type",
            "multivalued",
            "request_wide",
            "confirmed",
            "templated",
            "description",
            "action_count",
        ]


class ApiActionSerializer(serializers.ModelSerializer):
    """One action an API needs; `conditional` links hold only in the situation `note` names."""

    name = serializers.CharField(source="action_name")
    defined = serializers.SerializerMethodField()
    dependencies = serializers.SerializerMethodField()

    class Meta:
        model = ApiAction
        fields = ["name", "defined", "note", "conditional", "dependencies"]

    def get_defined(self, link: ApiAction) -> bool:
        return link.action_id is not None

    @extend_schema_field(DependencySerializer(many=True))
    def get_dependencies(self, link: ApiAction) -> list[object]:
        if link.action is None:
            return []
        return DependencySerializer(link.action.dependencies.all(), many=True).data


class NeedSerializer(serializers.Serializer):
    """How an API needs the action of the `action` filter."""

    how = serializers.ChoiceField(choices=HOW)
    dependency_of = serializers.CharField(allow_null=True)
    situations = serializers.ListField(child=serializers.CharField())


class ApiSerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="service.prefix")
    actions = ApiActionSerializer(source="action_links", many=True)
    need = serializers.SerializerMethodField(
        help_text="With the `action` filter: how this API needs that action; null without it."
    )

    class Meta:
        model = Api
        fields = ["method", "path", "service", "actions", "need"]

    @extend_schema_field(NeedSerializer(allow_null=True))
    def get_need(self, api: Api) -> Any:
        need: ApiNeed | None = self.context.get("needs", {}).get((api.method.upper(), api.path))
        return None if need is None else NeedSerializer(need).data


class OperationSerializer(serializers.ModelSerializer):
    """An API known by operation id (IAM's schema), with its method and path when a page
    API needs the same action (empty lists when none does)."""

    service = serializers.CharField(source="service.prefix")
    action = serializers.CharField(source="action_name")
    apis = serializers.SerializerMethodField()

    class Meta:
        model = Operation
        fields = ["operation_id", "service", "action", "dependent_actions", "apis"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_apis(self, op: Operation) -> list[str]:
        if op.action is None:
            return []
        return sorted(
            f"{link.api.method} {link.api.path}"
            for link in op.action.api_links.all()
            if not link.conditional
        )


class RegionSerializer(serializers.ModelSerializer):
    """A region a URN may name: `id` as URNs write it (`cn-north-4`), `name` as shown."""

    id = serializers.CharField(source="region_id")

    class Meta:
        model = Region
        fields = ["id", "name"]

"""The read-only catalog REST API: one small view per endpoint.

Each list validates its query parameters with a filter serializer (a bad value answers 400
naming the parameter), hands them to a selector, and is paginated by the project default
(limit/offset, so every list carries `count`). The selectors prefetch everything a
representation shows, so a page costs a fixed number of queries whatever its length.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

from catalog.models import (
    Action,
    Api,
    ConditionKey,
    Operation,
    Region,
    ResourceType,
    Service,
)
from catalog.selectors import (
    Filters,
    action_list,
    api_list,
    apis_needing_action,
    condition_key_list,
    operation_list,
    region_list,
    resource_type_list,
    service_detail_list,
    service_list,
)
from catalog.serializers import (
    ActionFilterSerializer,
    ActionSerializer,
    ApiFilterSerializer,
    ApiSerializer,
    ConditionKeyFilterSerializer,
    ConditionKeySerializer,
    OperationSerializer,
    RegionSerializer,
    ResourceTypeSerializer,
    ServiceDetailSerializer,
    ServiceFilterSerializer,
    ServiceSerializer,
)
from catalog.snapshot import catalog_snapshot

# -- paging ------------------------------------------------------------------------------------

MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000


class CatalogPagination(LimitOffsetPagination):
    """Limit/offset paging that answers 400 for a value out of range instead of guessing.

    DRF's own falls back to the default on a value it cannot read, and passes a limit past
    the database's integers on to the query (a 500).
    """

    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int | None:
        return _whole(request, self.limit_query_param, 1, MAX_LIMIT, self.default_limit)

    def get_offset(self, request: Request) -> int:
        return _whole(request, self.offset_query_param, 0, MAX_OFFSET, 0) or 0


def _whole(request: Request, name: str, low: int, high: int, default: int | None) -> int | None:
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    if raw.isascii() and raw.isdigit() and len(raw) <= len(str(high)) and low <= int(raw) <= high:
        return int(raw)
    shown = repr(raw[:40]) + ("..." if len(raw) > 40 else "")
    raise ValidationError(
        {name: [f"{name} must be a whole number from {low} to {high}, not {shown}."]}
    )


# -- views -------------------------------------------------------------------------------------


def _filters(serializer_class: type[serializers.Serializer], request: Request) -> Filters:
    """The request's query parameters, validated: a bad value answers 400 naming it."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema(parameters=[ServiceFilterSerializer])
class ServiceListApi(generics.ListAPIView):
    """Services, with how many actions, APIs, resource types and keys each has."""

    pagination_class = CatalogPagination
    serializer_class = ServiceSerializer

    def get_queryset(self) -> QuerySet[Service]:
        return service_list(filters=_filters(ServiceFilterSerializer, self.request))


class ServiceDetailApi(generics.RetrieveAPIView):
    """One service by prefix, with its resource types and its own condition keys."""

    serializer_class = ServiceDetailSerializer
    lookup_field = "prefix"

    def get_queryset(self) -> QuerySet[Service]:
        return service_detail_list()


@extend_schema(parameters=[ActionFilterSerializer])
class ActionListApi(generics.ListAPIView):
    """Actions with their resource types, condition keys, dependencies and the APIs that need
    them (directly, through a dependency, or only in a named situation)."""

    pagination_class = CatalogPagination
    serializer_class = ActionSerializer

    def get_queryset(self) -> QuerySet[Action]:
        return action_list(filters=_filters(ActionFilterSerializer, self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "catalog": catalog_snapshot()}


class ActionDetailApi(generics.RetrieveAPIView):
    """One action by its full name, e.g. `ims:images:get`."""

    serializer_class = ActionSerializer
    lookup_field = "name"

    def get_queryset(self) -> QuerySet[Action]:
        return action_list(filters={})


@extend_schema(parameters=[ServiceFilterSerializer])
class ResourceTypeListApi(generics.ListAPIView):
    """Resource types with their URN pattern and the actions that take them."""

    pagination_class = CatalogPagination
    serializer_class = ResourceTypeSerializer

    def get_queryset(self) -> QuerySet[ResourceType]:
        return resource_type_list(filters=_filters(ServiceFilterSerializer, self.request))


@extend_schema(parameters=[ConditionKeyFilterSerializer])
class ConditionKeyListApi(generics.ListAPIView):
    """Condition keys: global (`g:`) ones and each service's own."""

    pagination_class = CatalogPagination
    serializer_class = ConditionKeySerializer

    def get_queryset(self) -> QuerySet[ConditionKey]:
        return condition_key_list(filters=_filters(ConditionKeyFilterSerializer, self.request))


@extend_schema(parameters=[ApiFilterSerializer])
class ApiListApi(generics.ListAPIView):
    """Each API (method and path) once, with the actions it needs and their dependencies.

    With `action`, only the APIs that need that action, each saying how in `need`: the same
    set as the action's own `apis` and its catalog page; `via` keeps one way.
    """

    pagination_class = CatalogPagination
    serializer_class = ApiSerializer

    def get_queryset(self) -> QuerySet[Api]:
        return api_list(filters=self._filters)

    def get_serializer_context(self) -> dict[str, Any]:
        needs = ()
        if self._filters.get("action"):
            needs = apis_needing_action(action=self._filters["action"])
        return {**super().get_serializer_context(), "needs": {(n.method, n.path): n for n in needs}}

    @cached_property
    def _filters(self) -> Filters:
        return _filters(ApiFilterSerializer, self.request)


class RegionListApi(generics.ListAPIView):
    """The regions URNs may name (`ims:<region>:...`), sorted by id; the URN builder offers them."""

    pagination_class = CatalogPagination
    serializer_class = RegionSerializer

    def get_queryset(self) -> QuerySet[Region]:
        return region_list()


@extend_schema(parameters=[ServiceFilterSerializer])
class OperationListApi(generics.ListAPIView):
    """APIs known by operation id (IAM's authorization schema): the action each needs, its
    dependent actions, and the method and path of the page APIs that need the same action."""

    pagination_class = CatalogPagination
    serializer_class = OperationSerializer

    def get_queryset(self) -> QuerySet[Operation]:
        return operation_list(filters=_filters(ServiceFilterSerializer, self.request))

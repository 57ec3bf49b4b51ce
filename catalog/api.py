"""The read-only catalog REST API: one small view per endpoint.

Each list validates its query parameters with a filter serializer (a bad value answers 400
naming the parameter), hands them to a selector, and is paged by limit/offset (every list
carries `count`). The selectors prefetch everything a representation shows, so a page
costs a fixed number of queries whatever its length. Answers are JSON whatever Accept or
a `format` parameter ask, and errors are the API's one shape (`scpstudio.rest.errors`).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound

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
    action_page,
    api_list,
    apis_needing_action,
    condition_key_list,
    operation_list,
    region_list,
    resource_type_list,
    service_detail_list,
    service_list,
    with_action_parts,
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
from scpstudio.rest.bodies import JsonApi, read_query
from scpstudio.rest.errors import error_responses
from scpstudio.rest.paging import ListPagination

# -- views -------------------------------------------------------------------------------------


def _filters(serializer_class: type[serializers.Serializer], request: Any) -> Filters:
    """The request's query parameters, validated: a bad value answers 400 naming it."""
    return read_query(request, serializer_class)


def _list(answer: type[serializers.Serializer], filters: Any = None) -> Any:
    """What the schema says of a list: its filters, its page, and 400 for a bad filter
    or paging value."""
    return extend_schema(
        parameters=[filters] if filters is not None else None,
        responses={200: answer(many=True), **error_responses(400, 401, 429)},
    )


def _one(answer: type[serializers.Serializer]) -> Any:
    return extend_schema(responses={200: answer, **error_responses(401, 404, 429)})


class CatalogList(JsonApi, generics.ListAPIView):
    pagination_class = ListPagination


class CatalogItem(JsonApi, generics.RetrieveAPIView):
    what = "item"  # "action with that name": what a 404 says there is none of

    def get_object(self) -> Any:
        if "\x00" in str(self.kwargs.get(self.lookup_field, "")):  # PostgreSQL refuses NUL
            raise NotFound(f"There is no {self.what}.")
        try:
            return super().get_object()
        except Http404 as exc:
            raise NotFound(f"There is no {self.what}.") from exc


@_list(ServiceSerializer, ServiceFilterSerializer)
class ServiceListApi(CatalogList):
    """Services, with how many actions, APIs, resource types and keys each has."""

    serializer_class = ServiceSerializer

    def get_queryset(self) -> QuerySet[Service]:
        return service_list(filters=_filters(ServiceFilterSerializer, self.request))


@_one(ServiceDetailSerializer)
class ServiceDetailApi(CatalogItem):
    """One service by prefix, with its resource types and its own condition keys."""

    serializer_class = ServiceDetailSerializer
    lookup_field = "prefix"
    what = "service with that prefix"

    def get_queryset(self) -> QuerySet[Service]:
        return service_detail_list()


@_list(ActionSerializer, ActionFilterSerializer)
class ActionListApi(CatalogList):
    """Actions with their resource types, condition keys, dependencies and the APIs that need
    them (directly, through a dependency, or only in a named situation)."""

    serializer_class = ActionSerializer

    def get_queryset(self) -> QuerySet[Action]:
        return action_page(filters=_filters(ActionFilterSerializer, self.request))

    def paginate_queryset(self, queryset: QuerySet[Action]) -> list[Action] | None:
        # the page's parts read as rows, for the page only (see ActionParts)
        page = super().paginate_queryset(queryset)
        return with_action_parts(list(page)) if page is not None else None

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "catalog": catalog_snapshot()}


@_one(ActionSerializer)
class ActionDetailApi(CatalogItem):
    """One action by its full name, e.g. `ims:images:get`."""

    serializer_class = ActionSerializer
    lookup_field = "name"
    what = "action with that name"

    def get_queryset(self) -> QuerySet[Action]:
        if "\x00" in str(self.kwargs.get(self.lookup_field, "")):
            # no name holds one, and PostgreSQL refuses to compare with it: not found
            return Action.objects.none()
        return action_list(filters={})


@_list(ResourceTypeSerializer, ServiceFilterSerializer)
class ResourceTypeListApi(CatalogList):
    """Resource types with their URN pattern and the actions that take them."""

    serializer_class = ResourceTypeSerializer

    def get_queryset(self) -> QuerySet[ResourceType]:
        return resource_type_list(filters=_filters(ServiceFilterSerializer, self.request))


@_list(ConditionKeySerializer, ConditionKeyFilterSerializer)
class ConditionKeyListApi(CatalogList):
    """Condition keys: global (`g:`) ones and each service's own."""

    serializer_class = ConditionKeySerializer

    def get_queryset(self) -> QuerySet[ConditionKey]:
        return condition_key_list(filters=_filters(ConditionKeyFilterSerializer, self.request))


@_list(ApiSerializer, ApiFilterSerializer)
class ApiListApi(CatalogList):
    """Each API (method and path) once, with the actions it needs and their dependencies.

    With `action`, only the APIs that need that action, each saying how in `need`: the same
    set as the action's own `apis` and its catalog page; `via` keeps one way.
    """

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


@_list(RegionSerializer)
class RegionListApi(CatalogList):
    """The regions URNs may name (`ims:<region>:...`), sorted by id; the URN builder offers them."""

    serializer_class = RegionSerializer

    def get_queryset(self) -> QuerySet[Region]:
        return region_list()


@_list(OperationSerializer, ServiceFilterSerializer)
class OperationListApi(CatalogList):
    """APIs known by operation id (IAM's authorization schema): the action each needs, its
    dependent actions, and the method and path of the page APIs that need the same action."""

    serializer_class = OperationSerializer

    def get_queryset(self) -> QuerySet[Operation]:
        return operation_list(filters=_filters(ServiceFilterSerializer, self.request))

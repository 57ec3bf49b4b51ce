"""The read-only catalog REST API: one small view per endpoint.

Each list validates its query parameters with a filter serializer (a bad value answers 400
naming the parameter), hands them to a selector, and is paginated by the project default
(limit/offset, so every list carries `count`). The selectors prefetch everything a
representation shows, so a page costs a fixed number of queries whatever its length.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request

from catalog.models import (
    Action,
    Api,
    ConditionKey,
    ResourceType,
    Service,
)
from catalog.selectors import (
    Filters,
    action_list,
    api_list,
    condition_key_list,
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
    ResourceTypeSerializer,
    ServiceDetailSerializer,
    ServiceFilterSerializer,
    ServiceSerializer,
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
    """Actions with their resource types, condition keys, dependencies and APIs."""

    serializer_class = ActionSerializer

    def get_queryset(self) -> QuerySet[Action]:
        return action_list(filters=_filters(ActionFilterSerializer, self.request))


class ActionDetailApi(generics.RetrieveAPIView):
    """One action by its full name, e.g. `ims:images:get`."""

    serializer_class = ActionSerializer
    lookup_field = "name"

    def get_queryset(self) -> QuerySet[Action]:
        return action_list(filters={})


@extend_schema(parameters=[ServiceFilterSerializer])
class ResourceTypeListApi(generics.ListAPIView):
    """Resource types with their URN pattern and the actions that take them."""

    serializer_class = ResourceTypeSerializer

    def get_queryset(self) -> QuerySet[ResourceType]:
        return resource_type_list(filters=_filters(ServiceFilterSerializer, self.request))


@extend_schema(parameters=[ConditionKeyFilterSerializer])
class ConditionKeyListApi(generics.ListAPIView):
    """Condition keys: global (`g:`) ones and each service's own."""

    serializer_class = ConditionKeySerializer

    def get_queryset(self) -> QuerySet[ConditionKey]:
        return condition_key_list(filters=_filters(ConditionKeyFilterSerializer, self.request))


@extend_schema(parameters=[ApiFilterSerializer])
class ApiListApi(generics.ListAPIView):
    """Each API (method and path) once, with the actions it needs and their dependencies."""

    serializer_class = ApiSerializer

    def get_queryset(self) -> QuerySet[Api]:
        return api_list(filters=_filters(ApiFilterSerializer, self.request))

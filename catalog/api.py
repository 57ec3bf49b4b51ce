"""The read-only catalog REST API: one small view per endpoint.

Each list validates its query parameters with a filter serializer (a bad value answers 400
naming the parameter), hands them to a selector, and is paginated by the project default
(limit/offset, so every list carries `count`). The selectors prefetch everything a
representation shows, so a page costs a fixed number of queries whatever its length.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request

from catalog.models import (
    Action,
    ActionConditionKey,
    ActionResourceType,
    Api,
    ApiAction,
    ConditionKey,
    Dependency,
    ResourceType,
    Service,
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

Filters = dict[str, Any]

# -- selectors (reads; they belong in catalog/selectors.py and can move there as they are) ----


def _count_per_service(model: type[Any]) -> Coalesce:
    """How many rows of `model` a service has, as a subquery (joins would multiply rows)."""
    counts = (
        model.objects.filter(service=OuterRef("pk"))
        .order_by()
        .values("service")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def service_list(*, filters: Filters) -> QuerySet[Service]:
    qs = Service.objects.annotate(
        action_count=_count_per_service(Action),
        api_count=_count_per_service(Api),
        resource_type_count=_count_per_service(ResourceType),
        condition_key_count=_count_per_service(ConditionKey),
    )
    if filters.get("service"):
        qs = qs.filter(prefix=filters["service"])
    return qs.order_by("prefix")


def service_detail_list() -> QuerySet[Service]:
    """Services with what their detail shows besides the counts."""
    return service_list(filters={}).prefetch_related(
        Prefetch("resource_types", queryset=ResourceType.objects.order_by("name")),
        Prefetch("condition_keys", queryset=ConditionKey.objects.order_by("name")),
    )


def action_list(*, filters: Filters) -> QuerySet[Action]:
    qs = Action.objects.select_related("service").prefetch_related(
        Prefetch(
            "resource_links",
            queryset=ActionResourceType.objects.select_related("resource_type").order_by(
                "resource_type__name"
            ),
        ),
        Prefetch(
            "key_links",
            queryset=ActionConditionKey.objects.select_related("key").order_by(
                "position", "key_name"
            ),
        ),
        Prefetch("dependencies", queryset=Dependency.objects.order_by("position", "target_name")),
        Prefetch(
            "api_links",
            queryset=ApiAction.objects.select_related("api").order_by("api__path", "api__method"),
        ),
    )
    if filters.get("service"):
        qs = qs.filter(service__prefix=filters["service"])
    if filters.get("access_level"):
        qs = qs.filter(access_level=filters["access_level"])
    if filters.get("resource_type"):
        qs = qs.filter(
            Exists(
                ActionResourceType.objects.filter(
                    action=OuterRef("pk"), resource_type__name=filters["resource_type"]
                )
            )
        )
    if filters.get("condition_key"):
        qs = qs.filter(
            Exists(
                ActionConditionKey.objects.filter(
                    action=OuterRef("pk"), key_name__iexact=filters["condition_key"]
                )
            )
        )
    if filters.get("q"):
        qs = qs.filter(Q(name__icontains=filters["q"]) | Q(description__icontains=filters["q"]))
    return qs.order_by("name")


def resource_type_list(*, filters: Filters) -> QuerySet[ResourceType]:
    qs = ResourceType.objects.select_related("service").prefetch_related(
        Prefetch(
            "actionresourcetype_set",
            queryset=ActionResourceType.objects.select_related("action").order_by("action__name"),
        )
    )
    if filters.get("service"):
        qs = qs.filter(service__prefix=filters["service"])
    return qs.order_by("service__prefix", "name")


def condition_key_list(*, filters: Filters) -> QuerySet[ConditionKey]:
    qs = ConditionKey.objects.select_related("service").annotate(action_count=Count("action_links"))
    if filters.get("service"):
        qs = qs.filter(service__prefix=filters["service"])
    if filters.get("scope"):
        qs = qs.filter(service__isnull=filters["scope"] == "global")
    return qs.order_by("name")


def api_list(*, filters: Filters) -> QuerySet[Api]:
    qs = Api.objects.select_related("service").prefetch_related(
        Prefetch(
            "action_links",
            queryset=ApiAction.objects.select_related("action")
            .prefetch_related(
                Prefetch(
                    "action__dependencies",
                    queryset=Dependency.objects.order_by("position", "target_name"),
                )
            )
            .order_by("action_name"),
        )
    )
    if filters.get("service"):
        qs = qs.filter(service__prefix=filters["service"])
    if filters.get("action"):
        qs = qs.filter(
            Exists(ApiAction.objects.filter(api=OuterRef("pk"), action_name=filters["action"]))
        )
    return qs.order_by("service__prefix", "path", "method")


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

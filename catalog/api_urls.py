"""Routes of the catalog API, included at `api/v1/catalog/`: reads, and the one import."""

from django.urls import path

from catalog import api, api_import

app_name = "catalog-api"

urlpatterns = [
    path("services/", api.ServiceListApi.as_view(), name="services"),
    path("services/<slug:prefix>/", api.ServiceDetailApi.as_view(), name="service"),
    path("actions/", api.ActionListApi.as_view(), name="actions"),
    path("actions/<str:name>/", api.ActionDetailApi.as_view(), name="action"),
    path("resource-types/", api.ResourceTypeListApi.as_view(), name="resource-types"),
    path("condition-keys/", api.ConditionKeyListApi.as_view(), name="condition-keys"),
    path("apis/", api.ApiListApi.as_view(), name="apis"),
    path("regions/", api.RegionListApi.as_view(), name="regions"),
    path("operations/", api.OperationListApi.as_view(), name="operations"),
    path("imports/", api_import.CatalogImportApi.as_view(), name="imports"),
]

"""Routes of the policy API, included at `api/v1/`."""

from django.urls import path

from scpstudio.policies import api

app_name = "policies-api"

urlpatterns = [
    path("validate", api.ValidateApi.as_view(), name="validate"),
    path("preview", api.PreviewApi.as_view(), name="preview"),
]

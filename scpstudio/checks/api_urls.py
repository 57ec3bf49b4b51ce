"""Routes of the stateless checks API, included at `api/v1/`."""

from django.urls import path

from scpstudio.checks import api

app_name = "checks-api"

urlpatterns = [
    path("validate", api.ValidateApi.as_view(), name="validate"),
    path("preview", api.PreviewApi.as_view(), name="preview"),
]

"""Routes of the organization's API, included at `api/v1/org/` (issue 19 names them)."""

from django.urls import path

from scpstudio.org import api, api_exchange

app_name = "org-api"

NODE = "nodes/<str:node_id>/"

urlpatterns = [
    path("nodes/", api.NodeListApi.as_view(), name="nodes"),
    path(NODE, api.NodeDetailApi.as_view(), name="node"),
    path(NODE + "attachments/", api.AttachmentListApi.as_view(), name="attachments"),
    path(
        NODE + "attachments/<str:attachment_id>",
        api.AttachmentDetailApi.as_view(),
        name="attachment",
    ),
    path(NODE + "preview", api.NodePreviewApi.as_view(), name="preview"),
    path("what-if", api.WhatIfApi.as_view(), name="what-if"),
    path("pack", api_exchange.PackApi.as_view(), name="pack"),
    path("export", api_exchange.ExportApi.as_view(), name="export"),
    path("import", api_exchange.ImportApi.as_view(), name="import"),
]

"""Routes of the policy library's API, included at `api/v1/`."""

from django.urls import path

from scpstudio.policies import api_library, api_templates, api_versions

app_name = "policies-api"

POLICY = "policies/<str:policy_id>/"

urlpatterns = [
    path("policies/", api_library.PolicyListApi.as_view(), name="policies"),
    path(POLICY, api_library.PolicyDetailApi.as_view(), name="policy"),
    path(POLICY + "duplicate", api_library.PolicyDuplicateApi.as_view(), name="policy-duplicate"),
    path(POLICY + "shares/", api_library.ShareListApi.as_view(), name="policy-shares"),
    path(
        POLICY + "shares/<str:username>/",
        api_library.ShareDetailApi.as_view(),
        name="policy-share",
    ),
    path(POLICY + "versions/", api_versions.VersionListApi.as_view(), name="policy-versions"),
    path(
        POLICY + "versions/<str:number>/",
        api_versions.VersionDetailApi.as_view(),
        name="policy-version",
    ),
    path(
        POLICY + "versions/<str:number>/restore",
        api_versions.VersionRestoreApi.as_view(),
        name="policy-version-restore",
    ),
    path(POLICY + "diff", api_versions.PolicyDiffApi.as_view(), name="policy-diff"),
    path(POLICY + "export", api_versions.PolicyExportApi.as_view(), name="policy-export"),
    path("templates/", api_templates.TemplateListApi.as_view(), name="templates"),
    path("templates/<str:slug>/", api_templates.TemplateDetailApi.as_view(), name="template"),
]

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from scpstudio.checks import views as checks_views


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Pages that do not name an icon (the admin, the API docs) make browsers ask here."""
    return HttpResponseRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("", RedirectView.as_view(pattern_name="editor:editor", permanent=False), name="home"),
    path("editor/", include("scpstudio.editor.urls")),
    path("checks/", checks_views.checks, name="checks"),
    path("policies/", include("scpstudio.policies.urls")),
    path("catalog/", include("catalog.urls")),
    path("org/", include("scpstudio.org.urls")),
    path("api/v1/catalog/", include("catalog.api_urls")),
    path("api/v1/", include("scpstudio.checks.api_urls")),
    path("api/v1/", include("scpstudio.policies.api_urls")),
    path("api/v1/org/", include("scpstudio.org.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", checks_views.ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("accounts/", include("scpstudio.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

# An /api/ address no route matches answers JSON in the API's error shape.
handler404 = "scpstudio.rest.errors.not_found"

"""The documentation pages: the checks reference (docs/checks.md, one anchor per finding
code) and the REST API's Swagger UI."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import markdown
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView

from scpstudio.security import api_docs_policy

CHECKS_FILE = Path(settings.BASE_DIR) / "docs" / "checks.md"
_CODE = re.compile(r"\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})\b")


def _slug(value: str, separator: str) -> str:
    """Headings that name a finding code are anchored by the code itself."""
    m = _CODE.search(value)
    if m:
        return m.group(1)
    return re.sub(r"[^a-z0-9]+", separator, value.lower()).strip(separator)


@lru_cache(maxsize=2)
def _rendered(mtime: float) -> str:
    text = CHECKS_FILE.read_text(encoding="utf-8")
    return markdown.markdown(
        text,
        extensions=["toc", "fenced_code", "tables"],
        extension_configs={"toc": {"slugify": _slug}},
        output_format="html",
    )


@require_safe
def checks(request):  # type: ignore[no-untyped-def]
    try:
        html = _rendered(CHECKS_FILE.stat().st_mtime)
    except OSError:
        html = "<p>The checks reference is missing from this installation (docs/checks.md).</p>"
    return render(request, "policies/checks.html", {"body": mark_safe(html), "nav": "checks"})  # noqa: S308


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI for the REST API, under a Content-Security-Policy of its own.

    The split view serves Swagger UI's start-up script as a file (`?script`), so the page
    runs no inline script and its policy needs neither 'unsafe-inline' nor 'unsafe-eval'
    for scripts. Its one inline style block is allowed by its hash, taken from the page
    as served.
    """

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().get(request, *args, **kwargs)
        if "script" not in request.GET:
            response.add_post_render_callback(_set_docs_policy)
        return response


def _set_docs_policy(response: HttpResponse) -> None:
    response["Content-Security-Policy"] = api_docs_policy(response.content.decode())

"""The checks reference (docs/checks.md) as a page, one anchor per finding code."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import markdown
from django.conf import settings
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

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


@require_GET
def checks(request):  # type: ignore[no-untyped-def]
    try:
        html = _rendered(CHECKS_FILE.stat().st_mtime)
    except OSError:
        html = "<p>The checks reference is missing from this installation (docs/checks.md).</p>"
    return render(request, "policies/checks.html", {"body": mark_safe(html), "nav": "checks"})  # noqa: S308

"""The Content-Security-Policy forbids eval: on the app's pages (htmx runs without it) and
on the REST API's Swagger UI, which has a policy of its own."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

# What htmx 2 can only do with eval: hx-on, hx-vals/hx-vars "js:" values and hx-trigger
# filters in brackets.
NEEDS_EVAL = re.compile(r"""hx-on\b|hx-vars|hx-vals=['"]\s*js:|hx-trigger="[^"]*\[""")


def test_the_app_pages_forbid_eval_and_htmx_does_not_ask_for_it(client):
    response = client.get("/editor/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-eval" not in policy
    config = """<meta name="htmx-config" content='{"allowEval": false}'>"""
    assert config in response.content.decode()


def test_no_template_or_script_uses_an_htmx_feature_that_needs_eval():
    sources = [
        *Path(settings.BASE_DIR, "templates").rglob("*.html"),
        *Path(settings.BASE_DIR, "static", "js").rglob("*.js"),
        *Path(settings.BASE_DIR, "scpstudio").rglob("*.py"),
        *Path(settings.BASE_DIR, "catalog").rglob("*.py"),
    ]

    uses = [
        f"{path.relative_to(settings.BASE_DIR)}: {m.group(0)}"
        for path in sources
        for m in NEEDS_EVAL.finditer(path.read_text(encoding="utf-8"))
    ]

    assert uses == []


def test_the_api_docs_have_their_own_policy_without_eval_or_inline_code(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-eval" not in policy
    assert "unsafe-inline" not in policy
    page = response.content.decode()
    assert "<script>" not in page  # the start-up script is a file of its own
    for block in re.findall(r"<style>(.*?)</style>", page, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_the_api_docs_start_up_script_is_served_as_a_script(client):
    page = client.get("/api/v1/docs/").content.decode()
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1)

    response = client.get(script_url.replace("&amp;", "&"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in response.content

"""The REST API's Swagger UI in a real Chromium, under its own Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _operation(page: Page, method: str, path: str):
    return page.locator(f".opblock-{method}").filter(
        has=page.locator(f'.opblock-summary-path[data-path="{path}"]')
    )


def test_the_api_docs_show_their_operations_without_policy_errors(live_server, page: Page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    response = page.goto(f"{live_server.url}/api/v1/docs/")

    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-eval" not in policy
    validate = _operation(page, "post", "/api/v1/validate")
    expect(validate).to_be_visible()
    expect(_operation(page, "get", "/api/v1/catalog/actions/")).to_be_visible()
    validate.locator(".opblock-summary").click()
    expect(validate.get_by_role("button", name="Try it out")).to_be_visible()
    assert errors == []


def test_try_it_out_reaches_the_api_from_the_docs(live_server, page: Page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/api/v1/docs/")
    services = _operation(page, "get", "/api/v1/catalog/services/")
    services.locator(".opblock-summary").click()

    services.get_by_role("button", name="Try it out").click()
    services.get_by_role("button", name="Execute").click()

    expect(services.locator(".live-responses-table tbody .response-col_status")).to_have_text("200")
    expect(services.locator(".live-responses-table")).to_contain_text('"prefix": "ims"')
    assert errors == []

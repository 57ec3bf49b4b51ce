"""Calling the library API over real HTTP (DRF's APIClient, a real session)."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse
from rest_framework.test import APIClient

POLICIES = "policies-api:policies"


def client_for(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def url(name: str, *args: Any) -> str:
    return reverse(f"policies-api:{name}", args=[str(a) for a in args])


def send(client: APIClient, method: str, path: str, body: Any = None) -> Any:
    data = body if isinstance(body, str | bytes) or body is None else json.dumps(body)
    return client.generic(method, path, data or "", content_type="application/json")


def create(client: APIClient, **fields: Any) -> dict[str, Any]:
    body = {"name": "Guardrails", "document": '{"Version": "5.0"}', **fields}
    response = send(client, "POST", url("policies"), body)
    assert response.status_code == 201, response.content
    return response.json()


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"].endswith("."), body
    return body

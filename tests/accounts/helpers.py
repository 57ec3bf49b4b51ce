"""What the accounts tests share: signing in the ways a script does."""

from __future__ import annotations

import base64
from typing import Any

from rest_framework.test import APIClient


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def script(authorization: str, address: str = "127.0.0.1") -> APIClient:
    """A client that sends this Authorization header on every request, from `address`."""
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=authorization)
    return client


def token_client(key: str, address: str = "127.0.0.1") -> APIClient:
    return script(f"Token {key}", address)


def json_body(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json"), response.content
    return response.json()

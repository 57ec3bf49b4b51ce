"""Huawei's IAM authorization-schema API through the official SDK (`huaweicloudsdkiam`).

`IamClient.list_registered_services_for_auth_schema_v5` pages through the service codes;
`get_authorization_schema_v5` returns one service's catalog. The client's set-up (credentials
from the SDK's usual environment variables, the endpoint, timeouts and 429-only retries from
the settings `CATALOG_SYNC_*`) is `scpstudio.huawei_sdk`'s, shared with the organization
import; `IAM` gives it this API's words. Every failure becomes a `HuaweiError` holding one
sentence.

The schema's JSON text is taken as Huawei sent it (the response's raw content) and read by
the same importer as a saved file, so a sync and an import of the saved answer agree.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import Any

from huaweicloudsdkiam.v5 import (
    GetAuthorizationSchemaV5Request,
    IamClient,
    ListRegisteredServicesForAuthSchemaV5Request,
)

from scpstudio.huawei_sdk import HuaweiApi, SdkSettings, answer_text, sdk_client, sdk_invoke

# One page of service codes; the API pages with a marker.
PAGE_SIZE = 100
# A registered-services answer that never ends (a marker that repeats or keeps changing) stops.
MAX_PAGES = 100
# A schema answer larger than this is not a catalog (the biggest services are a few MB).
MAX_SCHEMA_BYTES = 20 * 1024 * 1024


class HuaweiError(Exception):
    """A call to Huawei that did not give a usable answer, as one sentence."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


class SyncSettings(SdkSettings):
    """The settings `CATALOG_SYNC_ENDPOINT`, `_TIMEOUT`, `_RETRIES`, `_BACKOFF`."""

    __slots__ = ()
    prefix = "CATALOG_SYNC"


IAM = HuaweiApi(
    error=HuaweiError,
    account="an account that may read IAM's authorization schemas",
    answer="Huawei's answer for {what}",
    forbidden=(
        "Huawei refused access to {what} (HTTP 403): the credentials are valid but the "
        "account or its network may not read IAM's schemas."
    ),
    not_found="Huawei answered 'not found' for {what} (HTTP 404): check the code.",
    rate_limited=(
        "Huawei kept answering 'too many requests' for {what} (HTTP 429) after {tries} "
        "tries: sync again later."
    ),
    server_failed="Huawei's IAM failed to answer for {what} (HTTP {status}): try again later.",
    too_slow=(
        "Huawei did not answer for {what} within {seconds:g} seconds: try again later, or "
        "raise {setting}."
    ),
    unreachable="Could not reach Huawei's IAM at {endpoint} for {what}.",
    call_failed="The call for {what} failed: {error}.",
)


def schema_client(config: SyncSettings | None = None) -> AbstractContextManager[IamClient]:
    """An SDK client for the schema API; closed afterwards (it keeps a thread pool)."""
    return sdk_client(IamClient, config or SyncSettings.from_django(), IAM)


def registered_services(client: IamClient, config: SyncSettings | None = None) -> list[str]:
    """Every service code IAM has a schema for, page after page."""
    config = config or SyncSettings.from_django()
    codes: list[str] = []
    marker: str | None = None
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        request = ListRegisteredServicesForAuthSchemaV5Request(limit=PAGE_SIZE, marker=marker)
        invoker = client.list_registered_services_for_auth_schema_v5_invoker(request)
        answer = sdk_invoke(invoker, "the list of services", config, IAM)
        page = _json_object(answer, "the list of services")
        found = page.get("service_codes")
        if not isinstance(found, list) or not all(isinstance(c, str) for c in found):
            raise HuaweiError(
                "Huawei's list of services is not a list of service codes: nothing was synced."
            )
        codes.extend(c for c in found if c not in codes)
        info = page.get("page_info") or {}
        marker = info.get("next_marker") if isinstance(info, dict) else None
        if not marker or not found:
            return codes
        if marker in seen:
            raise HuaweiError("Huawei's list of services repeats a page: nothing was synced.")
        seen.add(marker)
    raise HuaweiError(f"Huawei's list of services ran past {MAX_PAGES} pages: nothing was synced.")


def service_schema(client: IamClient, code: str, config: SyncSettings | None = None) -> str:
    """One service's authorization schema, as the JSON text Huawei sent."""
    config = config or SyncSettings.from_django()
    request = GetAuthorizationSchemaV5Request(service_code=code)
    invoker = client.get_authorization_schema_v5_invoker(request)
    answer = sdk_invoke(invoker, f"the schema of {code}", config, IAM)
    return answer_text(answer, f"the schema of {code}", IAM, MAX_SCHEMA_BYTES)


def _json_object(answer: Any, what: str) -> dict[str, Any]:
    try:
        value = json.loads(answer_text(answer, what, IAM, MAX_SCHEMA_BYTES))
    except ValueError as exc:
        raise HuaweiError(f"Huawei's answer for {what} is not JSON.") from exc
    if not isinstance(value, dict):
        raise HuaweiError(f"Huawei's answer for {what} is not a JSON object.")
    return value

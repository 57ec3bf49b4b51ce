"""Huawei's IAM authorization-schema API through the official SDK (`huaweicloudsdkiam`).

`IamClient.list_registered_services_for_auth_schema_v5` pages through the service codes;
`get_authorization_schema_v5` returns one service's catalog. Credentials come from the SDK's
usual environment variables (`HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, and
`HUAWEICLOUD_SDK_SECURITY_TOKEN` for temporary ones); the endpoint from the setting
`CATALOG_SYNC_ENDPOINT`. Every failure becomes a `HuaweiError` holding one sentence.

The schema's JSON text is taken as Huawei sent it (the response's raw content) and read by
the same importer as a saved file, so a sync and an import of the saved answer agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from huaweicloudsdkcore.auth.provider import EnvCredentialProvider
from huaweicloudsdkcore.exceptions import exceptions as sdk
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.retry.backoff_strategy import BackoffStrategy
from huaweicloudsdkiam.v5 import (
    GetAuthorizationSchemaV5Request,
    IamClient,
    ListRegisteredServicesForAuthSchemaV5Request,
)

# One page of service codes; the API pages with a marker.
PAGE_SIZE = 100
# A registered-services answer that never ends (a marker that repeats or keeps changing) stops.
MAX_PAGES = 100
# A schema answer larger than this is not a catalog (the biggest services are a few MB).
MAX_SCHEMA_BYTES = 20 * 1024 * 1024
CREDENTIAL_VARIABLES = "HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK"


class HuaweiError(Exception):
    """A call to Huawei that did not give a usable answer, as one sentence."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


@dataclass(frozen=True)
class SyncSettings:
    endpoint: str
    timeout: float  # seconds to connect, and again to read an answer
    retries: int  # further tries after a 429 (too many requests), at most 10
    backoff: float = 1.0  # seconds before the first retry, doubled before each next one

    @classmethod
    def from_django(cls) -> SyncSettings:
        return cls(
            endpoint=settings.CATALOG_SYNC_ENDPOINT,
            timeout=settings.CATALOG_SYNC_TIMEOUT,
            retries=max(0, min(settings.CATALOG_SYNC_RETRIES, 10)),
            backoff=settings.CATALOG_SYNC_BACKOFF,
        )


class _Doubling(BackoffStrategy):  # type: ignore[misc]
    def __init__(self, first: float) -> None:
        self.first_ms = first * 1000

    def calculate_retry_delay_millis(self, retries: int) -> int:
        return int(self.first_ms * 2 ** max(0, retries - 1))


def _rate_limited(response: Any, exc: Any) -> bool:
    """The SDK's retry condition: only a 429 is worth asking again."""
    return isinstance(exc, sdk.ClientRequestException) and exc.status_code == 429


@contextmanager
def schema_client(config: SyncSettings | None = None) -> Iterator[IamClient]:
    """An SDK client for the schema API; closed afterwards (it keeps a thread pool)."""
    config = config or SyncSettings.from_django()
    try:
        # Only the environment: the SDK's default chain would also ask the cloud's metadata
        # address, which is no place for a server to send requests.
        credentials = EnvCredentialProvider.get_global().get_credentials()
    except (sdk.SdkException, ValueError, TypeError) as exc:
        raise HuaweiError(
            f"No Huawei credentials: set {CREDENTIAL_VARIABLES} (the SDK's usual environment "
            "variables) for an account that may read IAM's authorization schemas."
        ) from exc
    http = HttpConfig.get_default_config()
    http.timeout = (config.timeout, config.timeout)
    http.retry_times = 0  # the invoker retries (429 only); urllib3 would retry timeouts too
    try:
        client = (
            IamClient.new_builder()
            .with_credentials(credentials)
            .with_endpoint(config.endpoint)
            .with_http_config(http)
            .build()
        )
    except (sdk.SdkException, ValueError, TypeError) as exc:
        raise HuaweiError(f"The SDK refused the setup for {config.endpoint}: {exc}.") from exc
    try:
        yield client
    finally:
        client.close()


def registered_services(client: IamClient, config: SyncSettings | None = None) -> list[str]:
    """Every service code IAM has a schema for, page after page."""
    config = config or SyncSettings.from_django()
    codes: list[str] = []
    marker: str | None = None
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        request = ListRegisteredServicesForAuthSchemaV5Request(limit=PAGE_SIZE, marker=marker)
        invoker = client.list_registered_services_for_auth_schema_v5_invoker(request)
        answer = _call(invoker, "the list of services", config)
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
    answer = _call(invoker, f"the schema of {code}", config)
    return _text(answer, f"the schema of {code}")


def _call(invoker: Any, what: str, config: SyncSettings) -> Any:
    if config.retries:
        invoker = invoker.with_retry(_rate_limited, config.retries, _Doubling(config.backoff))
    try:
        return invoker.invoke()
    except sdk.ServiceResponseException as exc:
        raise HuaweiError(_refusal(exc, what, config)) from exc
    except (sdk.RequestTimeoutException, requests.Timeout) as exc:
        raise HuaweiError(_too_slow(what, config)) from exc
    except (sdk.ConnectionException, requests.ConnectionError) as exc:
        # urllib3 reports a read timeout as a connection error once its retries are spent
        if "timed out" in str(exc).lower():
            raise HuaweiError(_too_slow(what, config)) from exc
        raise HuaweiError(f"Could not reach Huawei's IAM at {config.endpoint} for {what}.") from exc
    except (sdk.SdkException, requests.RequestException) as exc:
        raise HuaweiError(f"The call for {what} failed: {_short(exc)}.") from exc
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        # the SDK turns the answer into its models before we see it; a body it cannot
        # turn (not the documented shape) fails there
        raise HuaweiError(f"Huawei's answer for {what} is not in the documented shape.") from exc


def _too_slow(what: str, config: SyncSettings) -> str:
    return (
        f"Huawei did not answer for {what} within {config.timeout:g} seconds: try again "
        "later, or raise CATALOG_SYNC_TIMEOUT."
    )


def _refusal(exc: sdk.ServiceResponseException, what: str, config: SyncSettings) -> str:
    status = exc.status_code
    said = _short(exc.error_msg) if getattr(exc, "error_msg", "") else ""
    detail = f" Huawei said: {said}" if said else ""
    if status == 401:
        return (
            f"Huawei refused the credentials for {what} (HTTP 401): check {CREDENTIAL_VARIABLES}."
            + detail
        )
    if status == 403:
        return (
            f"Huawei refused access to {what} (HTTP 403): the credentials are valid but the "
            "account or its network may not read IAM's schemas." + detail
        )
    if status == 404:
        return f"Huawei answered 'not found' for {what} (HTTP 404): check the code." + detail
    if status == 429:
        return (
            f"Huawei kept answering 'too many requests' for {what} (HTTP 429) after "
            f"{config.retries + 1} tries: sync again later."
        )
    if status >= 500:
        return f"Huawei's IAM failed to answer for {what} (HTTP {status}): try again later."
    return f"Huawei refused {what} (HTTP {status})." + detail


def _short(value: Any) -> str:
    text = " ".join(str(value).split())
    return text[:200] + ("..." if len(text) > 200 else "")


def _text(answer: Any, what: str) -> str:
    raw = getattr(answer, "raw_content", None)
    if not isinstance(raw, bytes | str):
        raise HuaweiError(f"Huawei's answer for {what} has no body.")
    if len(raw) > MAX_SCHEMA_BYTES:
        raise HuaweiError(
            f"Huawei's answer for {what} is larger than {MAX_SCHEMA_BYTES // 1024 // 1024} MB."
        )
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HuaweiError(f"Huawei's answer for {what} is not UTF-8 text.") from exc


def _json_object(answer: Any, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_text(answer, what))
    except ValueError as exc:
        raise HuaweiError(f"Huawei's answer for {what} is not JSON.") from exc
    if not isinstance(value, dict):
        raise HuaweiError(f"Huawei's answer for {what} is not a JSON object.")
    return value

"""Huawei Organizations live, through the official SDK (`huaweicloudsdkorganizations`):
`org_client()` and `fetch_org(client) -> OrgSnapshot`.

The walk (`answers`) is the same as for saved files; `LiveAnswers` asks each request of it
through `OrganizationsClient`, page after page (`limit`/`marker`, until `page_info` names no
next marker), and hands back each answer's JSON as Huawei sent it (the response's raw
content), so a live import and an import of the same answers saved to files agree.

Credentials come from the SDK's usual environment variables (`HUAWEICLOUD_SDK_AK`,
`HUAWEICLOUD_SDK_SK`, and `HUAWEICLOUD_SDK_SECURITY_TOKEN` for temporary ones; the account
id may be given as `HUAWEICLOUD_SDK_DOMAIN_ID`). The endpoint, the time allowed per answer
and the retries come from `LiveSettings` (by default the settings `ORG_IMPORT_ENDPOINT`,
`ORG_IMPORT_TIMEOUT`, `ORG_IMPORT_RETRIES`, `ORG_IMPORT_BACKOFF`). Only a 429 (too many
requests) is asked again, after a doubling pause. Every failure (credentials refused,
429 after every retry, a server error, no answer in time, a body that is not JSON or not in
the documented shape) raises `OrgImportError` holding one sentence.
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
from huaweicloudsdkorganizations.v1 import (
    ListAccountsRequest,
    ListEntitiesForPolicyRequest,
    ListOrganizationalUnitsRequest,
    ListPoliciesRequest,
    ListRootsRequest,
    OrganizationsClient,
    ShowPolicyRequest,
)

from scpstudio.org_import.answers import Ask, build_snapshot, next_marker
from scpstudio.org_import.snapshot import ImportLimits, OrgImportError, OrgSnapshot

PAGE_SIZE = 200  # Huawei's default; it allows up to 2,000
MAX_ANSWER_BYTES = 20 * 1024 * 1024
CREDENTIAL_VARIABLES = "HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK"


@dataclass(frozen=True, slots=True)
class LiveSettings:
    endpoint: str
    timeout: float  # seconds to connect, and again to read one answer
    retries: int  # further tries after a 429, at most 10
    backoff: float = 1.0  # seconds before the first retry, doubled before each next one

    @classmethod
    def from_django(cls) -> LiveSettings:
        return cls(
            endpoint=settings.ORG_IMPORT_ENDPOINT,
            timeout=settings.ORG_IMPORT_TIMEOUT,
            retries=max(0, min(settings.ORG_IMPORT_RETRIES, 10)),
            backoff=settings.ORG_IMPORT_BACKOFF,
        )


class _Doubling(BackoffStrategy):  # type: ignore[misc]
    def __init__(self, first_seconds: float) -> None:
        self.first_ms = first_seconds * 1000

    def calculate_retry_delay_millis(self, retries: int) -> int:
        return int(self.first_ms * 2 ** max(0, retries - 1))


def _rate_limited(response: Any, exc: Any) -> bool:
    return isinstance(exc, sdk.ClientRequestException) and exc.status_code == 429


@contextmanager
def org_client(config: LiveSettings | None = None) -> Iterator[OrganizationsClient]:
    """An SDK client for Organizations at the configured endpoint, closed afterwards."""
    config = config or LiveSettings.from_django()
    try:
        # only the environment: the SDK's default chain would also ask the cloud's metadata
        # address, no place for a server to send requests
        credentials = EnvCredentialProvider.get_global().get_credentials()
    except (sdk.SdkException, ValueError, TypeError) as exc:
        raise OrgImportError(
            f"No Huawei credentials: set {CREDENTIAL_VARIABLES} (the SDK's usual environment "
            "variables) for the organization's management account."
        ) from exc
    http = HttpConfig.get_default_config()
    http.timeout = (config.timeout, config.timeout)
    http.retry_times = 0  # the invoker retries (429 only); urllib3 would retry timeouts too
    try:
        client = (
            OrganizationsClient.new_builder()
            .with_credentials(credentials)
            .with_endpoint(config.endpoint)
            .with_http_config(http)
            .build()
        )
    except (sdk.SdkException, ValueError, TypeError) as exc:
        raise OrgImportError(f"The SDK refused the setup for {config.endpoint}: {exc}.") from exc
    try:
        yield client
    finally:
        client.close()


class LiveAnswers:
    """Each request of the walk, asked of Huawei through the SDK."""

    def __init__(self, client: OrganizationsClient, config: LiveSettings) -> None:
        self.client = client
        self.config = config

    def where(self, ask: Ask) -> str:
        return ask.request

    def pages(self, ask: Ask, limits: ImportLimits) -> list[Any]:
        if not ask.paged:
            return [self._get(ask, None)]
        pages: list[Any] = []
        seen: set[str] = set()
        marker: str | None = None
        for number in range(1, limits.max_pages + 1):
            page = self._get(ask, marker)
            pages.append(page)
            marker = next_marker(page, f"{self.where(ask)}, page {number}")
            if marker is None:
                return pages
            if marker in seen:
                raise OrgImportError(f"{self.where(ask)}: the pages repeat (marker {marker!r}).")
            seen.add(marker)
        raise OrgImportError(f"{self.where(ask)}: more than {limits.max_pages:,} pages.")

    def _get(self, ask: Ask, marker: str | None) -> Any:
        client = self.client
        if ask.kind == "roots":
            invoker = client.list_roots_invoker(ListRootsRequest(limit=PAGE_SIZE, marker=marker))
        elif ask.kind == "organizational-units":
            request = ListOrganizationalUnitsRequest(
                parent_id=ask.key, limit=PAGE_SIZE, marker=marker
            )
            invoker = client.list_organizational_units_invoker(request)
        elif ask.kind == "accounts":
            request = ListAccountsRequest(parent_id=ask.key, limit=PAGE_SIZE, marker=marker)
            invoker = client.list_accounts_invoker(request)
        elif ask.kind == "policies":
            invoker = client.list_policies_invoker(
                ListPoliciesRequest(limit=PAGE_SIZE, marker=marker)
            )
        elif ask.kind == "policy":
            invoker = client.show_policy_invoker(ShowPolicyRequest(policy_id=ask.key))
        else:
            request = ListEntitiesForPolicyRequest(
                policy_id=ask.key, limit=PAGE_SIZE, marker=marker
            )
            invoker = client.list_entities_for_policy_invoker(request)
        return _decoded(self._call(invoker, ask), self.where(ask))

    def _call(self, invoker: Any, ask: Ask) -> Any:
        config = self.config
        if config.retries:
            invoker = invoker.with_retry(_rate_limited, config.retries, _Doubling(config.backoff))
        what = self.where(ask)
        try:
            return invoker.invoke()
        except sdk.ServiceResponseException as exc:
            raise OrgImportError(_refusal(exc, what, config)) from exc
        except (sdk.RequestTimeoutException, requests.Timeout) as exc:
            raise OrgImportError(_too_slow(what, config)) from exc
        except (sdk.ConnectionException, requests.ConnectionError) as exc:
            # urllib3 reports a read timeout as a connection error once its retries are spent
            if "timed out" in str(exc).lower():
                raise OrgImportError(_too_slow(what, config)) from exc
            raise OrgImportError(
                f"Could not reach Huawei Organizations at {config.endpoint} for {what}."
            ) from exc
        except (sdk.SdkException, requests.RequestException) as exc:
            raise OrgImportError(f"{what} failed: {_short(exc)}.") from exc
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            # the SDK turns the answer into its models first: a body that is not in the
            # documented shape can fail there, before we see it
            raise OrgImportError(f"{what}: the answer is not in the documented shape.") from exc


def _decoded(answer: Any, what: str) -> Any:
    raw = getattr(answer, "raw_content", None)
    if not isinstance(raw, bytes | str):
        raise OrgImportError(f"{what}: the answer has no body.")
    if len(raw) > MAX_ANSWER_BYTES:
        raise OrgImportError(f"{what}: the answer is larger than {MAX_ANSWER_BYTES // 2**20} MB.")
    try:
        text = raw if isinstance(raw, str) else raw.decode("utf-8")
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise OrgImportError(f"{what}: the answer is not UTF-8 text.") from exc
    except (ValueError, RecursionError) as exc:
        raise OrgImportError(f"{what}: the answer is not valid JSON.") from exc


def _too_slow(what: str, config: LiveSettings) -> str:
    return (
        f"Huawei did not answer {what} within {config.timeout:g} seconds: try again later, "
        "or raise ORG_IMPORT_TIMEOUT."
    )


def _refusal(exc: sdk.ServiceResponseException, what: str, config: LiveSettings) -> str:
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
            f"Huawei refused {what} (HTTP 403): the credentials are valid, but the account "
            "may not read the organization (use the management account, or give the user "
            "the Organizations read permissions listed in the README)." + detail
        )
    if status == 429:
        return (
            f"Huawei kept answering 'too many requests' to {what} (HTTP 429) after "
            f"{config.retries + 1} tries: import again later."
        )
    if status >= 500:
        return f"Huawei Organizations failed to answer {what} (HTTP {status}): try again later."
    return f"Huawei refused {what} (HTTP {status})." + detail


def _short(value: Any) -> str:
    text = " ".join(str(value).split())
    return text[:200] + ("..." if len(text) > 200 else "")


def fetch_org(
    client: OrganizationsClient,
    config: LiveSettings | None = None,
    limits: ImportLimits | None = None,
) -> OrgSnapshot:
    """The organization, read live (OrgImportError with a sentence on any fault)."""
    return build_snapshot(LiveAnswers(client, config or LiveSettings.from_django()), limits)

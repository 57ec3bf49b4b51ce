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
the documented shape) raises `OrgImportError` holding one sentence. That set-up is
`scpstudio.huawei_sdk`'s, shared with the catalog sync; `ORGANIZATIONS` gives it this API's
words.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import Any

from huaweicloudsdkorganizations.v1 import (
    ListAccountsRequest,
    ListEntitiesForPolicyRequest,
    ListOrganizationalUnitsRequest,
    ListPoliciesRequest,
    ListRootsRequest,
    OrganizationsClient,
    ShowPolicyRequest,
)

from scpstudio.huawei_sdk import HuaweiApi, SdkSettings, answer_text, sdk_client, sdk_invoke
from scpstudio.org_import.answers import Ask, build_snapshot, next_marker
from scpstudio.org_import.snapshot import ImportLimits, OrgImportError, OrgSnapshot

PAGE_SIZE = 200  # Huawei's default; it allows up to 2,000
MAX_ANSWER_BYTES = 20 * 1024 * 1024


class LiveSettings(SdkSettings):
    """The settings `ORG_IMPORT_ENDPOINT`, `_TIMEOUT`, `_RETRIES`, `_BACKOFF`."""

    __slots__ = ()
    prefix = "ORG_IMPORT"


ORGANIZATIONS = HuaweiApi(
    error=OrgImportError,
    account="the organization's management account",
    answer="{what}: the answer",
    forbidden=(
        "Huawei refused {what} (HTTP 403): the credentials are valid, but the account may not "
        "read the organization (use the management account, or give the user the "
        "Organizations read permissions listed in the README)."
    ),
    rate_limited=(
        "Huawei kept answering 'too many requests' to {what} (HTTP 429) after {tries} tries: "
        "import again later."
    ),
    server_failed=(
        "Huawei Organizations failed to answer {what} (HTTP {status}): try again later."
    ),
    too_slow=(
        "Huawei did not answer {what} within {seconds:g} seconds: try again later, or raise "
        "{setting}."
    ),
    unreachable="Could not reach Huawei Organizations at {endpoint} for {what}.",
    call_failed="{what} failed: {error}.",
)


def org_client(
    config: LiveSettings | None = None,
) -> AbstractContextManager[OrganizationsClient]:
    """An SDK client for Organizations at the configured endpoint, closed afterwards."""
    return sdk_client(OrganizationsClient, config or LiveSettings.from_django(), ORGANIZATIONS)


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
        return sdk_invoke(invoker, self.where(ask), self.config, ORGANIZATIONS)


def _decoded(answer: Any, what: str) -> Any:
    text = answer_text(answer, what, ORGANIZATIONS, MAX_ANSWER_BYTES)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise OrgImportError(f"{what}: the answer is not valid JSON.") from exc


def fetch_org(
    client: OrganizationsClient,
    config: LiveSettings | None = None,
    limits: ImportLimits | None = None,
) -> OrgSnapshot:
    """The organization, read live (OrgImportError with a sentence on any fault)."""
    return build_snapshot(LiveAnswers(client, config or LiveSettings.from_django()), limits)

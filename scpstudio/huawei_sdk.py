"""Huawei's official SDK, set up once for every API we call through it (IAM's authorization
schemas for the catalog sync, Organizations for the organization import).

* Credentials come only from the SDK's usual environment variables (`HUAWEICLOUD_SDK_AK`,
  `HUAWEICLOUD_SDK_SK`, and `HUAWEICLOUD_SDK_SECURITY_TOKEN` for temporary ones).
* `SdkSettings` holds the endpoint, the time allowed per answer and the retries; a subclass
  names its settings' prefix (`CATALOG_SYNC`, `ORG_IMPORT`) and `from_django()` reads them.
* `sdk_client(...)` builds a client of the SDK's class for the endpoint, closed afterwards.
* `sdk_invoke(...)` asks a request once, and again only after a 429 (too many requests),
  after a pause that doubles each time, at most `MAX_RETRIES` times.
* Every failure becomes the API's own error holding one sentence, worded by its `HuaweiApi`.

Both the catalog app and the organization's import use it, and neither may import the
other: so it lives here, and imports nothing of ours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import requests
from django.conf import settings
from huaweicloudsdkcore.auth.provider import EnvCredentialProvider
from huaweicloudsdkcore.exceptions import exceptions as sdk
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.retry.backoff_strategy import BackoffStrategy

CREDENTIAL_VARIABLES = "HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK"
MAX_RETRIES = 10  # a setting asking for more retries than this gets this many


@dataclass(frozen=True, slots=True)
class SdkSettings:
    """Where and how patiently to call one API; a subclass names its settings' prefix."""

    prefix: ClassVar[str]  # `<prefix>_ENDPOINT`, `_TIMEOUT`, `_RETRIES`, `_BACKOFF`

    endpoint: str
    timeout: float  # seconds to connect, and again to read one answer
    retries: int  # further tries after a 429 (too many requests), at most MAX_RETRIES
    backoff: float = 1.0  # seconds before the first retry, doubled before each next one

    @classmethod
    def from_django(cls) -> Self:
        return cls(
            endpoint=getattr(settings, f"{cls.prefix}_ENDPOINT"),
            timeout=getattr(settings, f"{cls.prefix}_TIMEOUT"),
            retries=max(0, min(getattr(settings, f"{cls.prefix}_RETRIES"), MAX_RETRIES)),
            backoff=getattr(settings, f"{cls.prefix}_BACKOFF"),
        )

    @property
    def timeout_setting(self) -> str:
        return f"{self.prefix}_TIMEOUT"


@dataclass(frozen=True, slots=True)
class HuaweiApi:
    """One API as its users read about it: the error its failures raise, and the words of
    its sentences. The templates are filled with `str.format`: `{what}` names the request,
    then `{status}`, `{tries}`, `{seconds}`, `{setting}`, `{endpoint}`, `{error}` as each
    says."""

    error: Callable[[str], Exception]  # takes the sentence
    account: str  # whose credentials the SDK's variables should hold
    answer: str  # the answer, as the start of a sentence about it ({what})
    forbidden: str  # HTTP 403 ({what})
    rate_limited: str  # HTTP 429 after every try ({what}, {tries})
    server_failed: str  # HTTP 5xx ({what}, {status})
    too_slow: str  # no answer in time ({what}, {seconds}, {setting})
    unreachable: str  # no connection ({what}, {endpoint})
    call_failed: str  # any other failure of the SDK ({what}, {error})
    not_found: str | None = None  # HTTP 404 ({what}); None: like any other refusal


class DoublingBackoff(BackoffStrategy):  # type: ignore[misc]
    """The SDK's pause before retry number `retries` (from 1): `first_seconds`, then twice
    as long each time."""

    def __init__(self, first_seconds: float) -> None:
        self.first_ms = first_seconds * 1000

    def calculate_retry_delay_millis(self, retries: int) -> int:
        return int(self.first_ms * 2 ** max(0, retries - 1))


def _rate_limited(response: Any, exc: Any) -> bool:
    """The SDK's retry condition: only a 429 is worth asking again."""
    return isinstance(exc, sdk.ClientRequestException) and exc.status_code == 429


@contextmanager
def sdk_client(client_class: Any, config: SdkSettings, api: HuaweiApi) -> Iterator[Any]:
    """A client of the SDK's `client_class` at the configured endpoint, closed afterwards
    (it keeps a thread pool)."""
    try:
        # Only the environment: the SDK's default chain would also ask the cloud's metadata
        # address, which is no place for a server to send requests.
        credentials = EnvCredentialProvider.get_global().get_credentials()
    except (sdk.SdkException, ValueError, TypeError) as exc:
        raise api.error(
            f"No Huawei credentials: set {CREDENTIAL_VARIABLES} (the SDK's usual environment "
            f"variables) for {api.account}."
        ) from exc
    http = HttpConfig.get_default_config()
    http.timeout = (config.timeout, config.timeout)
    http.retry_times = 0  # the invoker retries (429 only); urllib3 would retry timeouts too
    try:
        client = (
            client_class.new_builder()
            .with_credentials(credentials)
            .with_endpoint(config.endpoint)
            .with_http_config(http)
            .build()
        )
    except (sdk.SdkException, ValueError, TypeError) as exc:
        raise api.error(f"The SDK refused the setup for {config.endpoint}: {exc}.") from exc
    try:
        yield client
    finally:
        client.close()


def sdk_invoke(invoker: Any, what: str, config: SdkSettings, api: HuaweiApi) -> Any:
    """The SDK's answer to one request (`what` names it in sentences), a 429 asked again."""
    if config.retries:
        invoker = invoker.with_retry(_rate_limited, config.retries, DoublingBackoff(config.backoff))
    try:
        return invoker.invoke()
    except sdk.ServiceResponseException as exc:
        raise api.error(_refusal(exc, what, config, api)) from exc
    except (sdk.RequestTimeoutException, requests.Timeout) as exc:
        raise api.error(_too_slow(what, config, api)) from exc
    except (sdk.ConnectionException, requests.ConnectionError) as exc:
        # urllib3 reports a read timeout as a connection error once its retries are spent
        if "timed out" in str(exc).lower():
            raise api.error(_too_slow(what, config, api)) from exc
        raise api.error(api.unreachable.format(what=what, endpoint=config.endpoint)) from exc
    except (sdk.SdkException, requests.RequestException) as exc:
        raise api.error(api.call_failed.format(what=what, error=_short(exc))) from exc
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        # the SDK turns the answer into its models before we see it; a body it cannot
        # turn (not the documented shape) fails there
        answer = api.answer.format(what=what)
        raise api.error(f"{answer} is not in the documented shape.") from exc


def answer_text(answer: Any, what: str, api: HuaweiApi, max_bytes: int) -> str:
    """The answer's body as Huawei sent it (the response's raw content), as text."""
    raw = getattr(answer, "raw_content", None)
    named = api.answer.format(what=what)
    if not isinstance(raw, bytes | str):
        raise api.error(f"{named} has no body.")
    if len(raw) > max_bytes:
        raise api.error(f"{named} is larger than {max_bytes // 2**20} MB.")
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise api.error(f"{named} is not UTF-8 text.") from exc


def _too_slow(what: str, config: SdkSettings, api: HuaweiApi) -> str:
    return api.too_slow.format(what=what, seconds=config.timeout, setting=config.timeout_setting)


def _refusal(
    exc: sdk.ServiceResponseException, what: str, config: SdkSettings, api: HuaweiApi
) -> str:
    status = exc.status_code
    said = _short(exc.error_msg) if getattr(exc, "error_msg", "") else ""
    detail = f" Huawei said: {said}" if said else ""
    if status == 401:
        return (
            f"Huawei refused the credentials for {what} (HTTP 401): check {CREDENTIAL_VARIABLES}."
            + detail
        )
    if status == 403:
        return api.forbidden.format(what=what) + detail
    if status == 404 and api.not_found is not None:
        return api.not_found.format(what=what) + detail
    if status == 429:
        return api.rate_limited.format(what=what, tries=config.retries + 1)
    if status >= 500:
        return api.server_failed.format(what=what, status=status)
    return f"Huawei refused {what} (HTTP {status})." + detail


def _short(value: Any) -> str:
    text = " ".join(str(value).split())
    return text[:200] + ("..." if len(text) > 200 else "")

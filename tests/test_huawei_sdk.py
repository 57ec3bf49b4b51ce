"""The Huawei SDK's set-up both the catalog sync and the organization import use
(`scpstudio/huawei_sdk.py`): each reads its own settings with the same bound on retries,
only a 429 is asked again, after a pause that doubles. The real SDK against the
organization's stand-in on loopback."""

from __future__ import annotations

import pytest
from huaweicloudsdkorganizations.v1 import ListRootsRequest

from catalog.huawei import HuaweiError, SyncSettings, schema_client
from scpstudio.huawei_sdk import DoublingBackoff, sdk_invoke
from scpstudio.org_import import LiveSettings, OrgImportError, org_client
from scpstudio.org_import.live import ORGANIZATIONS
from tests.org_import.standin import API, GOOD_AK, Fault, StandIn

# the SDK's own variables, for the stand-in's management account
SDK_ENVIRONMENT = {
    "HUAWEICLOUD_SDK_AK": GOOD_AK,
    "HUAWEICLOUD_SDK_SK": "stand-in-secret",
    "HUAWEICLOUD_SDK_DOMAIN_ID": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
}


@pytest.fixture
def huawei(monkeypatch):
    """The organization's stand-in on loopback, and the SDK's environment for it."""
    for name, value in SDK_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    standin = StandIn().start()
    yield standin
    standin.stop()


def _roots(standin: StandIn, retries: int) -> object:
    config = LiveSettings(endpoint=standin.url, timeout=1.0, retries=retries, backoff=0.01)
    with org_client(config) as client:
        invoker = client.list_roots_invoker(ListRootsRequest())
        return sdk_invoke(invoker, "the roots", config, ORGANIZATIONS)


def test_the_pause_before_each_retry_doubles():
    backoff = DoublingBackoff(0.25)

    delays = [backoff.calculate_retry_delay_millis(n) for n in (1, 2, 3, 4)]

    assert delays == [250, 500, 1000, 2000]


@pytest.mark.parametrize(("asked", "kept"), [(50, 10), (3, 3), (-2, 0)])
def test_each_user_reads_its_own_settings_and_retries_are_bounded(settings, asked, kept):
    settings.CATALOG_SYNC_ENDPOINT = "http://127.0.0.1:7"
    settings.CATALOG_SYNC_RETRIES = asked
    settings.ORG_IMPORT_ENDPOINT = "http://127.0.0.1:9"
    settings.ORG_IMPORT_RETRIES = 1

    sync, live = SyncSettings.from_django(), LiveSettings.from_django()

    assert (sync.endpoint, sync.retries, sync.timeout_setting) == (
        "http://127.0.0.1:7", kept, "CATALOG_SYNC_TIMEOUT"
    )  # fmt: skip
    assert (live.endpoint, live.retries, live.timeout_setting) == (
        "http://127.0.0.1:9", 1, "ORG_IMPORT_TIMEOUT"
    )  # fmt: skip


def test_a_429_is_asked_again_as_many_times_as_the_retries_allow(huawei):
    huawei.faults[f"{API}/roots"] = Fault(status=429)

    with pytest.raises(OrgImportError) as raised:
        _roots(huawei, retries=3)

    assert huawei.requests.count(f"{API}/roots") == 4
    assert "'too many requests' to the roots (HTTP 429) after 4 tries" in raised.value.sentence


def test_a_429_that_passes_gives_the_answer(huawei):
    huawei.faults[f"{API}/roots"] = Fault(status=429, times=1)

    answer = _roots(huawei, retries=1)

    assert b'"r-abcd1234"' in answer.raw_content
    assert huawei.requests.count(f"{API}/roots") == 2


@pytest.mark.parametrize("status", [401, 403, 500, 503])
def test_any_other_refusal_is_not_asked_again(huawei, status):
    huawei.faults[f"{API}/roots"] = Fault(status=status, times=1)

    with pytest.raises(OrgImportError) as raised:
        _roots(huawei, retries=3)

    assert huawei.requests.count(f"{API}/roots") == 1
    assert f"(HTTP {status})" in raised.value.sentence


def test_the_catalog_sync_gets_its_own_error_and_words_for_missing_credentials(monkeypatch):
    monkeypatch.delenv("HUAWEICLOUD_SDK_AK", raising=False)
    monkeypatch.delenv("HUAWEICLOUD_SDK_SK", raising=False)

    config = SyncSettings(endpoint="http://127.0.0.1:9", timeout=1.0, retries=0)

    with pytest.raises(HuaweiError) as raised, schema_client(config):
        pass

    assert raised.value.sentence.startswith("No Huawei credentials: set HUAWEICLOUD_SDK_AK")
    assert "for an account that may read IAM's authorization schemas." in raised.value.sentence

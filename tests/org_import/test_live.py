"""Huawei Organizations live (issue 19, item 6): the real SDK (`huaweicloudsdkorganizations`)
against our stand-in on loopback, several pages of everything, and every fault (401, 429
tried again, 429 every time, 500, a slow answer, a malformed body) ending in a sentence.
Nothing reaches Huawei: the client's endpoint is the stand-in and no region is set, so the
SDK never looks up the account id elsewhere."""

from __future__ import annotations

import json

import pytest

from scpstudio.org_import import (
    LiveSettings,
    OrgImportError,
    fetch_org,
    org_client,
    read_org_files,
)
from tests.org_import.standin import GOOD_AK, Fault, StandIn

API = "/v1/organizations"


@pytest.fixture
def huawei(monkeypatch):
    """The stand-in, two items a page, and the SDK's environment variables for it."""
    standin = StandIn().start()
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", GOOD_AK)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "stand-in-secret")
    monkeypatch.setenv("HUAWEICLOUD_SDK_DOMAIN_ID", "0a1b2c3d4e5f60718293a4b5c6d7e8f9")
    yield standin
    standin.stop()


def _config(standin: StandIn, retries: int = 2) -> LiveSettings:
    return LiveSettings(endpoint=standin.url, timeout=1.0, retries=retries, backoff=0.01)


def _fetch(standin: StandIn, retries: int = 2):
    config = _config(standin, retries)
    with org_client(config) as client:
        return fetch_org(client, config)


def _fetch_failing(standin: StandIn, retries: int = 2) -> str:
    with pytest.raises(OrgImportError) as raised:
        _fetch(standin, retries)
    return raised.value.sentence


def test_a_live_import_pages_through_every_listing_and_builds_the_organization(huawei):
    snapshot = _fetch(huawei)

    assert [u.name for u in snapshot.units] == ["Dev", "Prod", "Team A"]
    assert [a.name for a in snapshot.accounts] == [
        "management", "dev-one", "prod-one", "prod-two", "team-a-one",
    ]  # fmt: skip
    assert [p.id for p in snapshot.policies] == ["p-FullAccess", "p-noshare001"]
    assert len(snapshot.attachments) == 10
    # FullAccess is on 9 nodes, two a page: five pages; the policies (3) take two
    assert huawei.requests.count(f"{API}/policies/p-FullAccess/attached-entities") == 5
    assert huawei.requests.count(f"{API}/policies") == 2
    assert huawei.requests.count(f"{API}/organizational-units") == 4  # the root and 3 OUs


def test_a_live_import_and_the_same_answers_saved_to_files_agree(huawei, tmp_path):
    huawei.save(tmp_path)

    live = _fetch(huawei)

    assert live == read_org_files(tmp_path)


def test_a_rate_limited_answer_is_tried_again_and_the_import_goes_on(huawei):
    huawei.faults[f"{API}/accounts"] = Fault(status=429, times=2)

    snapshot = _fetch(huawei)

    assert len(snapshot.accounts) == 5
    # one listing for the root and each of the 3 OUs, and the root's asked twice more
    assert huawei.requests.count(f"{API}/accounts") == 4 + 2


@pytest.mark.parametrize(
    ("path", "fault", "sentence"),
    [
        (
            f"{API}/policies",
            Fault(status=429),
            "Huawei kept answering 'too many requests' to GET /v1/organizations/policies "
            "(HTTP 429) after 3 tries: import again later.",
        ),
        (
            f"{API}/roots",
            Fault(status=500),
            "Huawei Organizations failed to answer GET /v1/organizations/roots (HTTP 500): try "
            "again later.",
        ),
        (
            f"{API}/policies/p-noshare001",
            Fault(delay=2.5),
            "Huawei did not answer GET /v1/organizations/policies/p-noshare001 within 1 "
            "seconds: try again later, or raise ORG_IMPORT_TIMEOUT.",
        ),
        (
            f"{API}/accounts",
            Fault(body='{"accounts": [{"id": '),
            "GET /v1/organizations/accounts?parent_id=r-abcd1234: the answer is not valid JSON.",
        ),
        (
            f"{API}/policies/p-noshare001",
            Fault(body=json.dumps({"policy": {"content": None}})),
            "GET /v1/organizations/policies/p-noshare001: policy.content must be a string, not "
            "null.",
        ),
        (
            f"{API}/organizational-units",
            Fault(body=json.dumps({"organizational_units": [{"id": "ou_x", "name": 1}]})),
            "GET /v1/organizations/organizational-units?parent_id=r-abcd1234, "
            "organizational_units[0]: the id 'ou_x' is not a Huawei id (\"ou-\" then letters, "
            'digits, "-", "_").',
        ),
        (
            f"{API}/policies/p-FullAccess/attached-entities",
            Fault(body=json.dumps({"attached_entities": 5})),
            "GET /v1/organizations/policies/p-FullAccess/attached-entities: attached_entities "
            "must be a list, not a number.",
        ),
    ],
    ids=[
        "429 every time", "500", "slow", "not JSON", "content null", "id shape",
        "not a list",
    ],
)  # fmt: skip
def test_each_fault_ends_in_a_sentence(huawei, path, fault, sentence):
    huawei.faults[path] = fault

    found = _fetch_failing(huawei)

    assert found == sentence


def test_wrong_credentials_are_refused_with_a_sentence_naming_the_variables(huawei, monkeypatch):
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "AKWRONG0000000000000")

    found = _fetch_failing(huawei)

    assert found.startswith(
        "Huawei refused the credentials for GET /v1/organizations/roots (HTTP 401): check "
        "HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK."
    )


def test_no_credentials_at_all_is_a_sentence_before_any_request(huawei, monkeypatch):
    monkeypatch.delenv("HUAWEICLOUD_SDK_AK")
    monkeypatch.delenv("HUAWEICLOUD_SDK_SK")

    with pytest.raises(OrgImportError) as raised, org_client(_config(huawei)):
        pass

    assert raised.value.sentence.startswith("No Huawei credentials: set HUAWEICLOUD_SDK_AK")
    assert huawei.requests == []


def test_a_marker_that_repeats_stops_the_walk(huawei):
    page = {"roots": [], "page_info": {"current_count": 0, "next_marker": "mk-9"}}
    huawei.faults[f"{API}/roots"] = Fault(body=json.dumps(page))

    found = _fetch_failing(huawei)

    assert found == "GET /v1/organizations/roots: the pages repeat (marker 'mk-9')."


def test_the_settings_give_the_endpoint_timeout_and_retries(settings):
    settings.ORG_IMPORT_ENDPOINT = "http://127.0.0.1:9"
    settings.ORG_IMPORT_TIMEOUT = 4.0
    settings.ORG_IMPORT_RETRIES = 50

    config = LiveSettings.from_django()

    assert (config.endpoint, config.timeout, config.retries) == ("http://127.0.0.1:9", 4.0, 10)

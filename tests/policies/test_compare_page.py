"""The compare page: each API some request sees differently, which way, the witness request
in words and as a context to copy, the deciding statement; what was proved when nothing
differs; and the request-context panel narrowing the question."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.snapshot import catalog_snapshot
from scpstudio.engine.preview import PreviewContext, preview_policy
from scpstudio.policies import services
from tests.policies.library import (
    SHARE_API,
    SHARE_GUARD,
    SHARE_GUARD_WITH_DEV,
    deny,
    policy_text,
    saved,
    share_guard,
)

pytestmark = pytest.mark.django_db

NOTHING = "No request is treated differently by the two versions."
NOTHING_HERE = (
    "No request is treated differently by the two versions under the request context given."
)


@pytest.fixture
def widened(alice):
    """The issue's example: version 2 adds ou-dev to the OUs images may be shared into."""
    policy = saved(alice, document=SHARE_GUARD)
    services.save_version(user=alice, policy=policy, document=SHARE_GUARD_WITH_DEV, base_version=1)
    return policy


def _page(client: Client, policy, query: str = "from=1&to=2") -> str:
    client.force_login(policy.owner)
    response = client.get(f"/policies/{policy.pk}/compare/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def _rows(body: str) -> list[str]:
    return re.findall(r'<tr class="change-[^"]*">.*?</tr>', body, re.S)


def _witness_contexts(body: str) -> list[dict]:
    found = re.findall(r'<pre class="witness-json"><code>(.*?)</code></pre>', body, re.S)
    return [json.loads(html.unescape(text)) for text in found]


def _share_outcome(document: str, context: dict) -> str:
    rows = preview_policy(document, catalog_snapshot(), "scp", PreviewContext.from_json(context))
    return next(r.outcome.value for r in rows.apis if r.label == SHARE_API)


def test_an_ou_added_to_the_share_guard_is_listed_as_newly_allowed_with_its_witness(
    client, widened
):
    body = _page(client, widened)

    (row,) = _rows(body)
    assert "/v2/images/{image_id}/members" in row
    assert "Newly allowed" in row
    words = html.unescape(re.search(r'<p class="witness-words">(.*?)</p>', row, re.S)[1])
    assert words.startswith(
        "newly allowed: sharing images (POST /v2/images/{image_id}/members) when "
        "ims:TargetOrgPaths is o-abc123/r-xyz/ou-dev/"
    )
    assert words.endswith("(denied before, allowed now)")
    assert "statement “ShareInsideOrg”" in html.unescape(row)
    assert "1 API treats some request differently: 1 newly allowed." in body


def test_the_witness_shown_for_copying_is_a_context_the_preview_reads_both_ways(client, widened):
    (context,) = _witness_contexts(_page(client, widened))

    assert list(context) == ["keys"]
    assert _share_outcome(SHARE_GUARD, context) == "denied"
    assert _share_outcome(SHARE_GUARD_WITH_DEV, context) == "allowed"


def test_a_context_outside_the_new_ou_proves_nothing_changes_under_it(client, widened):
    query = "from=1&to=2&ctx_keys=ims:TargetOrgPaths%3Do-abc123/r-xyz/ou-test/acc1"

    body = _page(client, widened, query)

    assert _rows(body) == []
    assert NOTHING_HERE in body
    assert "ims:TargetOrgPaths = o-abc123/r-xyz/ou-test/acc1" in body  # said back in words
    assert ">ims:TargetOrgPaths=o-abc123/r-xyz/ou-test/acc1</textarea>" in body  # kept


def test_a_context_inside_the_new_ou_shows_denied_before_and_allowed_now(client, widened):
    query = "from=1&to=2&ctx_keys=ims:TargetOrgPaths%3Do-abc123/r-xyz/ou-dev/acc1"

    (row,) = _rows(_page(client, widened, query))

    assert "outcome-denied" in row and "outcome-allowed" in row
    assert "ims:TargetOrgPaths is o-abc123/r-xyz/ou-dev/acc1" in row


def test_without_a_context_every_request_is_compared_and_the_claim_says_so(client, alice):
    policy = saved(alice, document=SHARE_GUARD)
    reordered = share_guard("o-abc123/r-xyz/ou-prod/*", "o-abc123/r-xyz/ou-prod/*")
    services.save_version(user=alice, policy=policy, document=reordered, base_version=1)

    body = _page(client, policy)

    assert NOTHING in body
    assert "Every request is compared" in body
    assert "No API changes outcome" not in body


def test_a_change_the_engine_cannot_decide_is_said_plainly_never_as_no_change(client, alice):
    # numbers have too many spellings to try each against a pattern: never "no change"
    def guard(condition: dict) -> str:
        return policy_text(deny(["ims:images:list"], Condition=condition))

    before = guard({"StringMatch": {"g:MFAAge": "5*"}})
    after = guard({"StringMatch": {"g:MFAAge": "5*"}, "NumberLessThan": {"g:MFAAge": 99}})
    policy = saved(alice, document=before)
    services.save_version(user=alice, policy=policy, document=after, base_version=1)

    body = _page(client, policy)

    (row,) = _rows(body)
    assert "Not decided" in row
    assert "viewing images (GET /v2/cloudimages): the values the policies compare" in row
    assert NOTHING not in body
    assert "a difference there is not ruled out" in body


def test_context_lines_that_cannot_be_used_are_said_and_kept(client, widened):
    query = "from=1&to=2&ctx_keys=no+equals+sign%0Aims:TargetOrgPaths%3D" + "x" * 1100

    body = _page(client, widened, query)

    assert "Context line 1 is not key=value" in body
    assert "Context line 2: A value longer than 1,024 characters is left out." in body
    assert "no equals sign" in body.split('<textarea id="ctx_keys"', 1)[1]


def test_the_context_panel_sends_the_versions_again(client, widened):
    body = _page(client, widened, "from=2&to=1")

    form = body.split('<form id="compare-context" method="get"', 1)[1].split("</form>", 1)[0]
    assert f'action="/policies/{widened.pk}/compare/"' in form
    assert '<input type="hidden" name="from" value="2">' in form
    assert '<input type="hidden" name="to" value="1">' in form


def test_without_full_access_a_refusal_by_nothing_is_told_from_a_deny(client, alice):
    policy = saved(alice, document=policy_text(deny(["ims:images:get"])))
    services.save_version(
        user=alice, policy=policy, document=policy_text(deny(["ims:quotas:get"])), base_version=1
    )

    with_it = _page(client, policy, "from=1&to=2&full_access_shown=1&full_access=1")
    without = _page(client, policy, "from=1&to=2&full_access_shown=1")

    assert "Newly allowed" in with_it
    assert "Without FullAccess beside the policy." in without
    assert "Refused differently" in without


def test_a_key_the_request_does_not_carry_is_given_with_nothing_after_the_equals_sign(
    client, widened
):
    # without ims:TargetOrgPaths, ForAnyValue:StringNotMatch matches nothing: no Deny applies
    body = _page(client, widened, "from=1&to=2&ctx_keys=ims:TargetOrgPaths%3D")

    assert NOTHING_HERE in body
    assert "ims:TargetOrgPaths absent" in body


def test_an_action_answered_differently_that_no_api_shows_is_still_said(client, alice):
    # exporting an image also needs obs:object:GetObject, denied on both sides: the export
    # API is denied alike, but ims:images:export itself is no longer denied
    both = ["ims:images:export", "obs:object:GetObject"]
    policy = saved(alice, document=policy_text(deny(both)))
    services.save_version(
        user=alice, policy=policy, document=policy_text(deny(both[1:])), base_version=1
    )

    body = html.unescape(_page(client, policy))

    assert _rows(body) == []
    assert "No request to an API is treated differently by the two versions." in body
    assert "newly allowed: exporting images (ims:images:export) for any request" in body
    assert NOTHING not in body


def test_a_version_that_is_not_json_makes_no_claim_about_requests(client, alice):
    policy = saved(alice, document=SHARE_GUARD)
    services.save_version(user=alice, policy=policy, document='{"Version": ', base_version=1)

    body = _page(client, policy)

    assert "Version 2 cannot be read. The policy is not valid JSON" in body
    assert "The two versions' meaning was not compared." in html.unescape(body)
    assert "No request is treated" not in body


_QUERY_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["1", "2", "0", "-1", "99999999999", "ims:TargetOrgPaths=\x00", "=,"]),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    query=st.dictionaries(
        st.sampled_from(
            ["from", "to", "ctx_keys", "ctx_region", "ctx_account", "ctx_rid_image", "full_access"]
        ),
        _QUERY_VALUES,
    )
)
def test_any_query_gets_the_page_or_a_sentence_never_a_server_error(client, widened, query):
    client.force_login(widened.owner)

    response = client.get(f"/policies/{widened.pk}/compare/", {"from": "1", **query})

    assert response.status_code in (200, 400), query

"""The exact diff: every API some request treats differently, with a confirmed witness."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scpstudio.engine.diff import diff_policies
from scpstudio.engine.diff_words import change_in_words
from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.evaluate import Outcome
from scpstudio.engine.preview import PreviewContext, preview_policy
from tests.engine.helpers import allow, deny, policy

SHARE = "POST /v2/images/{image_id}/members"
GET = "GET /v2/images/{image_id}"
COPY = "POST /v1/cloudimages/{image_id}/copy"
LIST = "GET /v2/cloudimages"
CREATE = "POST /v2/images"
PATCH = "PATCH /v2/cloudimages/{image_id}"
BIG = 60_000  # budget (ms) for tests: decisions must not depend on the machine's load


def apis(before: Any, after: Any, catalog: Any, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("budget_ms", BIG)
    diff = diff_policies(before, after, catalog, **kwargs)
    return {f"{c.method} {c.path}": c for c in diff.of_kind("api")}


def outcome(
    doc: Any, context: PreviewContext, label: str, catalog: Any, profile="scp", full_access=True
):
    """What the preview (the whole preview, not the diff's search) says for one API."""
    rows = preview_policy(doc, catalog, profile, context, full_access=full_access).apis
    return next(r.outcome for r in rows if r.label == label)


def assert_confirmed(change, before, after, catalog, profile="scp", full_access=True) -> None:
    label = f"{change.method} {change.path}"
    for witness in change.witnesses:
        old = outcome(before, witness.context, label, catalog, profile, full_access)
        new = outcome(after, witness.context, label, catalog, profile, full_access)
        if witness.direction == "newly_allowed":
            assert old is not Outcome.ALLOWED and new is Outcome.ALLOWED, witness
        else:
            assert old is Outcome.ALLOWED and new is not Outcome.ALLOWED, witness


def share_guard(*org_paths: str) -> dict[str, Any]:
    return policy(
        deny(
            "ims:images:share",
            Sid="ShareInsideOrg",
            Resource="*",
            Condition={"ForAnyValue:StringNotMatch": {"ims:TargetOrgPaths": list(org_paths)}},
        )
    )


# -- the example -------------------------------------------------------------------


def test_adding_an_ou_to_the_share_guard_newly_allows_sharing_into_that_ou(ims):
    v1 = share_guard("o-abc123/r-xyz/ou-prod/*")
    v2 = share_guard("o-abc123/r-xyz/ou-prod/*", "o-abc123/r-xyz/ou-dev/*")

    found = apis(v1, v2, ims)

    share = found[SHARE]
    assert (share.before, share.after) == (Outcome.CONDITIONAL, Outcome.CONDITIONAL)
    assert share.change == "newly_allowed"
    (witness,) = share.witnesses
    (path,) = witness.context.keys["ims:TargetOrgPaths"]
    assert path.startswith("o-abc123/r-xyz/ou-dev/")
    assert_confirmed(share, v1, v2, ims)
    assert outcome(v1, witness.context, SHARE, ims) is Outcome.DENIED
    (words,) = change_in_words(share, ims)
    assert words.startswith("newly allowed: sharing images (POST /v2/images/{image_id}/members)")
    assert f"ims:TargetOrgPaths is {path}" in words
    assert share.to_json()["witness"] == witness.context.to_json()


def test_the_witness_is_a_context_scp_preview_reads(ims):
    v1 = share_guard("o-abc123/r-xyz/ou-prod/*")
    v2 = share_guard("o-abc123/r-xyz/ou-prod/*", "o-abc123/r-xyz/ou-dev/*")

    data = json.loads(json.dumps(apis(v1, v2, ims)[SHARE].to_json()))

    context = PreviewContext.from_json(data["witness"])
    assert outcome(v2, context, SHARE, ims) is Outcome.ALLOWED
    assert data["directions"] == {"newly_allowed": "found", "newly_denied": "none"}
    assert data["decided_by_before"]["sid"] == data["decided_by_after"]["sid"] == "ShareInsideOrg"
    assert data["witnesses"][0]["before"]["outcome"] == "denied"


def test_removing_the_ou_again_is_newly_denied(ims):
    v1 = share_guard("o-abc123/r-xyz/ou-prod/*", "o-abc123/r-xyz/ou-dev/*")
    v2 = share_guard("o-abc123/r-xyz/ou-prod/*")

    share = apis(v1, v2, ims)[SHARE]

    assert share.change == "newly_denied"
    assert_confirmed(share, v1, v2, ims)


def test_a_context_narrows_the_question_to_matching_requests(ims):
    v1 = share_guard("o-abc123/r-xyz/ou-prod/*")
    v2 = share_guard("o-abc123/r-xyz/ou-prod/*", "o-abc123/r-xyz/ou-dev/*")
    prod = {"keys": {"ims:TargetOrgPaths": ["o-abc123/r-xyz/ou-prod/acc9"]}}
    region = {"region": "cn-north-4"}

    assert SHARE not in apis(v1, v2, ims, context=prod)
    share = apis(v1, v2, ims, context=region)[SHARE]
    assert share.witness is not None and share.witness.context.region == "cn-north-4"


def test_past_the_budget_an_api_is_undecided_never_unchanged(ims):
    v1 = share_guard("o-abc123/r-xyz/ou-prod/*")
    v2 = share_guard("o-abc123/r-xyz/ou-prod/*", "o-abc123/r-xyz/ou-dev/*")

    share = apis(v1, v2, ims, budget_ms=0)[SHARE]

    assert share.change == "undecided"
    assert share.to_json()["undecided"] == "not decided: the diff's 0 ms were spent"


# -- no change -----------------------------------------------------------------------------


def test_a_policy_against_itself_lists_nothing(ims):
    doc = share_guard("o-abc123/r-xyz/ou-prod/*")

    assert diff_policies(doc, json.dumps(doc, indent=4), ims, budget_ms=BIG).changes == ()


def test_statements_split_merged_and_reordered_list_nothing(ims):
    merged = policy(
        deny(
            ["ims:images:get", "ims:images:share"],
            Resource=["ims:cn-north-4:*:image:*", "ims:*:0a1b:image:*"],
            Condition={"StringEquals": {"g:SourceVpc": ["vpc-1", "vpc-2"]}},
        )
    )
    split = policy(
        *[
            deny(action, Resource=[resource], Condition={"StringEquals": {"g:SourceVpc": vpc}})
            for vpc in ("vpc-2", "vpc-1")
            for resource in ("ims:*:0a1b:image:*", "ims:cn-north-4:*:image:*")
            for action in ("ims:images:share", "ims:images:get")
        ]
    )

    assert diff_policies(merged, split, ims, budget_ms=BIG).changes == ()


# -- per dimension ---------------------------------------------------------------------------


def _guard(condition: dict[str, Any], action: str = "ims:images:list") -> dict[str, Any]:
    return policy(deny(action, Condition=condition))


@pytest.mark.parametrize(
    "old, new, change, key, check",
    [
        # strings with wildcards: curl/8 was denied, is no longer
        (
            {"StringMatch": {"g:UserAgent": "curl/*"}},
            {"StringMatch": {"g:UserAgent": "curl/7*"}},
            "newly_allowed",
            "g:UserAgent",
            lambda v: v[0].startswith("curl/") and not v[0].startswith("curl/7"),
        ),
        # case rules: PROD matched ignoring case, not exactly
        (
            {"StringEqualsIgnoreCase": {"g:PrincipalTag/env": "prod"}},
            {"StringEquals": {"g:PrincipalTag/env": "prod"}},
            "newly_allowed",
            "g:PrincipalTag/env",
            lambda v: v[0].casefold() == "prod" and v[0] != "prod",
        ),
        # numbers
        (
            {"NumberGreaterThan": {"g:MFAAge": 600}},
            {"NumberGreaterThan": {"g:MFAAge": "300"}},
            "newly_denied",
            "g:MFAAge",
            lambda v: 300 < float(v[0]) <= 600,
        ),
        # dates
        (
            {"DateGreaterThan": {"g:CurrentTime": "2026-01-01T00:00:00Z"}},
            {"DateGreaterThan": {"g:CurrentTime": "2026-06-01T00:00:00+02:00"}},
            "newly_allowed",
            "g:CurrentTime",
            lambda v: "2026-01-01T00:00:00Z" < v[0] <= "2026-05-31T22:00:00Z",
        ),
        # IPv4 ranges
        (
            {"IpAddress": {"g:SourceIp": "10.0.0.0/8"}},
            {"IpAddress": {"g:SourceIp": "10.1.0.0/16"}},
            "newly_allowed",
            "g:SourceIp",
            lambda v: v[0].startswith("10.") and not v[0].startswith("10.1."),
        ),
        # IPv6 ranges
        (
            {"NotIpAddress": {"g:SourceIp": "2001:db8::/32"}},
            {"NotIpAddress": {"g:SourceIp": "2001:db8::/48"}},
            "newly_denied",
            "g:SourceIp",
            lambda v: v[0].startswith("2001:db8:") and not v[0].startswith("2001:db8::"),
        ),
        # Null: denying requests without a VPC is dropped
        (
            {"Null": {"g:SourceVpc": "true"}},
            {"Null": {"g:SourceVpc": "false"}},
            "both",
            "g:SourceVpc",
            lambda v: True,
        ),
        # IfExists: an absent key was denied, is not any more
        (
            {"StringEqualsIfExists": {"g:SourceVpc": "vpc-1"}},
            {"StringEquals": {"g:SourceVpc": "vpc-1"}},
            "newly_allowed",
            "g:SourceVpc",
            lambda v: v == [],
        ),
    ],
)
def test_each_kind_of_value_is_told_apart(ims, old, new, change, key, check):
    before, after = _guard(old), _guard(new)

    found = apis(before, after, ims)[LIST]

    assert found.change == change
    assert_confirmed(found, before, after, ims)
    witness = found.witnesses[0]
    assert check(witness.context.keys[key]), witness


def test_booleans_change_both_ways(ims):
    before = _guard({"Bool": {"ims:Encrypted": "false"}}, "ims:images:copyInRegion")
    after = _guard({"Bool": {"ims:Encrypted": True}}, "ims:images:copyInRegion")

    found = apis(before, after, ims)[COPY]

    assert found.change == "both"
    assert {w.direction for w in found.witnesses} == {"newly_allowed", "newly_denied"}
    assert_confirmed(found, before, after, ims)


def test_for_all_values_on_an_absent_key_and_for_any_value_on_several(ims):
    before = _guard({"ForAllValues:StringEquals": {"g:TagKeys": ["a"]}}, "ims:images:create")
    after = _guard({"ForAnyValue:StringEquals": {"g:TagKeys": ["a"]}}, "ims:images:create")

    found = apis(before, after, ims)[CREATE]

    assert found.change == "both"
    assert_confirmed(found, before, after, ims)
    ways = {w.direction: w.context.keys["g:TagKeys"] for w in found.witnesses}
    assert ways["newly_allowed"] == []  # ForAllValues holds on an absent key
    assert "a" in ways["newly_denied"] and len(ways["newly_denied"]) >= 2


def test_resource_ids_with_wildcards(ims):
    before = policy(deny("ims:images:get", Resource="ims:*:*:image:img-*"))
    after = policy(deny("ims:images:get", Resource="ims:*:*:image:img-a*"))

    found = apis(before, after, ims)[GET]

    assert found.change == "newly_allowed"
    assert_confirmed(found, before, after, ims)
    image = found.witness.context.resource_ids["image"]
    assert image.startswith("img-") and not image.startswith("img-a")


def test_regions_prefer_a_known_region(ims):
    before = policy(deny("ims:images:get", Resource="ims:cn-north-4:*:image:*"))
    after = policy(deny("ims:images:get", Resource="ims:cn-north-*:*:image:*"))

    found = apis(before, after, ims)[GET]

    assert found.change == "newly_denied"
    region = found.witness.context.region
    assert region != "cn-north-4" and ims.region(region) is not None
    assert_confirmed(found, before, after, ims)


def test_not_action_and_not_resource(ims):
    before = policy({"Effect": "Deny", "NotAction": ["ims:images:get"]})
    after = policy({"Effect": "Deny", "NotAction": ["ims:images:get", "ims:images:list"]})
    kept = policy({"Effect": "Deny", "Action": "ims:images:get", "NotResource": "ims:*:*:image:k*"})

    found = apis(before, after, ims)
    own = apis(policy(deny("ims:images:get")), kept, ims)[GET]

    assert found[LIST].change == "newly_allowed"
    assert GET not in found
    assert own.change == "newly_allowed"
    assert own.witness.context.resource_ids["image"].startswith("k")


def test_a_denied_dependency_is_newly_denied_on_the_api(ims):
    before = policy(deny("ims:quotas:get"))
    after = policy(deny("ims:quotas:get"), deny("ims:images:get", Sid="NoGet"))

    found = apis(before, after, ims)[SHARE]

    assert found.change == "newly_denied"
    assert found.witness.after.decided_by.action == "ims:images:get"


def test_a_situation_is_its_own_entry(ims):
    diff = diff_policies(
        policy(deny("ims:quotas:get")), policy(deny("ims:serverImages:create")), ims, budget_ms=BIG
    )

    links = {(c.path, c.action): c for c in diff.of_kind("conditional_link")}

    link = links[("/v2/cloudimages/{image_id}", "ims:serverImages:create")]
    assert link.change == "newly_denied"
    assert "enterprise project" in change_in_words(link, ims)[0]


def test_identity_policies_count_allowed_against_refused(ims):
    before = policy(allow("ims:images:get", Resource="ims:*:*:image:img-*"))
    after = policy(allow("ims:images:get", Resource="ims:*:*:image:img-a*"))
    denied = policy(allow("ims:images:get", Resource="*"), deny("ims:images:list"))

    found = apis(before, after, ims, profile="identity")
    same_access = apis(
        policy(allow("ims:images:get", Resource="*")), denied, ims, profile="identity"
    )

    assert found[GET].change == "newly_denied"
    assert_confirmed(found[GET], before, after, ims, "identity")
    # not allowed before, denied now: refused either way, by nothing or by a Deny
    refused = same_access[LIST]
    assert refused.change == "refusal_changed"
    assert (refused.witness.before.outcome, refused.witness.after.outcome) == (
        Outcome.NOT_ALLOWED,
        Outcome.DENIED,
    )
    assert change_in_words(refused, ims)[0].startswith("refused differently: ")
    assert GET not in same_access


def test_a_key_the_action_does_not_carry_changes_nothing(ims):
    before = _guard({"Bool": {"ims:Encrypted": "false"}}, "ims:images:get")
    after = policy(deny("ims:quotas:get"))

    found = apis(before, after, ims)

    assert GET not in found


def test_a_dependency_outside_the_catalog_gives_a_witness_the_preview_leaves_open(ims):
    # obs:object:GetObject is not in the catalog: its resource type is unknown, so a Deny
    # naming buckets may or may not apply to it
    after = policy(deny("obs:object:GetObject", Resource="obs:*:*:bucket:*"))

    found = apis(policy(deny("ims:quotas:get")), after, ims)["POST /v1/cloudimages/{image_id}/file"]

    assert found.change == "newly_denied"
    assert not found.witness.certain
    assert found.witness.after.possible == {Outcome.DENIED, Outcome.ALLOWED}
    assert "(allowed before, denied or allowed now)" in change_in_words(found, ims)[0]


def test_an_allow_list_scp_without_full_access(ims):
    before = policy(allow("ims:images:*", Resource="*"))
    after = policy(allow(["ims:images:list", "ims:images:get"], Resource="*"))

    found = apis(before, after, ims, profile="scp-2024", full_access=False)

    assert found[SHARE].change == "newly_denied"  # share is no longer allowed at all
    assert GET not in found
    assert_confirmed(found[SHARE], before, after, ims, "scp-2024", full_access=False)


def test_a_number_key_compared_with_a_string_constant_is_decided_exactly(ims):
    # "5" is the only text equal to the constant, and it is less than 99
    before = _guard({"StringEquals": {"g:MFAAge": "5"}})
    after = _guard({"StringEquals": {"g:MFAAge": "5"}, "NumberLessThan": {"g:MFAAge": 99}})

    assert LIST not in apis(before, after, ims)


def test_a_number_key_matched_against_a_pattern_is_undecided_never_unchanged(ims):
    # numbers have too many spellings to try every one against a pattern
    before = _guard({"StringMatch": {"g:MFAAge": "5*"}})
    after = _guard({"StringMatch": {"g:MFAAge": "5*"}, "NumberLessThan": {"g:MFAAge": 99}})

    found = apis(before, after, ims)[LIST]

    assert "none" not in dict(found.exact.status).values()


def test_a_hostile_pair_within_the_limits_is_undecided_not_unchanged(ims):
    def hostile(letter: str) -> dict[str, Any]:
        values = [("*" + letter + chr(ord("a") + i)) * 90 for i in range(8)]
        condition = {"StringMatch": {"g:UserAgent": values}}
        return policy(*[deny("ims:images:get", Condition=condition) for _ in range(3)])

    found = apis(hostile("a"), hostile("b"), ims, budget_ms=50)[GET]

    assert found.change == "undecided"
    assert found.exact.undecided.startswith(("not decided", "the values"))


def test_a_pair_past_the_limits_is_refused_with_a_sentence_never_called_unchanged(ims):
    pattern = "*a" * 500
    huge = policy(
        *[
            deny("ims:images:get", Condition={"StringMatch": {"g:UserAgent": [pattern] * 20}})
            for _ in range(20)
        ]
    )

    with pytest.raises(EngineInputError, match="at most 24,576 are read"):
        diff_policies(huge, policy(deny("ims:images:get")), ims)

"""Evaluation (policy-language.md §4-5): missing keys, qualifiers, resources, levels."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scpstudio.engine.evaluate import (
    Level,
    Outcome,
    Request,
    ResourceRef,
    evaluate,
    evaluate_path,
    match_urn,
    resource_part,
)
from scpstudio.engine.evaluate_statement import MAX_KEYS_REMEMBERED, Subject
from scpstudio.engine.policy import compile_policy
from tests.engine.helpers import allow, deny, policy

IMAGE = ResourceRef("ims", "cn-north-4", "0a1b", "image", "img-1")
LIST = "ims:images:list"
TAGGED = "ims:images:create"  # carries g:TagKeys and g:RequestTag/<tag-key>


def outcome(doc, action, context, catalog, *, resource=None, full_access=True):
    request = Request(action, resource, context)
    return evaluate(request, [doc], catalog, full_access=full_access).outcome


# -- missing keys ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "absent", "present_match", "present_other"),
    [
        ("StringEquals", Outcome.ALLOWED, Outcome.DENIED, Outcome.ALLOWED),
        ("StringNotEquals", Outcome.DENIED, Outcome.ALLOWED, Outcome.DENIED),
        ("StringEqualsIfExists", Outcome.DENIED, Outcome.DENIED, Outcome.ALLOWED),
        ("StringNotEqualsIfExists", Outcome.DENIED, Outcome.ALLOWED, Outcome.DENIED),
        ("StringMatch", Outcome.ALLOWED, Outcome.DENIED, Outcome.ALLOWED),
        ("StringNotMatch", Outcome.DENIED, Outcome.ALLOWED, Outcome.DENIED),
    ],
)
def test_single_valued_key_absent_and_present(ims, operator, absent, present_match, present_other):
    doc = policy(deny(LIST, Condition={operator: {"g:SourceVpc": "vpc-1"}}))

    assert outcome(doc, "ims:images:list", {"g:SourceVpc": []}, ims) is absent
    assert outcome(doc, "ims:images:list", {"g:SourceVpc": ["vpc-1"]}, ims) is present_match
    assert outcome(doc, "ims:images:list", {"g:SourceVpc": ["vpc-2"]}, ims) is present_other


@pytest.mark.parametrize(
    ("operator", "absent", "all_listed", "some_other"),
    [
        ("ForAnyValue:StringEquals", Outcome.ALLOWED, Outcome.DENIED, Outcome.DENIED),
        ("ForAllValues:StringEquals", Outcome.DENIED, Outcome.DENIED, Outcome.ALLOWED),
        ("ForAnyValue:StringNotEquals", Outcome.ALLOWED, Outcome.ALLOWED, Outcome.DENIED),
        ("ForAllValues:StringNotEquals", Outcome.DENIED, Outcome.ALLOWED, Outcome.ALLOWED),
    ],
)
def test_qualifiers_on_a_multivalued_key(ims, operator, absent, all_listed, some_other):
    doc = policy(deny(TAGGED, Condition={operator: {"g:TagKeys": ["owner", "env"]}}))

    assert outcome(doc, TAGGED, {"g:TagKeys": []}, ims) is absent
    assert outcome(doc, TAGGED, {"g:TagKeys": ["owner", "env"]}, ims) is all_listed
    assert outcome(doc, TAGGED, {"g:TagKeys": ["owner", "cost"]}, ims) is some_other


def test_forallvalues_allow_grants_when_the_key_is_absent(ims):
    doc = policy(allow(TAGGED, Condition={"ForAllValues:StringEquals": {"g:TagKeys": ["owner"]}}))

    assert outcome(doc, TAGGED, {"g:TagKeys": []}, ims, full_access=False) is Outcome.ALLOWED
    assert outcome(doc, TAGGED, {"g:TagKeys": ["x"]}, ims, full_access=False) is Outcome.NOT_ALLOWED


def test_null_operator(ims):
    absent_doc = policy(deny(LIST, Condition={"Null": {"g:SourceVpc": "true"}}))
    present_doc = policy(deny(LIST, Condition={"Null": {"g:SourceVpc": "false"}}))

    assert outcome(absent_doc, "ims:images:list", {"g:SourceVpc": []}, ims) is Outcome.DENIED
    assert outcome(absent_doc, "ims:images:list", {"g:SourceVpc": ["v"]}, ims) is Outcome.ALLOWED
    assert outcome(present_doc, "ims:images:list", {"g:SourceVpc": ["v"]}, ims) is Outcome.DENIED


@pytest.mark.parametrize(
    ("condition", "context", "expected"),
    [
        ({"Bool": {"g:MFAPresent": "false"}}, {"g:MFAPresent": ["false"]}, Outcome.DENIED),
        ({"Bool": {"g:MFAPresent": False}}, {"g:MFAPresent": [True]}, Outcome.ALLOWED),
        ({"NumberGreaterThan": {"g:MFAAge": 3600}}, {"g:MFAAge": ["7200"]}, Outcome.DENIED),
        ({"NumberGreaterThan": {"g:MFAAge": "3600"}}, {"g:MFAAge": [60]}, Outcome.ALLOWED),
        (
            {"NotIpAddress": {"g:SourceIp": "10.0.0.0/8"}},
            {"g:SourceIp": ["10.1.2.3"]},
            Outcome.ALLOWED,
        ),
        (
            {"NotIpAddress": {"g:SourceIp": "10.0.0.0/8"}},
            {"g:SourceIp": ["8.8.8.8"]},
            Outcome.DENIED,
        ),
        (
            {"DateGreaterThan": {"g:CurrentTime": "2026-01-01T00:00:00Z"}},
            {"g:CurrentTime": ["2026-06-01T00:00:00+08:00"]},
            Outcome.DENIED,
        ),
        (
            {"StringEqualsIgnoreCase": {"g:PrincipalType": "User"}},
            {"g:PrincipalType": ["USER"]},
            Outcome.DENIED,
        ),
        (
            {"StringEquals": {"g:PrincipalType": "User"}},
            {"g:PrincipalType": ["USER"]},
            Outcome.ALLOWED,
        ),
        (
            {"StringMatch": {"g:PrincipalUrn": "iam::*:user:a?"}},
            {"g:PrincipalUrn": ["iam::1:user:ab"]},
            Outcome.DENIED,
        ),
    ],
)
def test_operator_families(ims, condition, context, expected):
    doc = policy(deny(LIST, Condition=condition))

    assert outcome(doc, "ims:images:list", context, ims) is expected


def test_condition_key_names_are_case_insensitive(ims):
    doc = policy(deny(LIST, Condition={"Bool": {"G:MFAPRESENT": "false"}}))

    assert outcome(doc, "ims:images:list", {"g:MFAPresent": ["false"]}, ims) is Outcome.DENIED


# -- per-action key presence --------------------------------------------------------------


def test_service_key_is_absent_for_actions_that_do_not_list_it(ims):
    doc = policy(
        deny(
            ["ims:images:get", "ims:images:copyInRegion"],
            Condition={"Bool": {"ims:Encrypted": "false"}},
        )
    )
    context = {"ims:Encrypted": ["false"]}

    assert outcome(doc, "ims:images:copyInRegion", context, ims, resource=IMAGE) is Outcome.DENIED
    assert outcome(doc, "ims:images:get", context, ims, resource=IMAGE) is Outcome.ALLOWED


def test_listed_global_key_is_absent_for_other_actions(ims):
    doc = policy(deny("ims:*:*", Condition={"StringNotEquals": {"g:EnterpriseProjectId": "ep-1"}}))

    # ims:images:list lists g:EnterpriseProjectId; ims:quotas:get does not (negated: true)
    assert (
        outcome(doc, "ims:images:list", {"g:EnterpriseProjectId": ["ep-1"]}, ims) is Outcome.ALLOWED
    )
    assert (
        outcome(doc, "ims:quotas:get", {"g:EnterpriseProjectId": ["ep-1"]}, ims) is Outcome.DENIED
    )


def test_templated_key_is_present_for_the_actions_that_list_its_template(ims):
    doc = policy(deny("ims:*:*", Condition={"StringEquals": {"g:RequestTag/owner": "bob"}}))
    context = {"g:RequestTag/owner": ["bob"]}

    assert outcome(doc, "ims:images:create", context, ims) is Outcome.DENIED
    assert outcome(doc, "ims:quotas:get", context, ims) is Outcome.ALLOWED


# -- unknown context ----------------------------------------------------------------------


def test_unknown_key_gives_conditional_with_the_deciding_condition(ims):
    doc = policy(
        deny(
            "ims:images:copyInRegion", Sid="NoPlain", Condition={"Bool": {"ims:Encrypted": "false"}}
        )
    )

    decision = evaluate(Request("ims:images:copyInRegion", IMAGE), [doc], ims, full_access=True)

    assert decision.outcome is Outcome.CONDITIONAL
    assert decision.possible == {Outcome.DENIED, Outcome.ALLOWED}
    assert decision.conditions == ('denied when ims:Encrypted is false (statement "NoPlain")',)
    assert decision.decided_by is not None and decision.decided_by.sid == "NoPlain"


def test_unknown_key_that_cannot_matter_is_not_conditional(ims):
    doc = policy(
        deny(
            "ims:images:copyInRegion",
            Condition={"Bool": {"ims:Encrypted": "false"}, "Null": {"g:SourceVpc": "true"}},
        )
    )

    decision = evaluate(
        Request("ims:images:copyInRegion", IMAGE, {"g:SourceVpc": ["vpc-1"]}),
        [doc],
        ims,
        full_access=True,
    )

    assert decision.outcome is Outcome.ALLOWED


def test_unknown_deny_without_any_allow_is_conditional_between_denied_and_not_allowed(ims):
    doc = policy(deny(LIST, Condition={"Bool": {"g:MFAPresent": "false"}}))

    decision = evaluate(Request("ims:images:list"), [doc], ims)

    assert decision.outcome is Outcome.CONDITIONAL
    assert decision.possible == {Outcome.DENIED, Outcome.NOT_ALLOWED}


# -- resources ---------------------------------------------------------------------------


def test_resource_pattern_matches_an_image_whose_id_is_unknown(ims):
    doc = policy(deny("ims:images:get", Resource="ims:*:*:image:*"))

    request = Request("ims:images:get", ResourceRef("ims", None, None, "image", None))

    assert evaluate(request, [doc], ims, full_access=True).outcome is Outcome.DENIED


def test_specific_resource_pattern_with_unknown_id_is_conditional(ims):
    doc = policy(deny("ims:images:get", Resource="ims:*:*:image:img-*"))

    unknown = Request("ims:images:get", ResourceRef("ims", "r", "a", "image", None))
    known = Request("ims:images:get", ResourceRef("ims", "r", "a", "image", "other"))

    assert evaluate(unknown, [doc], ims, full_access=True).outcome is Outcome.CONDITIONAL
    assert evaluate(known, [doc], ims, full_access=True).outcome is Outcome.ALLOWED


def test_not_resource_excludes_the_listed_resources(ims):
    doc = policy(deny("ims:images:get", NotResource="ims:*:*:image:golden-*"))

    golden = Request("ims:images:get", ResourceRef.parse("ims:r:a:image:golden-1"))
    other = Request("ims:images:get", ResourceRef.parse("ims:r:a:image:tmp-1"))

    assert evaluate(golden, [doc], ims, full_access=True).outcome is Outcome.ALLOWED
    assert evaluate(other, [doc], ims, full_access=True).outcome is Outcome.DENIED


def test_specific_urn_never_matches_an_action_without_resource_level_permissions(ims):
    doc = policy(deny(["ims:images:list", "ims:images:get"], Resource="ims:*:*:image:*"))

    assert outcome(doc, "ims:images:list", {}, ims) is Outcome.ALLOWED
    assert outcome(doc, "ims:images:get", {}, ims, resource=IMAGE) is Outcome.DENIED


def test_not_action_applies_to_every_other_action(ims):
    doc = policy({"Effect": "Deny", "NotAction": ["ims:images:list", "ims:images:get"]})

    assert outcome(doc, "ims:images:list", {}, ims) is Outcome.ALLOWED
    assert outcome(doc, "ims:quotas:get", {}, ims) is Outcome.DENIED
    assert outcome(doc, "obs:object:GetObject", {}, ims) is Outcome.DENIED


def test_action_matching_is_case_insensitive(ims):
    doc = policy(deny("IMS:Images:Get"))

    assert outcome(doc, "ims:images:get", {}, ims, resource=IMAGE) is Outcome.DENIED


def test_dependency_of_another_service_is_evaluated_by_pattern(ims):
    doc = policy(deny("obs:object:*"))

    assert outcome(doc, "obs:object:GetObject", {}, ims) is Outcome.DENIED
    assert outcome(doc, "obs:bucket:ListBucket", {}, ims) is Outcome.ALLOWED


# -- one node, identity policies, organization paths ----------------------------------------


def test_identity_policy_without_an_applying_allow_is_not_allowed(ims):
    doc = policy(allow("ims:images:list"))

    assert outcome(doc, "ims:images:list", {}, ims, full_access=False) is Outcome.ALLOWED
    assert outcome(doc, "ims:quotas:get", {}, ims, full_access=False) is Outcome.NOT_ALLOWED


def test_explicit_deny_beats_allow_in_the_same_node(ims):
    docs = [policy(allow("ims:*:*")), policy(deny("ims:quotas:get"))]

    decision = evaluate(Request("ims:quotas:get"), docs, ims)

    assert decision.outcome is Outcome.DENIED


def test_every_level_must_allow_and_a_deny_anywhere_wins(ims):
    deny_quota = compile_policy(policy(deny("ims:quotas:get", Sid="NoQuota")), ims, name="no-quota")
    allow_list = compile_policy(policy(allow("ims:images:list")), ims, name="allow-list")
    root = Level("root", [])
    ou_denies = Level("ou", [deny_quota])
    account_allowlist = Level("account", [allow_list], full_access=False)

    quota = evaluate_path(Request("ims:quotas:get"), [root, ou_denies, Level("acct", [])], ims)
    listing = evaluate_path(Request("ims:images:list"), [root, account_allowlist], ims)
    other = evaluate_path(Request("ims:images:getJob"), [root, account_allowlist], ims)

    assert quota.outcome is Outcome.DENIED
    assert quota.decided_by is not None
    assert (quota.decided_by.level, quota.decided_by.sid, quota.decided_by.policy) == (
        "ou",
        "NoQuota",
        "no-quota",
    )
    assert listing.outcome is Outcome.ALLOWED
    assert other.outcome is Outcome.NOT_ALLOWED
    assert other.decided_by is not None and other.decided_by.level == "account"


def test_full_access_is_built_in_at_every_level(ims):
    decision = evaluate_path(Request("ims:quotas:get"), [Level("root", []), Level("ou", [])], ims)

    assert decision.outcome is Outcome.ALLOWED
    assert decision.decided_by is not None and decision.decided_by.policy == "FullAccess"


def test_explanation_says_why_each_statement_applied_or_not(ims):
    doc = policy(
        deny("ims:images:get", Sid="A"),
        deny("ims:images:copyInRegion", Sid="B"),
        deny("ims:images:get", Sid="C", Condition={"Bool": {"g:MFAPresent": "false"}}),
    )

    decision = evaluate(Request("ims:images:get", IMAGE, {"g:MFAPresent": ["true"]}), [doc], ims)
    traces = {t.sid: t for t in decision.statements}

    assert traces["A"].applies is True
    assert traces["B"].applies is False and "does not list" in traces["B"].action_reason
    assert traces["C"].applies is False
    assert traces["C"].conditions[0].result is False
    assert traces["C"].conditions[0].text == "g:MFAPresent is false"
    assert decision.to_json()["statements"][0]["applies"] == "true"


def test_invalid_statement_is_ignored(ims):
    doc = policy({"Effect": "Maybe", "Action": "ims:quotas:get"})

    assert outcome(doc, "ims:quotas:get", {}, ims) is Outcome.ALLOWED


def test_duplicated_condition_key_counts_once_the_last_value_like_json_readers(ims):
    text = (
        '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ims:images:list",'
        ' "Condition": {"Bool": {"g:MFAPresent": "true", "g:MFAPresent": "false"}}}]}'
    )

    assert outcome(text, LIST, {"g:MFAPresent": ["false"]}, ims) is Outcome.DENIED
    assert outcome(text, LIST, {"g:MFAPresent": ["true"]}, ims) is Outcome.ALLOWED


def test_request_from_json(ims):
    request = Request.from_json(
        {"action": "ims:images:get", "resource": "ims:r:a:image:{?}", "context": {"g:SourceIp": []}}
    )

    assert request.resource == "ims:r:a:image:{?}"
    assert (
        evaluate(request, [policy(deny(Resource="ims:*:*:image:*"))], ims).outcome is Outcome.DENIED
    )
    with pytest.raises(ValueError, match="action"):
        Request.from_json({"resource": "*"})
    with pytest.raises(ValueError, match="context"):
        Request.from_json({"action": "a:b:c", "context": {"k": {"x": 1}}})


def test_management_account_has_no_scp_levels_and_is_allowed(ims):
    decision = evaluate_path(Request("ims:images:share"), [], ims)

    assert decision.outcome is Outcome.ALLOWED


def test_conditional_along_a_path_names_the_level(ims):
    ou = compile_policy(
        policy(deny(LIST, Sid="NoMfa", Condition={"Bool": {"g:MFAPresent": "false"}})),
        ims,
        name="mfa",
    )

    decision = evaluate_path(Request(LIST), [Level("root", []), Level("ou-dev", [ou])], ims)

    assert decision.outcome is Outcome.CONDITIONAL
    assert decision.conditions == (
        'denied when g:MFAPresent is false (statement "NoMfa" of mfa at ou-dev)',
    )
    assert decision.decided_by is not None and decision.decided_by.level == "ou-dev"


# -- resource patterns grouped by service and type (issue #15, item 3) -----------------------

_PART = st.sampled_from(["ims", "IMS", "obs", "*", "i*", "?ms", "", "image", "Image", "img?", "a"])
_URN = st.lists(_PART, min_size=1, max_size=6).map(":".join)
_REF_PART = st.one_of(st.none(), st.sampled_from(["ims", "obs", "image", "Image", "a", "x"]))


def _every_pattern(statement, resource) -> object:
    """resource_part as one comparison with each pattern: what the grouping must agree with."""
    if statement.any_resource:
        return not statement.not_resource
    result: object = False
    for pattern in statement.resource_patterns:
        if pattern is None:
            continue
        hit = match_urn(pattern, resource)
        if hit:
            result = True
            break
        if hit is None:
            result = None
    if statement.not_resource and result is not None:
        return not result
    return result


@settings(max_examples=400)
@given(
    urns=st.lists(_URN, min_size=1, max_size=6),
    negated=st.booleans(),
    refs=st.lists(st.tuples(*[_REF_PART] * 5), min_size=1, max_size=4),
)
@example(urns=["ims:*:*:image:*"], negated=False, refs=[("IMS", None, None, "Image", None)])
@example(urns=["*:*:*:i*:*", "ims:a:a:x:a"], negated=True, refs=[(None, None, None, None, None)])
def test_grouped_resource_patterns_decide_as_comparing_every_pattern(urns, negated, refs, ims):
    element = "NotResource" if negated else "Resource"
    statement = compile_policy(policy(deny("ims:images:get", **{element: urns})), ims).statements[0]

    for parts in refs:  # asked in turn, so later answers may come from the kept verdicts
        resource = ResourceRef(*parts)

        assert resource_part(statement, resource) == _every_pattern(statement, resource)


def test_a_prepared_request_remembers_a_bounded_number_of_condition_keys(ims):
    # Prepared requests are kept between previews (preview.prepared) and the keys come from
    # the policies: a stream of policies naming new keys must not make them grow for ever.
    subject = Subject(Request(TAGGED), ims, {"g:principaltag/k7": ("x",)})
    for i in range(3 * MAX_KEYS_REMEMBERED):
        key = f"g:PrincipalTag/k{i}"
        assert subject.values(key) == (("x",) if i == 7 else None)
        assert subject.may_lack(key) is False

    assert len(subject.memo) <= MAX_KEYS_REMEMBERED
    assert len(subject.lacks) <= MAX_KEYS_REMEMBERED
    assert subject.values("g:PrincipalTag/k7") == ("x",)

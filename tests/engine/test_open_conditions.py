"""Conditions the documentation or the catalog leaves open are not decided silently
(issue #9, items 5 and 7): the preview says conditional and names why."""

from __future__ import annotations

from scpstudio.engine.evaluate import Outcome, Request, evaluate
from scpstudio.engine.preview import preview_policy
from tests.engine.helpers import deny, policy

UPLOAD = "PUT /v1/cloudimages/{image_id}/upload"
CREATE = "POST /v2/images"


def rows(preview):
    return {row.label: row for row in preview.apis}


def _encrypted_deny():
    return policy(deny("ims:images:*", Condition={"Bool": {"ims:Encrypted": "false"}}))


# -- item 5: keys of actions the catalog does not define -----------------------------------


def test_undefined_dependency_with_a_given_key_value_is_conditional(ims):
    preview = preview_policy(_encrypted_deny(), ims, context={"keys": {"ims:Encrypted": False}})

    row = rows(preview)[UPLOAD]

    assert row.outcome is Outcome.CONDITIONAL
    assert row.possible == {Outcome.DENIED, Outcome.ALLOWED}
    assert row.decided_by is not None and row.decided_by.action == "ims:images:update"
    (text,) = row.deciding.conditions
    assert "ims:Encrypted is false" in text
    assert "only if a request for ims:images:update carries ims:Encrypted" in text
    assert "the catalog does not define ims:images:update" in text


def test_undefined_dependency_is_decided_when_both_cases_agree(ims):
    doc = policy(deny("ims:images:*", Condition={"BoolIfExists": {"ims:Encrypted": "false"}}))

    preview = preview_policy(doc, ims, context={"keys": {"ims:Encrypted": False}})

    assert rows(preview)[UPLOAD].outcome is Outcome.DENIED


def test_undefined_dependency_with_an_absent_key_is_decided(ims):
    preview = preview_policy(_encrypted_deny(), ims, context={"keys": {"ims:Encrypted": []}})

    assert rows(preview)[UPLOAD].outcome is Outcome.ALLOWED


def test_defined_action_that_lists_the_key_is_still_decided(ims):
    decision = evaluate(
        Request("ims:images:copyInRegion", None, {"ims:Encrypted": ["false"]}),
        [_encrypted_deny()],
        ims,
        full_access=True,
    )

    assert decision.outcome is Outcome.DENIED


def test_undefined_action_trace_names_the_open_presence(ims):
    decision = evaluate(
        Request("ims:images:update", None, {"ims:Encrypted": ["false"]}),
        [_encrypted_deny()],
        ims,
        full_access=True,
    )

    assert decision.outcome is Outcome.CONDITIONAL
    (trace,) = [t for t in decision.statements if t.policy is None]
    assert trace.conditions[0].result is None
    assert "carries ims:Encrypted" in trace.conditions[0].text


# -- item 7: several values under a plain operator ----------------------------------------


def _tag_deny(operator="StringEquals", values=("test",)):
    return policy(deny("ims:images:*", Condition={operator: {"g:TagKeys": list(values)}}))


def _tags(*tags):
    return {"keys": {"g:TagKeys": list(tags)}}


def test_plain_operator_on_several_request_values_is_conditional_and_says_why(ims):
    preview = preview_policy(_tag_deny(), ims, context=_tags("test", "test2"))

    row = rows(preview)[CREATE]

    assert row.outcome is Outcome.CONDITIONAL
    (text,) = row.deciding.conditions
    assert "g:TagKeys is test" in text
    assert "the request gives g:TagKeys 2 values" in text
    assert "ForAnyValue: or ForAllValues:" in text
    assert "Huawei does not document" in text


def test_plain_operator_on_one_request_value_is_decided(ims):
    preview = preview_policy(_tag_deny(), ims, context=_tags("test"))

    assert rows(preview)[CREATE].outcome is Outcome.DENIED


def test_plain_operator_matching_no_request_value_is_decided(ims):
    preview = preview_policy(_tag_deny(), ims, context=_tags("a", "b"))

    assert rows(preview)[CREATE].outcome is Outcome.ALLOWED


def test_negated_plain_operator_on_several_request_values_is_conditional(ims):
    doc = _tag_deny("StringNotEquals", ["test"])

    preview = preview_policy(doc, ims, context=_tags("a", "b"))

    assert rows(preview)[CREATE].outcome is Outcome.CONDITIONAL


def test_negated_plain_operator_matched_by_every_request_value_is_decided(ims):
    doc = _tag_deny("StringNotEquals", ["a", "b"])

    preview = preview_policy(doc, ims, context=_tags("a", "b"))

    assert rows(preview)[CREATE].outcome is Outcome.ALLOWED


def test_qualified_operators_on_several_values_stay_decided(ims):
    any_doc = _tag_deny("ForAnyValue:StringEquals")
    all_doc = _tag_deny("ForAllValues:StringEquals")

    any_row = rows(preview_policy(any_doc, ims, context=_tags("test", "test2")))[CREATE]
    all_row = rows(preview_policy(all_doc, ims, context=_tags("test", "test2")))[CREATE]

    assert any_row.outcome is Outcome.DENIED
    assert all_row.outcome is Outcome.ALLOWED


# -- item 7: a context value the key cannot hold ------------------------------------------


def _request_wide_deny(operator, key, values):
    return policy(deny("ims:images:*", Condition={operator: {key: values}}))


def test_unreadable_ip_never_decides_a_negated_operator(ims):
    doc = _request_wide_deny("NotIpAddress", "g:SourceIp", ["10.0.0.0/8"])

    preview = preview_policy(doc, ims, context={"keys": {"g:SourceIp": "abcdeft"}})

    row = rows(preview)[CREATE]
    assert row.outcome is Outcome.CONDITIONAL
    assert "cannot be read as an IPv4 or IPv6 address" in row.deciding.conditions[0]


def test_unreadable_ip_never_decides_a_plain_operator(ims):
    doc = _request_wide_deny("IpAddress", "g:SourceIp", ["10.0.0.0/8"])

    preview = preview_policy(doc, ims, context={"keys": {"g:SourceIp": "abcdeft"}})

    assert rows(preview)[CREATE].outcome is Outcome.CONDITIONAL


def test_unreadable_number_never_decides(ims):
    doc = _request_wide_deny("NumberNotEquals", "g:MFAAge", ["3"])

    preview = preview_policy(doc, ims, context={"keys": {"g:MFAAge": "a"}})

    assert rows(preview)[CREATE].outcome is Outcome.CONDITIONAL


def test_value_of_the_wrong_type_for_the_key_never_decides_even_under_a_string_operator(ims):
    doc = _request_wide_deny("StringNotEquals", "g:SourceIp", ["10.0.0.1"])

    preview = preview_policy(doc, ims, context={"keys": {"g:SourceIp": "abcdeft"}})

    assert rows(preview)[CREATE].outcome is Outcome.CONDITIONAL


def test_preview_json_names_every_unreadable_context_value(ims):
    doc = _request_wide_deny("NotIpAddress", "g:SourceIp", ["10.0.0.0/8"])
    context = {"keys": {"g:SourceIp": "abcdeft", "g:MFAAge": ["a"], "g:SourceVpc": "vpc-1"}}

    problems = preview_policy(doc, ims, context=context).to_json()["context_problems"]

    assert len(problems) == 2
    assert 'g:SourceIp the value "abcdeft"' in problems[0]
    assert "is not an IPv4 or IPv6 address or CIDR block" in problems[0]
    assert 'g:MFAAge the value "a"' in problems[1]


def test_readable_context_has_no_problems(ims):
    preview = preview_policy(_encrypted_deny(), ims, context={"keys": {"g:SourceIp": "10.0.0.1"}})

    assert preview.to_json()["context_problems"] == []


def test_null_still_decides_on_presence_of_an_unreadable_value(ims):
    doc = _request_wide_deny("Null", "g:SourceIp", "false")

    preview = preview_policy(doc, ims, context={"keys": {"g:SourceIp": "abcdeft"}})

    assert rows(preview)[CREATE].outcome is Outcome.DENIED


# -- an empty list of values never matches (issue #16 item 5) ---------------------------------

SHARE = "POST /v2/images/{image_id}/members"


def test_an_empty_list_of_values_never_matches_under_any_operator(ims):
    for operator in ("StringEquals", "StringNotEquals", "ForAllValues:StringEquals"):
        doc = policy(deny("ims:images:share", Condition={operator: {"ims:TargetOrgPaths": []}}))
        for context in (None, {"keys": {"ims:TargetOrgPaths": ["o-1/r-2"]}}):
            row = rows(preview_policy(doc, ims, context=context))[SHARE]

            assert row.outcome is Outcome.ALLOWED, (operator, context)
            assert row.possible == {Outcome.ALLOWED}


def test_the_finding_and_the_preview_say_the_same_of_an_empty_list(ims):
    from scpstudio.engine.validate import validate_policy

    doc = policy(deny("ims:images:share", Condition={"StringNotEquals": {"g:UserName": []}}))

    finding = next(
        f for f in validate_policy(doc, ims).findings if f.code == "INVALID_CONDITION_VALUE"
    )
    row = rows(preview_policy(doc, ims))[SHARE]

    assert "can never match" in finding.message
    assert row.outcome is Outcome.ALLOWED

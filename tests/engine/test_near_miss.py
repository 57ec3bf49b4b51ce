"""Near-miss names get the right name offered (issue #9, item 4): a fix where it is
certain, choices otherwise."""

from __future__ import annotations

import pytest

from scpstudio.engine.findings import Code, Fix
from scpstudio.engine.near_miss import distance, near_miss
from scpstudio.engine.operators import OperatorProblem, parse_operator
from tests.engine.helpers import deny, findings, policy

COND = "/Statement/0/Condition"


def _one(found, code):
    (finding,) = [f for f in found if f.code is code]
    return finding


def _condition(operator, key="g:PrincipalAccount", value="a", action="ims:images:get"):
    return policy(deny(action, Condition={operator: {key: value}}))


# -- the rule -------------------------------------------------------------------------------


def test_distance_counts_edits_and_transpositions():
    assert distance("stringequal", "stringequals") == 1
    assert distance("ab", "ba") == 1
    assert distance("abc", "xyz") == 3


def test_a_name_is_certain_only_when_it_stands_alone_nearest():
    assert near_miss("ForAnyValues", ["ForAnyValue", "ForAllValues"]).certain == "ForAnyValue"
    assert near_miss("ab", ["abc", "abd"]).certain == ""
    assert near_miss("x", ["Null"]).certain == ""


def test_a_very_long_name_is_compared_with_nothing():
    assert near_miss("a" * 10_000, ["a"]) == near_miss("", ["a"])


# -- operators -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("StringEqual", "StringEquals"),
        ("stringequals", "StringEquals"),
        ("StringEqualIfExists", "StringEqualsIfExists"),
        ("StringEqualsIfExist", "StringEqualsIfExists"),
        ("ForAnyValue:StringEqual", "ForAnyValue:StringEquals"),
        ("ForAnyValues:StringEquals", "ForAnyValue:StringEquals"),
        ("ForAllValue:StringEqual", "ForAllValues:StringEquals"),
        ("NumericLessThan", "NumberLessThan"),
        ("StringLike", "StringMatch"),
        ("stringlike", "StringMatch"),
        ("DateLessThen", "DateLessThan"),
    ],
)
def test_misspelt_operator_is_renamed_by_a_certain_fix(ims, written, meant):
    finding = _one(findings(_condition(written), ims), Code.INVALID_CONDITION_OPERATOR)

    assert finding.fix == Fix("move", f"{COND}/{meant}", from_path=f"{COND}/{written}")
    assert meant in finding.message


def test_operator_near_two_names_offers_both_as_choices(ims):
    parsed = parse_operator("StringNotEqualsIgnore")
    assert isinstance(parsed, OperatorProblem)
    assert parsed.replacement == ""

    finding = _one(
        findings(_condition("StringNotEqualsIgnore"), ims), Code.INVALID_CONDITION_OPERATOR
    )

    assert finding.fix is None
    assert "StringNotEqualsIgnoreCase" in finding.suggestions
    assert (
        Fix("move", f"{COND}/StringNotEqualsIgnoreCase", from_path=f"{COND}/StringNotEqualsIgnore")
        in finding.choices
    )


def test_operator_far_from_every_name_offers_nothing(ims):
    finding = _one(findings(_condition("Whatever"), ims), Code.INVALID_CONDITION_OPERATOR)

    assert (finding.fix, finding.choices, finding.suggestions) == (None, (), ())


def test_rename_onto_an_operator_already_present_is_not_offered(ims):
    doc = policy(
        deny(
            Condition={
                "StringEqual": {"g:PrincipalAccount": "a"},
                "StringEquals": {"g:SourceVpc": "v"},
            }
        )
    )

    finding = _one(findings(doc, ims), Code.INVALID_CONDITION_OPERATOR)

    assert finding.fix is None


# -- actions ----------------------------------------------------------------------------------


def test_two_part_service_wildcard_is_fixed_to_three_parts(ims):
    finding = _one(findings(policy(deny("ims:*")), ims), Code.INVALID_ACTION_FORMAT)

    assert finding.fix == Fix("replace", "/Statement/0/Action", "ims:*:*")


def test_two_part_wildcard_of_a_service_outside_the_catalog_is_fixed_too(ims):
    finding = _one(findings(policy(deny(["obs:*"])), ims), Code.INVALID_ACTION_FORMAT)

    assert finding.fix == Fix("replace", "/Statement/0/Action/0", "obs:*:*")


@pytest.mark.parametrize(
    ("written", "offered"),
    [
        ("ims:images", "ims:images:*"),
        ("ims:share", "ims:images:share"),
        ("ims", "ims:*:*"),
    ],
)
def test_other_short_actions_get_choices(ims, written, offered):
    finding = _one(findings(policy(deny(written)), ims), Code.INVALID_ACTION_FORMAT)

    assert finding.fix is None
    assert Fix("replace", "/Statement/0/Action", offered) in finding.choices
    assert offered in finding.message


def test_short_action_naming_nothing_offers_nothing(ims):
    for written in ("ims:nothing", "StringEquals", "obs:get"):
        finding = _one(findings(policy(deny(written)), ims), Code.INVALID_ACTION_FORMAT)

        assert (finding.fix, finding.choices) == (None, ()), written


# -- resource types ---------------------------------------------------------------------------


def test_near_resource_type_is_fixed(ims):
    doc = policy(deny(Resource=["ims:cn-north-4:*:images:abc"]))

    finding = _one(findings(doc, ims), Code.INVALID_RESOURCE_TYPE)

    assert finding.fix == Fix("replace", "/Statement/0/Resource/0", "ims:cn-north-4:*:image:abc")


def test_far_resource_type_gets_no_fix(ims):
    finding = _one(
        findings(policy(deny(Resource="ims:*:*:snapshot:*")), ims), Code.INVALID_RESOURCE_TYPE
    )

    assert finding.fix is None


# -- condition keys ---------------------------------------------------------------------------


def test_key_of_the_wrong_prefix_is_renamed_to_the_same_name(ims):
    finding = _one(
        findings(_condition("IpAddress", "ims:SourceIp", "10.0.0.0/8"), ims),
        Code.INVALID_CONDITION_KEY,
    )

    assert finding.fix == Fix(
        "move", f"{COND}/IpAddress/g:SourceIp", from_path=f"{COND}/IpAddress/ims:SourceIp"
    )


def test_tag_key_of_the_wrong_prefix_offers_the_resource_tag_first(ims):
    finding = _one(
        findings(_condition("StringEquals", "ims:ImageTag/env", "prod"), ims),
        Code.INVALID_CONDITION_KEY,
    )

    assert finding.fix is None
    assert finding.suggestions[0] == "g:ResourceTag/env"
    assert finding.choices[0] == Fix(
        "move",
        f"{COND}/StringEquals/g:ResourceTag~1env",
        from_path=f"{COND}/StringEquals/ims:ImageTag~1env",
    )
    assert "g:ResourceTag/env" in finding.message


def test_misspelt_key_is_fixed(ims):
    finding = _one(
        findings(_condition("Bool", "g:MFAPresence", "false"), ims), Code.INVALID_CONDITION_KEY
    )

    assert finding.fix == Fix(
        "move", f"{COND}/Bool/g:MFAPresent", from_path=f"{COND}/Bool/g:MFAPresence"
    )


def test_key_of_a_service_outside_the_catalog_gets_the_same_name_as_a_choice(ims):
    finding = _one(
        findings(_condition("IpAddress", "aws:SourceIp", "10.0.0.0/8"), ims), Code.INVALID_SERVICE
    )

    assert finding.fix is None
    assert finding.suggestions == ("g:SourceIp",)


def test_key_far_from_every_key_offers_nothing(ims):
    finding = _one(
        findings(_condition("StringEquals", "ims:Foo", "x"), ims), Code.INVALID_CONDITION_KEY
    )

    assert (finding.fix, finding.choices, finding.suggestions) == (None, (), ())

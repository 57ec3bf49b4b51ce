"""Near-miss names get the right name offered (issue #9, item 4): a fix where it is
certain, choices otherwise."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scpstudio.engine.analysis import analyze_policy
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.catalog_json import catalog_from_json
from scpstudio.engine.findings import Code, Fix
from scpstudio.engine.near_miss import (
    COMPARED_PER_POLICY,
    MAX_LOOKUPS,
    NOT_LOOKED_UP,
    NameIndex,
    NearMiss,
    distance,
    likeness,
    near_miss,
    pieces,
)
from scpstudio.engine.operators import OperatorProblem, parse_operator
from scpstudio.engine.statement_memory import forget_statements
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


# -- bounded lookups (issue #15, item 3) -------------------------------------------------------


def _osa(a: str, b: str) -> int:
    """The textbook table of the edit distance with neighbour swaps, to check the fast one."""
    table = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = min(
                table[i - 1][j] + 1,
                table[i][j - 1] + 1,
                table[i - 1][j - 1] + (a[i - 1] != b[j - 1]),
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[-1][-1]


WORDS = st.text(alphabet="abc:", max_size=9)


@given(WORDS, WORDS, st.integers(min_value=0, max_value=3))
@example("ca", "abc", 2)
@example("abcd", "badc", 2)
@example("", "ab", 1)
def test_distance_agrees_with_the_textbook_table_up_to_its_limit(a, b, limit):
    assert distance(a, b, limit) == min(_osa(a, b), limit + 1)


def _brute_force(written: str, known: list[str], cutoff: float) -> NearMiss:
    """Every known name compared with `written`: what the index must find without it."""
    folded = written.casefold()
    by_folded = dict.fromkeys(n.casefold() for n in known)
    originals = {}
    for n in known:
        originals.setdefault(n.casefold(), n)
    near = sorted(
        ((distance(folded, f), i) for i, f in enumerate(by_folded) if distance(folded, f) <= 2)
    )
    alike = sorted(
        (-likeness(pieces(folded), pieces(f)), i)
        for i, f in enumerate(by_folded)
        if likeness(pieces(folded), pieces(f)) >= cutoff
    )
    names = list(by_folded)
    certain = ""
    if (
        near
        and (len(near) == 1 or near[1][0] > near[0][0])
        and near[0][0] * 3 <= len(names[near[0][1]])
    ):
        certain = originals[names[near[0][1]]]
    ranked = dict.fromkeys(originals[names[i]] for _, i in near)
    ranked.update(dict.fromkeys(originals[names[i]] for _, i in alike))
    return NearMiss(certain, tuple(ranked)[:5])


@settings(max_examples=300)
@given(
    st.text(alphabet="abcd:-", min_size=1, max_size=12),
    st.lists(st.text(alphabet="abcdABCD:-", max_size=14), max_size=30),
    st.sampled_from([0.5, 0.6, 0.7, 0.75]),
)
@example("ims:images:crete", ["ims:images:create", "ims:images:get", "ims:dataImages:create"], 0.75)
@example("ab", ["xy", "abc", "a"], 0.75)
def test_the_index_finds_what_comparing_every_name_finds(written, known, cutoff):
    assert NameIndex(known).lookup(written, cutoff) == _brute_force(written, known, cutoff)


def test_ordinary_misspellings_keep_their_suggestions():
    actions = ["ims:images:create", "ims:images:share", "ims:images:get", "ims:images:getJob"]

    assert near_miss("ims:images:crete", actions).certain == "ims:images:create"
    assert near_miss("ims:images:shar", actions).close[0] == "ims:images:share"
    assert near_miss("ims:images:getjobs", actions).close[:2] == (
        "ims:images:getJob",
        "ims:images:get",
    )


def test_unknown_names_past_the_lookup_cap_keep_their_finding_and_say_why_none_is_offered(ims):
    names = [f"ims:images:crete{i}" for i in range(MAX_LOOKUPS + 5)]
    half = len(names) // 2  # two statements, each within the findings a statement lists
    document = policy(deny(names[:half]), deny(names[half:]))

    found = [f for f in findings(document, ims) if f.code is Code.INVALID_ACTION]

    assert len(found) == MAX_LOOKUPS + 5
    looked_up = [f for f in found if NOT_LOOKED_UP not in f.message]
    past = [f for f in found if NOT_LOOKED_UP in f.message]
    assert len(looked_up) == MAX_LOOKUPS
    assert all(f.suggestions for f in looked_up)
    assert len(past) == 5
    assert all(f.suggestions == () and f.choices == () for f in past)


def test_a_name_repeated_past_the_cap_is_looked_up_once_and_keeps_its_suggestions(ims):
    names = ["ims:images:crete"] * (MAX_LOOKUPS + 5) + ["ims:images:shar"]
    document = policy(*[deny(name) for name in names])

    found = [f for f in findings(document, ims) if f.code is Code.INVALID_ACTION]

    assert len(found) == MAX_LOOKUPS + 6
    assert all(f.suggestions and NOT_LOOKED_UP not in f.message for f in found)


def test_the_cap_counts_every_kind_of_unknown_name(ims):
    keys = {f"ims:Encrytped{i}": "x" for i in range(MAX_LOOKUPS)}
    document = policy(deny("ims:images:crete", Condition={"StringEquals": keys}))

    found = findings(document, ims)

    unknown_keys = [f for f in found if f.code is Code.INVALID_CONDITION_KEY]
    action = next(f for f in found if f.code is Code.INVALID_ACTION)
    assert len(unknown_keys) == MAX_LOOKUPS
    assert action.suggestions  # the action came first in the document
    assert NOT_LOOKED_UP in unknown_keys[-1].message
    assert unknown_keys[-1].suggestions == ()


# -- a policy's lookups compare a bounded number of names -----------------------------------


def _alike_catalog(per_service: int = 100) -> Catalog:
    """One service of many alike names, where every lookup compares most of them."""
    actions = [
        {"name": f"svc042:res{a % 5}:op{a:03d}", "access_level": "read"} for a in range(per_service)
    ]
    service = {"prefix": "svc042", "name": "Svc", "actions": actions}
    return catalog_from_json([{"services": [service]}])


ALIKE = _alike_catalog()


def _admitted_in_order(names: list[str]) -> int:
    """How many of `names` a policy admits: each while the lookups before it compared no
    more than the bound."""
    index = NameIndex(a.name for a in ALIKE.actions_of_service("svc042"))
    spent, admitted = 0, 0
    for name in names:
        if spent > COMPARED_PER_POLICY:
            break
        admitted += 1
        spent += index.counted_lookup(name, 0.75, 3)[1]
    return admitted


def test_a_policys_lookups_stop_once_they_have_compared_enough_names():
    names = [f"svc042:res{i % 5}:opp7x{i}" for i in range(MAX_LOOKUPS)]
    expected = _admitted_in_order(names)

    found = [f for f in findings(policy(deny(names)), ALIKE) if f.code is Code.INVALID_ACTION]

    looked_up = [f for f in found if NOT_LOOKED_UP not in f.message]
    assert len(found) == MAX_LOOKUPS
    assert 0 < expected < MAX_LOOKUPS
    assert len(looked_up) == expected
    assert all(f.suggestions == () for f in found if NOT_LOOKED_UP in f.message)


def test_statements_within_the_bound_alone_but_not_together_are_checked_as_one_policy():
    first = [f"svc042:res{i % 5}:opp7x{i}" for i in range(20)]
    second = [f"svc042:res{i % 5}:opq8y{i}" for i in range(20)]
    alone = json.dumps(policy(deny(first)))
    both = json.dumps(policy(deny(first), deny(second)))
    forget_statements()
    analyze_policy(alone, ALIKE, "scp")  # the first statement's findings are kept

    warm = analyze_policy(both, ALIKE, "scp").validation.findings
    forget_statements()
    cold = analyze_policy(both, ALIKE, "scp").validation.findings

    assert warm == cold
    looked_up = [
        f for f in cold if f.code is Code.INVALID_ACTION and NOT_LOOKED_UP not in f.message
    ]
    assert len(looked_up) == _admitted_in_order(first + second) < len(first + second)

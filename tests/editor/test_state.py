"""The form state's two-way mapping to a policy document: round trips, and what it refuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scpstudio.editor.form_state import state_from_form
from scpstudio.editor.state import (
    MAX_CONDITIONS,
    MAX_ITEMS,
    MAX_STATEMENTS,
    ConditionRow,
    EditorState,
    NotRepresentable,
    StatementForm,
    state_from_document,
    state_to_document,
)
from scpstudio.engine.operators import OPERATORS
from tests.editor.helpers import normalized

ACTIONS = ["ims:images:share", "ims:images:get", "ims:images:*", "ims:*:list*", "obs:buckets:get"]
URNS = ["*", "ims:*:*:image:*", "ims:cn-north-4:0a1b*:image:abc"]
KEYS = ["ims:Encrypted", "g:MFAPresent", "g:ResourceTag/owner", "g:MFAAge", "g:CalledVia"]


def _one_line(text: str) -> bool:
    return text.splitlines() == [text] and text == text.strip()


line_text = st.text(min_size=1, max_size=12).filter(_one_line)


def one_or_many(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(values, st.lists(values, max_size=4))


def condition_values(operator: str) -> st.SearchStrategy[Any]:
    family = OPERATORS[operator].family if operator in OPERATORS else "string"
    if family in ("boolean", "null"):
        values = st.one_of(st.booleans(), st.sampled_from(["true", "false", "yes"]))
    elif family == "number":
        numbers = st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False))
        values = st.one_of(numbers, numbers.map(str), line_text)
    else:
        values = line_text
    return one_or_many(values)


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 3))):
        operator = draw(st.sampled_from([*OPERATORS, "StringLike", "StringStartWith"]))
        qualifier = draw(st.sampled_from(["", "ForAnyValue:", "ForAllValues:"]))
        suffix = draw(st.sampled_from(["", "IfExists"]))
        keys = draw(
            st.dictionaries(
                st.one_of(st.sampled_from(KEYS), line_text),
                condition_values(operator),
                max_size=3,
            )
        )
        out[qualifier + operator + suffix] = keys
    return out


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    s: dict[str, Any] = {"Effect": draw(st.sampled_from(["Deny", "Allow", "deny", ""]))}
    if draw(st.booleans()):
        s["Sid"] = draw(line_text)
    element = draw(st.sampled_from(["Action", "NotAction"]))
    s[element] = draw(one_or_many(st.one_of(st.sampled_from(ACTIONS), line_text)))
    resource = draw(st.sampled_from(["Resource", "NotResource", None]))
    if resource is not None:
        s[resource] = draw(one_or_many(st.one_of(st.sampled_from(URNS), line_text)))
    if draw(st.booleans()):
        s["Condition"] = draw(conditions())
    return s


representable_policies = st.builds(
    lambda items, single: {
        "Version": "5.0",
        "Statement": items[0] if single and len(items) == 1 else items,
    },
    st.lists(statements(), max_size=3),
    st.booleans(),
)

SHARE_DENY = {
    "Version": "5.0",
    "Statement": [
        {
            "Sid": "DenyShareOutsideOrg",
            "Effect": "Deny",
            "Action": ["ims:images:share", "ims:images:addMember"],
            "Resource": ["ims:*:*:image:*"],
            "Condition": {
                "ForAnyValue:StringNotMatch": {"ims:TargetOrgPaths": ["o-abc/r-def/ou-ghi/*"]}
            },
        }
    ],
}


# -- round trips ------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(representable_policies)
@example(SHARE_DENY)
@example({"Version": "5.0", "Statement": []})
@example({"Version": "5.0", "Statement": {"Effect": "Deny", "Action": "ims:images:get"}})
@example(
    {
        "Version": "5.0",
        "Statement": [
            {"Effect": "Deny", "Action": "a", "Condition": {"NumberEquals": {"k": "0E0"}}}
        ],
    }
)
@example({"Version": "5.0", "Statement": [{"Effect": "Deny", "NotAction": [], "NotResource": "*"}]})
@example({"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": [], "Resource": []}]})
@example({"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": [], "Condition": {}}]})
@example(
    {
        "Version": "5.0",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": ["a"],
                "Condition": {"NumberEquals": {"k": [1.5, "7", 1e20]}},
            }
        ],
    }
)
def test_a_document_the_form_can_show_comes_back_as_the_same_policy(document):
    state = state_from_document(document)

    again = state_to_document(state)

    assert normalized(again) == normalized(document)
    assert state_from_document(again) == state


@settings(max_examples=200, deadline=None)
@given(representable_policies)
def test_the_forms_own_documents_come_back_unchanged_to_the_character(document):
    written = state_to_document(state_from_document(document))

    assert state_to_document(state_from_document(written)) == written


def test_meta_fields_are_kept_beside_the_document():
    state = state_from_document(SHARE_DENY, name="n", description="d", profile="identity")

    assert (state.name, state.description, state.profile) == ("n", "d", "identity")


@pytest.mark.parametrize(
    ("operator", "pasted", "written"),
    [
        ("Bool", True, True),
        ("Bool", "false", False),
        ("BoolIfExists", False, False),
        ("Null", True, True),
        ("ForAnyValue:Bool", [True, False], [True, False]),
        ("NumberEquals", 5, 5),
        ("NumberLessThan", "5", 5),
        ("NumberGreaterThanEquals", 2.5, 2.5),
        ("NumberEquals", -0.25e-3, -0.25e-3),
        ("NumberEquals", "05", "05"),
        ("NumberEquals", "1_000", "1_000"),
        ("Bool", "True", "True"),
        ("StringEquals", "true", "true"),
        ("StringEquals", "5", "5"),
    ],
)
def test_condition_values_come_back_as_the_type_the_operator_compares(operator, pasted, written):
    document = {
        "Version": "5.0",
        "Statement": [{"Effect": "Deny", "Action": ["a"], "Condition": {operator: {"k": pasted}}}],
    }

    again = state_to_document(state_from_document(document))

    value = again["Statement"][0]["Condition"][operator]["k"]
    assert value == written
    assert type(value) is type(written)


def test_the_forms_text_true_under_bool_is_written_as_a_json_boolean():
    row = ConditionRow(operator="Bool", key="g:MFAPresent", values=["true"])
    state = EditorState(statements=[StatementForm(actions=["a"], conditions=[row])])

    document = state_to_document(state)

    assert document["Statement"][0]["Condition"] == {"Bool": {"g:MFAPresent": True}}


# -- what the form cannot show --------------------------------------------------------------


def _policy(**statement: Any) -> dict[str, Any]:
    return {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["a"], **statement}]}


@pytest.mark.parametrize(
    ("document", "place"),
    [
        ([], "JSON object"),
        ({**_policy(), "Id": "x"}, "'Id'"),
        ({"Statement": []}, "Version"),
        ({"Version": "1.1", "Statement": []}, '"1.1"'),
        ({"Version": 5.0, "Statement": []}, "/Version is 5.0"),
        ({"Version": "5.0"}, "Statement"),
        ({"Version": "5.0", "Statement": "x"}, "Statement"),
        ({"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "a"}] * 51}, "50"),
        (_policy(Principal="*"), "/Statement/0 has 'Principal'"),
        (_policy(Action=[1, 2]), "/Statement/0/Action"),
        (_policy(Action=3), "/Statement/0/Action"),
        (_policy(NotAction=["b"]), "/Statement/0 has both"),
        (_policy(Resource="*", NotResource="*"), "/Statement/0 has both"),
        (_policy(Effect=True), "/Statement/0/Effect"),
        (_policy(Sid=7), "/Statement/0/Sid"),
        (_policy(Sid=" padded"), "/Statement/0/Sid"),
        (_policy(Sid=""), "/Statement/0/Sid"),
        (_policy(Sid="x" * 201), "/Statement/0/Sid"),
        (_policy(Action=["ims:images:get "]), "/Statement/0/Action/0"),
        (_policy(Action=["a", "b\nc"]), "/Statement/0/Action/1"),
        (_policy(Action=["a\u2028b"]), "/Statement/0/Action/0"),
        (_policy(Resource=[""]), "/Statement/0/Resource/0"),
        (_policy(Action=["a"] * (MAX_ITEMS + 1)), "/Statement/0/Action"),
        (_policy(Condition=[]), "/Statement/0/Condition"),
        (_policy(Condition={"StringEquals": "x"}), "/Statement/0/Condition/StringEquals"),
        (_policy(Condition={"StringEquals": {"k": None}}), "/Statement/0/Condition/StringEquals/k"),
        (_policy(Condition={"StringEquals": {"k": {}}}), "/Statement/0/Condition/StringEquals/k"),
        (_policy(Condition={"StringEquals": {"k": 5}}), "/Statement/0/Condition/StringEquals/k"),
        (_policy(Condition={"StringEquals": {"k": True}}), "/Statement/0/Condition/StringEquals/k"),
        (_policy(Condition={"NumberEquals": {"k": True}}), "/Statement/0/Condition/NumberEquals/k"),
        (_policy(Condition={"Bool": {"k": 1}}), "/Statement/0/Condition/Bool/k"),
        (
            _policy(Condition={"StringEquals": {"k": [" a"]}}),
            "/Statement/0/Condition/StringEquals/k",
        ),
        (_policy(Condition={"StringEquals": {"k": ""}}), "/Statement/0/Condition/StringEquals/k"),
        (_policy(Condition={"StringEquals": {" k": "v"}}), "' k'"),
        (_policy(Condition={"": {"k": "v"}}), "operator ''"),
        (_policy(Condition={" Bool": {"k": "v"}}), "operator ' Bool'"),
        (
            _policy(Condition={"StringEquals": {f"k{n}": "v" for n in range(MAX_CONDITIONS + 1)}}),
            f"at most {MAX_CONDITIONS}",
        ),
    ],
)
def test_a_document_the_form_cannot_show_is_refused_with_the_place_named(document, place):
    with pytest.raises(NotRepresentable) as raised:
        state_from_document(document)

    assert place in str(raised.value)


def test_a_policy_with_the_most_statements_the_form_shows_is_representable():
    document = {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "a"}] * MAX_STATEMENTS}

    state = state_from_document(document)

    assert len(state.statements) == MAX_STATEMENTS


def test_a_missing_resource_is_shown_as_all_resources():
    state = state_from_document(_policy())

    assert state.statements[0].all_resources
    assert state_to_document(state)["Statement"][0]["Resource"] == ["*"]


# -- form fields -> state ------------------------------------------------------------------


def _form(text: str) -> QueryDict:
    return QueryDict(text, mutable=False)


@pytest.mark.parametrize("count", ["999999", "-5", "abc", "", "1e3", "99999999999999999999999"])
def test_an_odd_statement_count_is_clamped_not_an_error(count):
    state = state_from_form(_form(f"statement_count={count}"))

    assert 0 <= len(state.statements) <= MAX_STATEMENTS


def test_a_huge_condition_count_reads_at_most_the_forms_limit():
    state = state_from_form(_form("statement_count=1&s0-condition_count=100000000"))

    assert len(state.statements[0].conditions) == MAX_CONDITIONS


def test_an_unknown_profile_reads_as_the_default():
    state = state_from_form(_form("profile=%3Cscript%3E"))

    assert state.profile == "scp"


def test_checked_actions_and_typed_patterns_are_read_once_each():
    data = _form(
        "statement_count=1&s0-actions=ims:images:get&s0-actions=ims:images:get"
        "&s0-patterns=ims:images:*%0D%0A%0D%0A ims:images:get %0D%0Aobs:*:*"
    )

    state = state_from_form(data)

    assert state.statements[0].actions == ["ims:images:get", "ims:images:*", "obs:*:*"]


def test_a_templated_key_takes_the_typed_tag():
    data = _form(
        "statement_count=1&s0-condition_count=1"
        "&s0-c0-key=g:ResourceTag/<tag-key>&s0-c0-tag=owner&s0-c0-values=alice"
    )

    row = state_from_form(data).statements[0].conditions[0]

    assert row.key == "g:ResourceTag/owner"

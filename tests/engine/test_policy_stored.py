"""A saved policy compiled for evaluation alone (`compile_stored`) is the editor's compile
(`compile_policy`) without the positioned tree: the same statements, limits and errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scpstudio.engine.evaluate import Level
from scpstudio.engine.limits import MAX_VALUES, MAX_WILDCARD_ACTIONS
from scpstudio.engine.policy import Policy, Statement, compile_policy
from scpstudio.engine.policy_stored import compile_stored
from scpstudio.engine.preview import preview_levels
from scpstudio.engine.statement_memory import forget_statements
from tests.engine.conftest import load_shipped_catalog
from tests.engine.diff_strategies import ACTIONS, RESOURCES, conditions

CATALOG = load_shipped_catalog()

# Anything JSON holds, for the places a policy holds what the engine does not read.
ODD = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False, width=32)
    | st.sampled_from(["", "*", "Allow", "Deny", "ims:*", "a/b~c"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip


@st.composite
def statements(draw: Any) -> Any:
    """A statement as people write them, now and then with something wrong or unusual."""
    statement: dict[str, Any] = {}
    if draw(st.booleans()):
        statement["Sid"] = draw(st.sampled_from(["S1", "S2"]) | ODD)
    statement["Effect"] = draw(st.sampled_from(["Allow", "Deny", "Deny"]) | ODD)
    for element in draw(
        st.sampled_from([["Action"], ["Action"], ["NotAction"], ["Action", "NotAction"], []])
    ):
        patterns = st.sampled_from([*ACTIONS, "*", "*:*:*", "ims:*", "*:images:get", "x:y?"])
        statement[element] = draw(st.lists(patterns | ODD, min_size=1, max_size=3) | patterns)
    resource_elements = [[], ["Resource"], ["NotResource"], ["Resource", "NotResource"]]
    for element in draw(st.sampled_from(resource_elements)):
        statement[element] = draw(st.lists(st.sampled_from(RESOURCES) | ODD, max_size=2) | ODD)
    if draw(st.integers(0, 3)):
        statement["Condition"] = draw(conditions() | ODD)
    if not draw(st.integers(0, 5)):
        statement[draw(st.sampled_from(["Principal", "Extra"]))] = draw(ODD)
    return statement if draw(st.integers(0, 9)) else draw(ODD)


@st.composite
def texts(draw: Any) -> str:
    """A document's text in one of several layouts, sometimes edited into something the
    decoder and the positioned parse might read apart."""
    items = draw(st.lists(statements(), max_size=4))
    document: Any = {"Version": "5.0", "Statement": items}
    if not draw(st.integers(0, 9)):
        document = {"Version": "5.0", "Statement": items[0]} if items else draw(ODD)
    text = json.dumps(document, indent=draw(st.sampled_from([None, 2])))
    edit = draw(st.sampled_from(["none", "none", "none", "insert", "replace"]))
    if edit != "none" and text:
        at = draw(st.integers(0, len(text) - 1))
        piece = draw(st.sampled_from(['"', ",", "}", "]", '"Sid":"x",', "1e999", "NaN", "\\u00e9"]))
        text = text[:at] + piece + text[at + (edit == "replace") :]
    return text


def statement_parts(s: Statement) -> tuple[Any, ...]:
    """Everything a compiled statement holds but where its tree stands in the text."""
    clauses = [
        (c.operator, c.parsed, type(c.problem), c.key, c.values, c.prepared, c.path)
        for c in s.clauses
    ]
    return (
        s.index, s.sid, s.effect, s.action_element, s.actions, s.resource_element, s.resources,
        clauses, s.usable, s.matched, s.any_action, s.folded_actions, s.resource_patterns,
        s.any_resource, s.action_paths, s.by_service, s.literals, s.resource_paths,
    )  # fmt: skip


def policy_parts(p: Policy) -> tuple[Any, ...]:
    error = p.parse.error.message if p.parse is not None and p.parse.error else None
    limit = p.limit.message if p.limit else None
    return (
        p.name,
        [statement_parts(s) for s in p.statements],
        p.is_full_access,
        p.services,
        p.touches_every_service,
        error,
        limit,
    )


def statement_text(**parts: Any) -> str:
    return json.dumps({"Statement": [{"Effect": "Deny", "Action": "*", **parts}]})


@settings(max_examples=300, deadline=None)
@given(texts())
@example('{"Statement": [{"Effect": "Deny", "Effect": "Allow", "Action": "*"}]}')
@example('{"Statement": {"Effect": "Deny", "Action": "ims:*", "Condition": {"Bool": {"a": 1e5}}}}')
@example(statement_text(Condition={"NumericLessThan": {"k": 1}}).replace("1}", "NaN}"))
@example(statement_text(Sid=1).replace("1}", "1e-999}"))
@example("\ufeff" + '{"Statement": []}')
@example('{"Statement": [' + "[" * 70 + "]" * 70 + "]}")
@example(statement_text(Action=[0] * MAX_VALUES))
@example(statement_text(Action=[f"ims:a{i}*" for i in range(MAX_WILDCARD_ACTIONS + 1)]))
@example(json.dumps({"Statement": [{"Effect": "Deny", "Action": "*", "Sid": 1e300}] * 90}))
def test_a_stored_compile_equals_the_editors_compile(text: str) -> None:
    forget_statements()

    stored = compile_stored(text, CATALOG, name="P")

    assert policy_parts(stored) == policy_parts(compile_policy(text, CATALOG, name="P"))


def test_a_stored_compile_previews_as_the_editors_compile() -> None:
    mfa = {"Bool": {"g:MFAPresent": "false"}}
    document = {
        "Statement": [
            {"Effect": "Deny", "Action": ["ims:images:*"], "Condition": mfa},
            {
                "Effect": "Allow",
                "NotAction": "ims:images:deleteImage",
                "Resource": "ims:*:*:image:*",
            },
            {"Effect": "Deny", "Action": "ims:images:deleteImage"},
        ]
    }
    text = json.dumps(document, indent=2)

    stored = preview_levels([Level("root", [compile_stored(text, CATALOG, name="P")])], CATALOG)

    plain = preview_levels([Level("root", [compile_policy(text, CATALOG, name="P")])], CATALOG)
    assert stored.to_json() == plain.to_json()
    assert {a.outcome.value for a in stored.apis} >= {"denied", "conditional"}


def test_a_document_past_a_limit_gets_the_editors_sentence() -> None:
    text = json.dumps({"Statement": [{"Effect": "Deny", "Action": [0] * (MAX_VALUES + 1)}]})

    stored = compile_stored(text, CATALOG)

    assert stored.limit is not None
    assert "values" in stored.limit.message
    assert stored.statements == ()


def test_text_that_is_not_json_keeps_the_parse_error() -> None:
    stored = compile_stored('{"Statement": [', CATALOG)

    assert stored.parse is not None and stored.parse.error is not None
    assert "not valid JSON" in stored.parse.error.message


@pytest.fixture(autouse=True)
def _empty_memory() -> Any:
    forget_statements()
    yield
    forget_statements()

"""A preview made in parts, one per service, each kept by the statements that can decide
it (engine.preview_segments), answers as the plain preview does after every kind of edit:
a statement changed, broken (an Effect the engine ignores) or dropped, statements swapped,
a policy or level renamed, FullAccess attached or not, a policy added. The generated
catalog's operations depend on actions of the next service, and its actions have aliases,
so a part's rows can depend on statements about another service."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scpstudio.engine.decision import Level
from scpstudio.engine.policy import compile_policy
from scpstudio.engine.preview import PreviewContext, preview_each, preview_levels
from scpstudio.engine.preview_segments import statement_reach
from scpstudio.engine.statement_memory import forget_statements
from tests.engine.diff_strategies import requests
from tests.engine.test_preview_whole import CATALOGS, same_preview, statements

# A path as documents: levels of (name, FullAccess, [(policy name, [statement])]).
Spec = list[tuple[str, bool, list[tuple[str, list[dict[str, Any]]]]]]


@st.composite
def specs(draw: Any, which: str) -> Spec:
    levels: Spec = []
    for depth in range(draw(st.integers(1, 3))):
        policies = [
            (f"P{k}", draw(st.lists(statements(which), min_size=1, max_size=4)))
            for k in range(draw(st.integers(0, 2)))
        ]
        levels.append((f"level {depth}", draw(st.booleans()), policies))
    return levels


def compiled(spec: Spec, which: str) -> list[Level]:
    return [
        Level(
            name,
            [
                compile_policy(json.dumps({"Statement": found}), CATALOGS[which], name=policy)
                for policy, found in policies
            ],
            full_access,
        )
        for name, full_access, policies in spec
    ]


@st.composite
def edited(draw: Any, spec: Spec, which: str) -> Spec:
    """The path after one edit a person (or an organization's change) makes."""
    out: Spec = [(n, f, [(p, list(s)) for p, s in policies]) for n, f, policies in spec]
    holding = [(i, j) for i, (_, _, ps) in enumerate(out) for j in range(len(ps))]
    kinds = ["level name", "full access", "add policy"]
    if holding:
        kinds += ["statement", "statement", "statement", "swap", "policy name", "drop", "break"]
    kind = draw(st.sampled_from(kinds))
    i = draw(st.integers(0, len(out) - 1))
    name, full_access, policies = out[i]
    if kind == "level name":
        out[i] = (name + "'", full_access, policies)
    elif kind == "full access":
        out[i] = (name, not full_access, policies)
    elif kind == "add policy":
        policies.insert(0, ("Added", draw(st.lists(statements(which), min_size=1, max_size=2))))
    else:
        i, j = draw(st.sampled_from(holding))
        policy, found = out[i][2][j]
        k = draw(st.integers(0, len(found) - 1))
        if kind == "statement":
            found[k] = draw(statements(which))
        elif kind == "swap":
            found.insert(0, found.pop(k))
        elif kind == "break":  # an Effect the engine does not know: the statement is ignored
            found[k] = {**found[k], "Effect": draw(st.sampled_from(["Dney", "Allow", "Deny"]))}
        elif kind == "policy name":
            out[i][2][j] = (policy + "'", found)
        else:
            del found[k]
            if not found:
                del out[i][2][j]
    return out


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_preview_in_parts_after_an_edit_answers_as_the_plain_preview(data: Any) -> None:
    which = data.draw(st.sampled_from(["IMS", "generated"]))
    catalog = CATALOGS[which]
    context = PreviewContext.from_json(data.draw(requests())) if data.draw(st.booleans()) else None
    services = catalog.services if data.draw(st.booleans()) else None
    spec = data.draw(specs(which))
    steps = [spec]
    for _ in range(data.draw(st.integers(1, 3))):
        steps.append(data.draw(edited(steps[-1], which)))

    forget_statements()
    fast = []
    for step in steps:  # each preview after the last one's parts were kept
        fast.append(preview_levels(compiled(step, which), catalog, context, services=services))

    for step, found in zip(steps, fast, strict=True):
        forget_statements()
        same_preview(
            found, preview_each(compiled(step, which), catalog, context, services=services)
        )


def test_an_edit_of_one_service_keeps_every_other_services_part() -> None:
    catalog = CATALOGS["generated"]

    def policy(action: str) -> list[Level]:
        document = {
            "Statement": [
                {"Sid": "A", "Effect": "Deny", "Action": [action]},
                {"Sid": "B", "Effect": "Deny", "Action": ["svc002:res1s:delete4"]},
            ]
        }
        return [Level("", [compile_policy(json.dumps(document), catalog)], True)]

    services = ["svc000", "svc001", "svc002"]
    before = preview_levels(policy("svc000:res1s:get1"), catalog, services=services)
    after = preview_levels(policy("svc000:res0s:list0"), catalog, services=services)

    assert len(before.parts) == len(after.parts) >= 3
    by_service = {p[0].service: (p, q) for p, q in zip(before.parts, after.parts, strict=True)}
    # svc000 changed, and so did svc002, whose operations depend on svc000's actions (the
    # generated catalog's service i depends on service i + 1, the last on the first);
    # svc001 (depending on svc002, which statement B names) kept its part
    assert by_service["svc000"][0] is not by_service["svc000"][1]
    assert by_service["svc002"][0] is not by_service["svc002"][1]
    assert by_service["svc001"][0] is by_service["svc001"][1]
    forget_statements()
    plain = preview_each(policy("svc000:res0s:list0"), catalog, services=services)
    same_preview(after, plain)


def test_a_statement_reaches_the_services_its_patterns_and_aliases_name() -> None:
    catalog = CATALOGS["generated"]

    def reach(action: Any, element: str = "Action") -> frozenset[str] | None:
        document = {"Statement": [{"Effect": "Deny", element: action}]}
        [s] = compile_policy(json.dumps(document), catalog).statements
        return statement_reach(s)

    assert reach(["svc000:res0s:list0", "obs:object:GetObject"]) == {"svc000", "obs"}
    assert reach(["svc*:*:get*"]) is None
    assert reach("*") is None
    assert reach(["svc000:res0s:list0"], "NotAction") is None
    # an alias names its action's service
    assert reach(["svc000:oldres0s:list3"]) == {"svc000"}

"""The whole-catalog preview (the organization's: actions no statement names decided in
one step, their rows made when read) equals the plain per-API preview, on IMS and on a
generated catalog of several services, for generated paths of policies and contexts."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from scpstudio.engine.decision import ALLOWED, DENIED, NOT_ALLOWED, Level
from scpstudio.engine.evaluate import decide_subjects
from scpstudio.engine.evaluate_many import decide_many
from scpstudio.engine.policy import compile_policy
from scpstudio.engine.preview import Preview, PreviewContext, prepared, preview_each, preview_levels
from scpstudio.engine.preview_shared import SharedRow
from scpstudio.engine.preview_whole import preview_whole_catalog
from scpstudio.engine.statement_memory import forget_statements
from tests.engine.conftest import load_shipped_catalog
from tests.engine.diff_strategies import conditions, requests
from tests.engine.generated_catalog import generated_catalog

IMS = load_shipped_catalog()


GENERATED = generated_catalog()
ACTIONS = {
    "IMS": [
        "ims:images:share", "ims:images:get", "ims:images:list", "ims:images:*", "ims:*:*",
        "ims:images:s*", "obs:object:GetObject", "*:images:get", "ims:quotas:get",
    ],
    "generated": [
        "svc000:res0s:list0", "svc000:res1s:get1", "svc001:*", "svc001:res2s:*",
        "svc002:res0s:create*", "svc000:oldres0s:list3", "svc000:res0s:update3", "svc*:*:get*",
        "obs:object:GetObject",
    ],
}  # fmt: skip
RESOURCES = {
    "IMS": ["*", "ims:*:*:image:*", "ims:cn-north-4:*:image:img-*", "obs:*:*:object:*"],
    "generated": ["*", "svc000:*:*:res0:*", "svc001:cn-north-4:*:res1:*", "svc*:*:*:*:*"],
}
CATALOGS = {"IMS": IMS, "generated": GENERATED}


@st.composite
def statements(draw: Any, which: str) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Deny", "Deny"]))}
    element = "NotAction" if not draw(st.integers(0, 5)) else "Action"
    patterns = st.sampled_from([*ACTIONS[which], "*"] if element == "Action" else ACTIONS[which])
    statement[element] = draw(st.lists(patterns, min_size=1, max_size=3))
    if draw(st.booleans()):
        element = "NotResource" if not draw(st.integers(0, 5)) else "Resource"
        statement[element] = draw(st.lists(st.sampled_from(RESOURCES[which]), min_size=1))
    if not draw(st.integers(0, 2)):
        condition = draw(conditions())
        if condition:
            statement["Condition"] = condition
    return statement


@st.composite
def paths(draw: Any, which: str) -> list[Level]:
    """A path of one to four levels, each with FullAccess attached or not and up to three
    policies (a few allowing, most denying), as an organization holds them."""
    levels = []
    for depth in range(draw(st.integers(1, 4))):
        policies = []
        for k in range(draw(st.integers(0, 3))):
            document = {"Statement": draw(st.lists(statements(which), min_size=1, max_size=3))}
            policies.append(compile_policy(json.dumps(document), CATALOGS[which], name=f"P{k}"))
        levels.append(Level(f"level {depth}", policies, draw(st.booleans())))
    return levels


@st.composite
def cases(draw: Any) -> tuple[str, list[Level], PreviewContext | None]:
    which = draw(st.sampled_from(["IMS", "generated"]))
    context = PreviewContext.from_json(draw(requests())) if draw(st.booleans()) else None
    return which, draw(paths(which)), context


def same_preview(fast: Preview, plain: Preview) -> None:
    assert len(fast.apis) == len(plain.apis)
    assert list(fast.apis) == list(plain.apis)
    assert fast.apis == plain.apis
    assert dict(fast.actions) == dict(plain.actions)
    assert list(fast.actions) == list(plain.actions)
    assert fast.to_json() == plain.to_json()
    assert (fast.problem, fast.context_problems) == (plain.problem, plain.context_problems)


@settings(max_examples=150, deadline=None)
@given(cases())
@example(("generated", [Level("root", [], True)], None))
@example(("generated", [Level("root", [], False)], None))
@example(("IMS", [], None))
def test_the_whole_catalog_preview_equals_the_plain_preview(
    case: tuple[str, list[Level], PreviewContext | None],
) -> None:
    which, levels, context = case
    catalog = CATALOGS[which]

    fast = preview_whole_catalog(levels, catalog, context)

    forget_statements()  # the plain preview works everything out again
    plain = preview_each(levels, catalog, context, services=catalog.services)
    same_preview(fast, plain)


@settings(max_examples=150, deadline=None)
@given(cases(), st.booleans())
@example(("generated", [Level("root", [], True)], None), True)
@example(("IMS", [], None), False)
def test_the_editors_preview_equals_the_plain_preview_asked_once_or_again(
    case: tuple[str, list[Level], PreviewContext | None], every_service: bool
) -> None:
    which, levels, context = case
    catalog = CATALOGS[which]
    services = catalog.services if every_service else None

    first = preview_levels(levels, catalog, context, services=services)
    again = preview_levels(levels, catalog, context, services=services)

    forget_statements()
    plain = preview_each(levels, catalog, context, services=services)
    same_preview(first, plain)
    same_preview(again, plain)


@settings(max_examples=60, deadline=None)
@given(cases())
def test_deciding_many_equals_deciding_one_by_one(
    case: tuple[str, list[Level], PreviewContext | None],
) -> None:
    which, levels, context = case
    catalog = CATALOGS[which]
    wanted = frozenset(s.casefold() for s in catalog.services)
    _, subjects, _ = prepared(catalog, wanted, context or PreviewContext())

    many = decide_many(subjects, levels, catalog)

    forget_statements()
    assert dict(many) == decide_subjects(subjects, levels, catalog)


def test_actions_no_statement_names_share_the_levels_decision() -> None:
    guard = {"Statement": [{"Effect": "Deny", "Action": "svc000:res0s:list0"}]}
    levels = [
        Level("root", [], True),
        Level("ou", [compile_policy(json.dumps(guard), GENERATED, name="Guard")], True),
    ]

    fast = preview_whole_catalog(levels, GENERATED)

    outcomes = {(a.service, a.operation_ids[0]): a.outcome for a in fast.apis}
    assert outcomes[("svc000", "ListRes00")] is DENIED
    assert outcomes[("svc001", "ListRes00")] is ALLOWED
    assert outcomes[("svc000", "GetRes11")] is ALLOWED
    other = fast.actions["svc000:res1s:get1"].decision
    assert other.decided_by is not None and other.decided_by.action == "svc000:res1s:get1"
    assert (other.decided_by.level, other.decided_by.policy) == ("root", "FullAccess")


def test_a_level_with_nothing_attached_allows_nothing() -> None:
    levels = [Level("root", [], True), Level("ou", [], False)]

    fast = preview_whole_catalog(levels, GENERATED)

    assert {a.outcome for a in fast.apis} == {NOT_ALLOWED}
    first = fast.apis[0].decided_by
    assert first is not None and first.level == "ou" and first.statement is None


def test_a_light_row_reads_field_by_field_as_the_row_it_stands_for() -> None:
    guard = {"Statement": [{"Effect": "Deny", "Action": "svc000:res0s:list0"}]}
    levels = [Level("root", [compile_policy(json.dumps(guard), GENERATED, name="Guard")], True)]

    fast = preview_whole_catalog(levels, GENERATED)
    forget_statements()
    plain = preview_each(levels, GENERATED, services=GENERATED.services)

    light = [(i, row) for i, row in enumerate(fast.apis) if isinstance(row, SharedRow)]
    assert len(light) > len(fast.apis) // 2  # most rows share the one decision
    for i, row in light:
        other = plain.apis[i]
        for name in (
            "method", "path", "service", "outcome", "possible", "deciding", "actions",
            "conditional_links", "operation_ids", "note", "label", "decided_by",
        ):  # fmt: skip
            assert getattr(row, name) == getattr(other, name), name
        assert other == row and row == other
        assert (row != other) is False
        assert hash(row) == hash(other)
        assert row.to_json() == other.to_json()
    assert light[0][1] != plain.apis[light[1][0]]


def test_an_edit_hands_back_the_same_rows_for_the_apis_it_does_not_change() -> None:
    def guard(action: str) -> list[Level]:
        text = json.dumps({"Statement": [{"Effect": "Deny", "Action": action}]})
        return [Level("", [compile_policy(text, GENERATED, name="Guard")], True)]

    before = preview_levels(guard("svc000:res0s:list0"), GENERATED, services=["svc000"])
    after = preview_levels(guard("svc000:res1s:get1"), GENERATED, services=["svc000"])

    changed = [i for i, (a, b) in enumerate(zip(before.apis, after.apis, strict=True)) if a != b]
    same = [i for i, (a, b) in enumerate(zip(before.apis, after.apis, strict=True)) if a is b]
    assert changed and len(changed) + len(same) == len(after.apis)
    assert any(isinstance(after.apis[i], SharedRow) for i in same)


def test_a_kept_row_is_never_handed_to_another_api_made_at_the_same_address() -> None:
    """A plan dropped with its kept list (many contexts push it out) frees its address; a
    plan made later may sit there, and its actions may have got the same decisions."""
    from scpstudio.engine import preview as preview_module
    from scpstudio.engine.statement_memory import catalog_serial

    text = json.dumps({"Statement": [{"Effect": "Deny", "Action": "ims:images:*"}]})
    levels = [Level("", [compile_policy(text, IMS, name="Guard")], True)]
    plans = preview_module.prepared(IMS, frozenset({"ims"}), PreviewContext())[0]
    expected = preview_each(levels, IMS)
    first = preview_levels(levels, IMS)
    at = next(i for i, p in enumerate(plans) if not isinstance(first.apis[i], SharedRow))
    other = next(i for i in range(len(plans)) if first.apis[i].path != first.apis[at].path)
    key = (catalog_serial(IMS), id(plans[at]))
    _, decided, note, _ = preview_module._ROWS.get(key)
    # what was kept at this address is another API's row, its plan's, of the same decisions
    preview_module._ROWS.put(key, (plans[other], decided, note, first.apis[other]))

    again = preview_levels(levels, IMS)

    assert again.apis[at] == expected.apis[at]
    same_preview(again, expected)

"""Packing never changes what a node allows (issue 19, item 5), proved on drawn statement
sets two ways: the exact diff finds no request that the original statements and the packed
ones treat differently, and the preview of the node holding the original policies and of
the node holding the packed documents agree on every API under every drawn context. And
no document is ever over the quota."""

from __future__ import annotations

import itertools
import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scpstudio.engine.diff import diff_policies
from scpstudio.engine.document import parse_policy
from scpstudio.engine.evaluate import Level
from scpstudio.engine.limits import policy_limit_problem
from scpstudio.engine.packing import DOCUMENT_OVERHEAD, MIN_QUOTA, PackSource, pack
from scpstudio.engine.policy import compile_policy
from scpstudio.engine.preview import PreviewContext, preview_levels
from scpstudio.engine.serialize import to_minified
from tests.engine.conftest import load_shipped_catalog
from tests.engine.diff_strategies import ACTIONS, RESOURCES, conditions, requests, statements

CATALOG = load_shipped_catalog()
SERVICES = ["ims", "obs"]
BIG = 60_000  # ms: the diff's answer must not depend on the machine's load
PROPERTY = settings(
    max_examples=int(os.environ.get("PACKING_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def shapes(draw: Any, effects: tuple[str, ...]) -> dict[str, Any]:
    """Effect, resources and condition that several drawn statements share (so they merge)."""
    shape: dict[str, Any] = {"Effect": draw(st.sampled_from(effects))}
    if draw(st.booleans()):
        element = "NotResource" if not draw(st.integers(0, 4)) else "Resource"
        shape[element] = draw(st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2))
    condition = draw(conditions())
    if condition:
        shape["Condition"] = condition
    return shape


@st.composite
def statement_sets(draw: Any, effects: tuple[str, ...]) -> list[list[dict[str, Any]]]:
    """One to three policies of guardrail statements, many of them alike but for their
    actions, some NotAction or of any shape, some with the same Sid."""
    pool = draw(st.lists(shapes(effects), min_size=1, max_size=3))
    out: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 9))):
        if draw(st.integers(0, 3)):
            actions = draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3))
            statement = {**draw(st.sampled_from(pool)), "Action": actions}
        else:
            statement = draw(statements(effects))
        if not draw(st.integers(0, 2)):
            statement = {"Sid": draw(st.sampled_from(["Guard", "Guard2", "NoShare"])), **statement}
        out.append(statement)
    cuts = sorted(draw(st.lists(st.integers(1, len(out)), max_size=2)))
    bounds = [0, *cuts, len(out)]
    return [out[a:b] for a, b in itertools.pairwise(bounds) if out[a:b]]


def _size(statement: dict[str, Any]) -> int:
    return len(to_minified({"Version": "5.0", "Statement": [statement]})) - DOCUMENT_OVERHEAD - 1


@st.composite
def cases(draw: Any) -> tuple[list[PackSource], int, bool]:
    """(sources, quota, full_access): a Deny-only set beside FullAccess, or an allow-list
    of Allow and Deny statements with FullAccess detached; the quota small enough, often,
    for several documents."""
    full_access = draw(st.booleans())
    effects = ("Deny",) if full_access else ("Allow", "Allow", "Deny")
    groups = draw(statement_sets(effects))
    largest = max(_size(s) for g in groups for s in g)
    quota = max(MIN_QUOTA, largest + DOCUMENT_OVERHEAD + 1 + draw(st.integers(0, 500)))
    if not draw(st.integers(0, 4)):
        quota = 5120
    sources = [
        PackSource(f"Policy {i + 1}", json.dumps({"Version": "5.0", "Statement": g}))
        for i, g in enumerate(groups)
    ]
    return sources, quota, full_access


def _every_statement(texts: list[str]) -> dict[str, Any]:
    return {
        "Version": "5.0",
        "Statement": [s for t in texts for s in json.loads(t)["Statement"]],
    }


def _node(texts: list[str], full_access: bool) -> list[Level]:
    return [Level("node", [compile_policy(t, CATALOG) for t in texts], full_access)]


def _outcomes(texts: list[str], full_access: bool, context: Any) -> dict[tuple[str, str], Any]:
    preview = preview_levels(
        _node(texts, full_access), CATALOG, PreviewContext.from_json(context), services=SERVICES
    )
    out: dict[tuple[str, str], Any] = {}
    for row in preview.apis:
        out[(row.label, "")] = (row.outcome, row.possible)
        for link in row.conditional_links:
            out[(row.label, link.action)] = (link.outcome, link.possible)
    for name, action in preview.actions.items():
        out[("action", name)] = (action.decision.outcome, action.decision.possible)
    return out


@PROPERTY
@given(cases())
def test_no_request_is_treated_differently_after_packing(case):
    sources, quota, full_access = case

    result = pack(sources, free_slots=5, quota=quota)

    before = _every_statement([s.text for s in sources])
    after = _every_statement([d.text for d in result.documents])
    diff = diff_policies(before, after, CATALOG, "scp", full_access=full_access, budget_ms=BIG)
    assert [c.to_json() for c in diff.changes if c.change != "undecided"] == []


@PROPERTY
@given(cases(), st.lists(requests(), min_size=1, max_size=3))
def test_the_node_previews_every_api_alike_with_the_packed_documents(case, contexts):
    sources, quota, full_access = case

    result = pack(sources, free_slots=5, quota=quota)

    original = [s.text for s in sources]
    packed = [d.text for d in result.documents]
    for context in [None, *contexts]:
        assert _outcomes(packed, full_access, context) == _outcomes(original, full_access, context)


@PROPERTY
@given(cases())
def test_no_document_is_over_the_quota_or_the_engine_limits(case):
    sources, quota, _ = case

    result = pack(sources, free_slots=5, quota=quota)

    for document in result.documents:
        assert len(document.minified) == document.size <= quota
        assert len(document.text) <= quota
        assert policy_limit_problem(parse_policy(document.text)) is None
    sids = [
        s.value["Sid"].casefold()
        for d in result.documents
        for s in d.statements
        if "Sid" in s.value
    ]
    assert len(sids) == len(set(sids))
    # merging only shortens: the packed statements are no longer than the ones read, but
    # for the digits a renamed Sid gains
    read = [_size(s) for source in sources for s in json.loads(source.text)["Statement"]]
    packed = [s.size for d in result.documents for s in d.statements]
    assert sum(packed) <= sum(read) + 3 * len(result.notes)
    assert result.statements_out <= result.statements_in
    # every statement read is in exactly one packed statement
    placed = sorted(
        (o.source, o.index) for d in result.documents for s in d.statements for o in s.origins
    )
    assert placed == sorted(
        (source.name, i)
        for source in sources
        for i in range(len(json.loads(source.text)["Statement"]))
    )


def _fewest(weights: list[int], counts: int, capacity: int) -> int:
    """The fewest documents, by trying every assignment (small sets only)."""
    best = len(weights)

    def go(i: int, bins: list[int]) -> None:
        nonlocal best
        if len(bins) >= best:
            return
        if i == len(weights):
            best = len(bins)
            return
        for j in range(len(bins)):
            if bins[j] + weights[i] <= capacity:
                bins[j] += weights[i]
                go(i + 1, bins)
                bins[j] -= weights[i]
        go(i + 1, [*bins, weights[i]])

    go(0, [])
    return best


@PROPERTY
@given(cases())
def test_the_count_is_the_fewest_when_the_result_says_it_is_proved(case):
    sources, quota, _ = case

    result = pack(sources, free_slots=5, quota=quota)

    weights = [s.weight for d in result.documents for s in d.statements]
    fewest = _fewest(sorted(weights, reverse=True), len(weights), quota - DOCUMENT_OVERHEAD)
    assert result.lower_bound <= fewest <= len(result.documents)
    if result.proved_fewest:
        assert len(result.documents) == fewest

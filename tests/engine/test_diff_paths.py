"""The exact diff over organization paths (issue 19, item 4): what changes for an account
when a policy is attached or detached somewhere on its path, or its OU moves. The laws of
`test_diff_properties`, on paths: every request the two paths treat differently is listed,
every witness makes them differ, and one level is `diff_policies` itself."""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scpstudio.engine.diff import DIRECTIONS, diff_paths, diff_policies
from scpstudio.engine.diff_search import differs
from scpstudio.engine.evaluate import Level, Outcome, full_access_policy
from scpstudio.engine.policy import compile_policy
from scpstudio.engine.preview import PreviewContext, preview_levels
from tests.engine.conftest import load_shipped_catalog
from tests.engine.diff_strategies import mutated, pairs, policies, requests
from tests.engine.helpers import allow, deny, policy

CATALOG = load_shipped_catalog()
FULL = full_access_policy(CATALOG)
BIG = 60_000  # ms: the answer must not depend on the machine's load
PROPERTY = settings(
    max_examples=int(os.environ.get("DIFF_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
GET = "GET /v2/cloudimages"  # the API that needs ims:images:list


def _level(name: str, *docs: Any, full: bool = True) -> Level:
    compiled = [compile_policy(d, CATALOG, name=f"{name}-{i}") for i, d in enumerate(docs)]
    return Level(name, [*([FULL] if full else []), *compiled], False)


def _apis(diff: Any) -> dict[str, Any]:
    return {f"{c.method} {c.path}": c for c in diff.of_kind("api")}


def _api_needing(action: str) -> str:
    from scpstudio.engine.preview import api_plans

    plan = next(p for p in api_plans(CATALOG) if [n.action for n in p.needs] == [action])
    return f"{plan.method} {plan.path}"


def test_a_deny_attached_at_an_ou_newly_denies_what_it_names():
    before = [_level("root"), _level("dev"), _level("acct")]
    after = [_level("root"), _level("dev", policy(deny("ims:images:deleteImage"))), _level("acct")]

    changes = _apis(diff_paths(before, after, CATALOG, budget_ms=BIG))

    label = _api_needing("ims:images:deleteImage")
    assert set(changes) == {label}
    change = changes[label]
    assert (change.before, change.after, change.change) == (
        Outcome.ALLOWED,
        Outcome.DENIED,
        "newly_denied",
    )
    assert change.decided_by is not None and change.decided_by.level == "dev"


def test_a_deny_already_made_higher_up_changes_nothing():
    guard = policy(deny("ims:images:deleteImage"))
    before = [_level("root", guard), _level("dev"), _level("acct")]
    after = [_level("root", guard), _level("dev", guard), _level("acct")]

    assert diff_paths(before, after, CATALOG, budget_ms=BIG).changes == ()


def test_replacing_full_access_with_an_allow_list_leaves_the_rest_not_allowed_below():
    only_list = policy(allow("ims:images:list"))
    before = [_level("root"), _level("dev"), _level("acct")]
    after = [_level("root"), _level("dev", only_list, full=False), _level("acct")]

    changes = _apis(diff_paths(before, after, CATALOG, budget_ms=BIG))

    assert _api_needing("ims:images:list") not in changes
    assert _api_needing("ims:images:deleteImage") in changes
    assert {c.after for c in changes.values()} == {Outcome.NOT_ALLOWED}
    assert {c.change for c in changes.values()} == {"newly_denied"}


def test_moving_an_ou_out_from_under_a_guardrail_newly_allows_it():
    guard = policy(deny("ims:images:deleteImage"))
    before = [_level("root"), _level("locked", guard), _level("team"), _level("acct")]
    after = [_level("root"), _level("team"), _level("acct")]  # one level shorter

    changes = _apis(diff_paths(before, after, CATALOG, budget_ms=BIG))

    assert set(changes) == {_api_needing("ims:images:deleteImage")}
    assert changes[_api_needing("ims:images:deleteImage")].change == "newly_allowed"


def test_refusals_lists_a_deny_that_replaces_nothing_allowing():
    nothing = [_level("root"), _level("dev", policy(allow("ims:images:get")), full=False)]
    denied = [
        _level("root"),
        _level("dev", policy(allow("ims:images:get"), deny("ims:images:list")), full=False),
    ]

    quiet = diff_paths(nothing, denied, CATALOG, budget_ms=BIG)
    said = diff_paths(nothing, denied, CATALOG, refusals=True, budget_ms=BIG)

    assert _api_needing("ims:images:list") not in _apis(quiet)
    assert _apis(said)[_api_needing("ims:images:list")].change == "refusal_changed"


@PROPERTY
@given(pairs().filter(lambda p: p[2] == "scp"))
def test_one_level_beside_full_access_answers_as_diff_policies(pair):
    before, after, _ = pair

    by_paths = diff_paths([_level("", before)], [_level("", after)], CATALOG, budget_ms=BIG)
    by_policies = diff_policies(before, after, CATALOG, "scp", budget_ms=BIG)

    assert {k: c.change for k, c in _apis(by_paths).items()} == {
        k: c.change for k, c in _apis(by_policies).items()
    }


@st.composite
def path_changes(draw: Any) -> tuple[list[Level], list[Level]]:
    """Three levels with drawn SCPs (Deny and Allow, FullAccess or not), and the same path
    with one level's policies changed: a policy attached, detached or edited."""
    effects = ("Deny", "Deny", "Allow")
    docs = [draw(st.lists(policies(effects), max_size=2)) for _ in range(3)]
    fulls = [draw(st.booleans()) or not d for d in docs]
    where = draw(st.integers(0, 2))
    changed = [list(d) for d in docs]
    how = draw(st.sampled_from(["attach", "detach", "edit", "full"]))
    if how == "attach" or not changed[where]:
        changed[where].append(draw(policies(effects)))
    elif how == "detach":
        changed[where].pop()
    else:
        changed[where][-1] = draw(mutated(changed[where][-1], effects))
    after_fulls = list(fulls)
    if how == "full":
        after_fulls[where] = not fulls[where] or not changed[where]
    names = ["root", "ou", "acct"]
    before = [_level(n, *d, full=f) for n, d, f in zip(names, docs, fulls, strict=True)]
    after = [_level(n, *d, full=f) for n, d, f in zip(names, changed, after_fulls, strict=True)]
    return before, after


def _outcomes(levels: list[Level], context: Any) -> dict[str, frozenset[Outcome]]:
    preview = preview_levels(levels, CATALOG, PreviewContext.from_json(context))
    return {row.label: row.possible for row in preview.apis}


def _single_values(context: dict[str, Any]) -> dict[str, Any]:
    """One value per key: several values under an unqualified operator have no documented
    reading (the preview leaves them open, the diff does not try them)."""
    return {**context, "keys": {k: v[:1] for k, v in context["keys"].items()}}


@PROPERTY
@given(path_changes(), requests())
def test_every_request_the_two_paths_treat_differently_is_listed(paths, request):
    before, after = paths
    request = _single_values(request)

    changes = _apis(diff_paths(before, after, CATALOG, budget_ms=BIG))

    old, new = _outcomes(before, request), _outcomes(after, request)
    for label, was in old.items():
        if not any(differs(d, was, new[label]) for d in DIRECTIONS):
            continue
        assert label in changes, (label, request)
        status = dict(changes[label].exact.status)
        for direction in DIRECTIONS:
            if differs(direction, was, new[label]):
                assert status[direction] != "none", (label, direction, request)


@PROPERTY
@given(path_changes())
def test_every_witness_makes_the_two_paths_differ(paths):
    before, after = paths

    changes = _apis(diff_paths(before, after, CATALOG, budget_ms=BIG))

    for label, change in changes.items():
        for witness in change.witnesses:
            context = json.loads(json.dumps(witness.context.to_json()))
            old, new = _outcomes(before, context)[label], _outcomes(after, context)[label]
            assert differs(witness.direction, old, new), (label, witness)

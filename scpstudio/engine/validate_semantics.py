"""Checks across entries and statements: redundancy and dependencies between actions.

They read only entries without errors: an action or URN with an error finding at its
path (`ims:*`, `*` in an SCP, an unknown resource type) matches nothing the console
would accept, so it covers nothing, is covered by nothing, and a statement holding one
is neither redundant nor the reason another is.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Hashable, Iterable, Iterator
from typing import TypeVar

from scpstudio.engine.api_needs import DEPENDENCY, apis_needing
from scpstudio.engine.catalog import DEPENDENT_APIS
from scpstudio.engine.document import JsonArray, JsonNode
from scpstudio.engine.findings import SEVERITY, Code, Fix, Severity, pointer
from scpstudio.engine.policy import MAX_VERDICTS, Policy, Statement
from scpstudio.engine.report import Report, quote
from scpstudio.engine.validate_resources import check_urn
from scpstudio.engine.wildcard import has_wildcard, wildcard_match

_MAX_LISTED = 5
# Errors about how an entry pairs with the other element of its statement, not about the
# pattern itself: the pattern still means what it says, so it still covers.
_PAIRING_ERRORS = frozenset({Code.UNSUPPORTED_RESOURCE_URN, Code.NO_APPLICABLE_RESOURCE})


def covers(general: str, specific: str, *, ignore_case: bool) -> bool:
    """Whether every name `specific` matches is matched by `general` too (syntactically)."""
    if ignore_case:
        general, specific = general.casefold(), specific.casefold()
    if general == specific:
        return True
    if "?" in general and has_wildcard(specific):
        return False  # `?` cannot stand for a `*` of the other pattern
    return wildcard_match(general, specific)


def faulty_paths(report: Report, policy: Policy) -> frozenset[str]:
    """Paths of the entries with an error about the pattern itself (not its pairing)."""
    urns: dict[str, tuple[str, JsonNode]] | None = None  # listed when first needed
    faulty: set[str] = set()
    # the findings listed and those left out past the listing cap: both mark their entry
    found = [(f.code, f.path) for f in report.findings]
    for code, path in itertools.chain(found, report.omitted):
        if SEVERITY[code] is not Severity.ERROR or code in _PAIRING_ERRORS or path in faulty:
            continue
        if code is Code.URN_SERVICE_MISMATCH and urns is None:
            urns = {
                path: (text, node)
                for s in policy.statements
                for text, node, path in zip(
                    s.resources, s.resource_nodes, s.resource_paths, strict=False
                )
            }
        if code is Code.URN_SERVICE_MISMATCH and urns is not None and path in urns:
            # the check stops at the service, so ask whether the URN is sound on its own
            scratch = Report(report.parse, report.catalog, report.profile)
            text, node = urns[path]
            check_urn(scratch, text, node, path, None)
            if not any(g.severity is Severity.ERROR for g in scratch.findings):
                continue
        faulty.add(path)
    return frozenset(faulty)


def check_semantics(report: Report, policy: Policy) -> None:
    faulty = faulty_paths(report, policy)
    for statement in policy.statements:
        _kept_entries(report, faulty, statement)
    _redundant_statements(report, policy, faulty)
    for statement in policy.statements:
        if not statement.usable or statement.action_element != "Action":
            continue
        if statement.effect == "Deny":
            _kept_deny_breaks(report, statement, faulty)
        else:
            _missing_dependencies(report, policy, statement, faulty)


# What a statement's own checks here found, kept in its verdicts (which the statement
# memory keeps across keystrokes, and which its copies elsewhere in the text share): by
# which of its entries are faulty, each finding as (code, message, element, entry, whether
# it may be removed), entries by place, so that the findings are added again on this run's
# nodes; with the comparisons they cost, taken from this run's budget again.
_ENTRIES = "redundant entries"
_DENY_BREAKS = "deny breaks"
_Found = tuple[Code, str, str, int, bool]
T = TypeVar("T")


def _kept_entries(report: Report, faulty: frozenset[str], statement: Statement) -> None:
    paths = statement.action_paths + statement.resource_paths
    key = (_ENTRIES, frozenset(p for p in paths if p in faulty))
    kept: tuple[int, tuple[_Found, ...]] | None = statement.verdicts.get(key)
    if kept is not None and report.spend(kept[0]):
        _add_again(report, statement, kept[1])
        return
    found: list[_Found] = []
    cost = 0
    for element in ("Action", "Resource"):
        spent = _redundant_entries(report, faulty, statement, element, found)
        if spent is None:
            cost = -1  # the budget was short: what was found is this run's only
        elif cost >= 0:
            cost += spent
    _add_again(report, statement, found)
    if cost >= 0:
        keep_verdict(statement, key, (cost, tuple(found)))


def keep_verdict(statement: Statement, key: Hashable, value: T) -> T:
    """Keep `value` in the statement's verdicts under `key` (at most MAX_VERDICTS)."""
    verdicts = statement.verdicts
    if len(verdicts) >= MAX_VERDICTS:
        verdicts.clear()
    verdicts[key] = value
    return value


def _add_again(report: Report, statement: Statement, found: Iterable[_Found]) -> None:
    for code, message, element, j, removable in found:
        path, node = statement.entry(element, j)
        report.add(code, message, path, node, fix=Fix("remove", path) if removable else None)


def _redundant_entries(
    report: Report, faulty: frozenset[str], statement: Statement, element: str, found: list[_Found]
) -> int | None:
    """The statement's entries of `element` (Action or Resource, whichever it is written
    as) that repeat or are covered by another, added to `found`; the comparisons they cost,
    or None when the budget was short for them."""
    actions = element == "Action"
    if (statement.action_element if actions else statement.resource_element) is None:
        return 0
    texts = statement.actions if actions else statement.resources
    paths = statement.action_paths if actions else statement.resource_paths
    if len(texts) < 2:
        return 0
    ignore_case = actions
    node = statement.node
    written = paths[0].rsplit("/", 1)[0] if paths else ""
    member = node.get(written.rsplit("/", 1)[-1]) if node is not None else None
    is_array = member is not None and isinstance(member.value, JsonArray)
    code = Code.REDUNDANT_ACTION if actions else Code.REDUNDANT_RESOURCE
    kind = "action" if actions else "resource"
    sound = [j for j, p in enumerate(paths) if p not in faulty]
    patterns = [(k, texts[k]) for k in sound if has_wildcard(texts[k])]
    cost = len(sound) * len(patterns)
    if not report.spend(cost):
        return None  # a suggestion is not worth a stalled request: past the budget, skip it
    first: dict[str, int] = {}
    for j in sound:
        text = texts[j]
        norm = text.casefold() if ignore_case else text
        earlier = first.setdefault(norm, j)
        other: str | None = texts[earlier] if earlier != j else None
        reason = "repeats"
        if other is None:
            for k, pattern in patterns:
                if (
                    k != j
                    and covers(pattern, text, ignore_case=ignore_case)
                    and not (covers(text, pattern, ignore_case=ignore_case) and k > j)
                ):
                    other, reason = pattern, "is already covered by"
                    break
        if other is None:
            continue
        message = f"The {kind} {quote(text)} {reason} {quote(other)}; remove it."
        found.append((code, message, element, j, is_array))
    return cost


def _normal_conditions(statement: Statement) -> str:
    node = statement.node
    member = node.get("Condition") if node is not None else None
    if member is None:
        return ""
    return json.dumps(member.value.to_python(), sort_keys=True)


class _Shape:
    """What redundancy needs of a statement, computed once per run."""

    __slots__ = ("statement", "catalog_names", "pivot", "other_actions", "conditions", "covers")

    def __init__(self, statement: Statement, report: Report) -> None:
        self.statement = statement
        catalog = report.catalog
        names: set[str] = set()
        others: list[str] = []
        for text in statement.actions:
            if not has_wildcard(text) and catalog.action(text) is not None:
                names.add(text.casefold())
            else:
                others.append(text)
        self.catalog_names = frozenset(names)
        # One catalog action it names: a statement whose Action does not match it cannot
        # cover this one (the first by name, so every worker compares the same pairs).
        self.pivot = min(names) if names else None
        self.other_actions = tuple(others)
        self.conditions: str | None = None
        self.covers: dict[int, bool] = {}  # by the other statement's serial

    def condition_text(self) -> str:
        if self.conditions is None:
            self.conditions = _normal_conditions(self.statement)
        return self.conditions


def _statement_covers(a: _Shape, b: _Shape) -> bool:
    """Whether `a` applies to every request `b` applies to (same effect, both Action)."""
    sa, sb = a.statement, b.statement
    if not sb.actions or not sb.resources:
        return False
    if not sa.any_action:
        if not b.catalog_names <= sa.matched:
            return False
        for y in b.other_actions:
            if not any(covers(x, y, ignore_case=True) for x in sa.actions):
                return False
    if not sa.any_resource and not all(
        any(covers(x, y, ignore_case=False) for x in sa.resources) for y in sb.resources
    ):
        return False
    return not sa.clauses or a.condition_text() == b.condition_text()


# What a compiled statement keeps of these checks (in Statement.verdicts, which the
# statement memory keeps across analyses): its shape, and whether it covers another
# compiled statement (by serial), for at most MAX_KEPT_COVERS others.
_SHAPE = "redundancy shape"
MAX_KEPT_COVERS = 1_024


def _kept_covers(a: _Shape, b: _Shape) -> bool:
    kept = a.covers
    found = kept.get(b.statement.serial)
    if found is None:
        if len(kept) >= MAX_KEPT_COVERS:
            kept.clear()
        found = kept[b.statement.serial] = _statement_covers(a, b)
    return found


def _redundant_statements(report: Report, policy: Policy, faulty: frozenset[str]) -> None:
    groups: dict[str | None, list[tuple[Statement, _Shape]]] = {}
    for s in policy.statements:
        if not (s.usable and s.action_element == "Action" and s.resource_element != "NotResource"):
            continue
        if any(p in faulty for p in s.action_paths + s.resource_paths):
            continue
        # the shape may be a copy's of this statement elsewhere in the text: its own
        # statement is used for what it says, never for where it stands
        shape = s.verdicts.get(_SHAPE)
        if shape is None:
            shape = s.verdicts[_SHAPE] = _Shape(s, report)
        groups.setdefault(s.effect, []).append((s, shape))
    for pairs in groups.values():
        coverers = _may_cover(pairs)
        for j, (sb, b) in enumerate(pairs):
            b_others, b_resources = len(b.other_actions), len(sb.resources)
            for i in range(len(pairs)) if b.pivot is None else coverers[j]:
                sa, a = pairs[i]
                if a is b:
                    continue
                cost = 1 + b_others * len(sa.actions) + b_resources * len(sa.resources)
                if cost > report.budget:
                    return  # past the budget: no more redundancy suggestions
                report.budget -= cost
                covers = a.covers.get(sb.serial)  # _kept_covers, the lookup written out
                if covers is None:
                    covers = _kept_covers(a, b)
                if not covers:
                    continue
                if sa.index > sb.index and _kept_covers(b, a):
                    continue  # equivalent statements: report the later one only
                report.add(
                    Code.REDUNDANT_STATEMENT,
                    f"Statement {sb.label} adds nothing: statement {sa.label} already "
                    f"{'denies' if sb.effect == 'Deny' else 'allows'} everything it does.",
                    pointer("Statement", sb.index),
                    sb.node,
                )
                break


def _may_cover(pairs: list[tuple[Statement, _Shape]]) -> list[list[int]]:
    """For each statement with a pivot, the places (in order) of the statements that may
    cover it: those matching its pivot, or naming any action; a statement that does not
    match an action b names cannot cover b. Each statement is compared with the pivots
    through the smaller of its matched actions and the pivots (a set intersection), so
    the work grows with the pairs found, not with every pair."""
    wanted: dict[str, list[int]] = {}  # pivot -> the places of the statements with it
    for j, (_, b) in enumerate(pairs):
        if b.pivot is not None:
            wanted.setdefault(b.pivot, []).append(j)
    coverers: list[list[int]] = [[] for _ in pairs]
    for i, (sa, _) in enumerate(pairs):
        for pivot in wanted.keys() if sa.any_action else sa.matched.intersection(wanted):
            for j in wanted[pivot]:
                coverers[j].append(i)
    return coverers


def _dependency_index(report: Report) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Service prefix -> (dependency name, dependent action names), once per catalog."""
    catalog = report.catalog
    cached = catalog.derived.get("dependency_index")
    if isinstance(cached, dict):
        return cached
    index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for dep, acts in catalog.dependents.items():
        index.setdefault(dep.split(":", 1)[0], []).append((dep, tuple(a.name for a in acts)))
    catalog.derived["dependency_index"] = index
    return index


def _dependent_apis(report: Report, pattern: str) -> tuple[tuple[str, str], ...]:
    """(dependent action, API label) for every API needing an action this pattern names
    only as a dependency; memoized per catalog since the editor asks on every keystroke."""
    catalog = report.catalog
    memo = catalog.derived.setdefault(DEPENDENT_APIS, {})
    folded = pattern.casefold()
    hit = memo.get(folded)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    deps: list[str]
    if not has_wildcard(folded):
        deps = [folded] if folded in catalog.dependents else []
    else:
        index = _dependency_index(report)
        service = folded.split(":", 1)[0]
        if has_wildcard(service):
            pool = [entry for entries in index.values() for entry in entries]
        else:
            pool = index.get(service, [])
        deps = [dep for dep, _ in pool if wildcard_match(folded, dep)]
    found: dict[tuple[str, str], None] = {}
    for dep in deps:
        # The APIs the preview turns DENIED through a dependency (api_needs): not those
        # needing it only in a situation the catalog names ("required only ..."), nor directly.
        for need in apis_needing(catalog, dep, DEPENDENCY):
            found[(need.dependency_of or "", need.label)] = None
    result = tuple(found)
    if len(memo) < 20_000:
        memo[folded] = result
    return result


def _kept_deny_breaks(report: Report, statement: Statement, faulty: frozenset[str]) -> None:
    key = (_DENY_BREAKS, frozenset(p for p in statement.action_paths if p in faulty))
    kept: tuple[_Found, ...] | None = statement.verdicts.get(key)
    if kept is None:
        kept = keep_verdict(statement, key, tuple(_deny_breaks(report, statement, faulty)))
    _add_again(report, statement, kept)


def _deny_breaks(report: Report, statement: Statement, faulty: frozenset[str]) -> Iterator[_Found]:
    for j, (text, path) in enumerate(zip(statement.actions, statement.action_paths, strict=True)):
        if path in faulty:
            continue
        broken = [
            f"{label} (through {name})"
            for name, label in _dependent_apis(report, text)
            if not statement.names_catalog_action(name.casefold())  # denied directly anyway
        ]
        if broken:
            shown = "; ".join(broken[:_MAX_LISTED]) + (" ..." if len(broken) > _MAX_LISTED else "")
            message = (
                f"Denying {quote(text)} also blocks, whenever the Deny applies, {len(broken)} "
                f"API(s) that depend on it: {shown}."
            )
            yield (Code.DENY_BREAKS_DEPENDENT_APIS, message, "Action", j, False)


def _missing_dependencies(
    report: Report, policy: Policy, statement: Statement, faulty: frozenset[str]
) -> None:
    catalog = report.catalog
    allows = [s for s in policy.statements if s.usable and s.effect == "Allow"]
    for text, node, path in zip(
        statement.actions, statement.action_nodes, statement.action_paths, strict=True
    ):
        if path in faulty:
            continue
        missing: list[tuple[str, str]] = []
        for action in catalog.match_actions(text):
            for dep in action.dependencies:
                if any(s.names_action(dep) != s.not_action for s in allows):
                    continue
                if all(dep != m for m, _ in missing):
                    missing.append((dep, action.name))
        if not missing:
            continue
        shown = ", ".join(f"{dep} (needed by {name})" for dep, name in missing[:_MAX_LISTED])
        fix = None
        if len(missing) == 1:
            element = pointer("Statement", statement.index, "Action")
            member = statement.node.get("Action") if statement.node else None
            if member is not None and isinstance(member.value, JsonArray):
                fix = Fix("add", element + "/-", missing[0][0])
            else:
                fix = Fix("replace", element, [*statement.actions, missing[0][0]])
        report.add(
            Code.MISSING_DEPENDENCY,
            f"{quote(text)} is allowed, but its APIs also need {shown}, which no Allow in this "
            "policy grants.",
            path,
            node,
            fix=fix,
        )

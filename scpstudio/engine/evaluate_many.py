"""Many requests along one path at once, the work of the actions no statement names done
once for all of them: the organization's effective preview over a whole catalog.

A statement whose Action lists patterns applies only to the catalog actions those
patterns match (`Statement.matched`, found once per statement through the catalog's
index of names, service prefixes and wildcards when the policy is compiled). A catalog
action none of them names meets, at each level, only the statements that may apply to
any action ("*", NotAction): when none of those depends on the request (no resource
pattern but "*", no condition), every such action gets the same decision there, and
along the path too, but for the action it names. `decide_many` works that decision out
once and gives it to each of those actions in one step (made when asked for: a Decision
naming the action). An action the catalog lacks (a dependency in a service it does not
hold) shares it too when no statement's patterns may name it. The actions a statement
names are decided one by one as `evaluate.decide_subjects` does, without keeping the
decisions in `statement_memory.DECISIONS` (the organization keeps whole previews).
The answer is `decide_subjects`' (tests/engine/test_evaluate_many.py checks it on
generated paths and catalogs).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence, Set
from typing import Any

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.decision import (
    ALLOWED,
    DENIED,
    NOT_ALLOWED,
    DecidedBy,
    Decision,
    Level,
)
from scpstudio.engine.evaluate import _along_path, _decide, _decide_level, attached_policies
from scpstudio.engine.evaluate_statement import Subject
from scpstudio.engine.policy import Policy, Statement
from scpstudio.engine.policy_index import PolicyIndex, keep_decisions, prior_decisions
from scpstudio.engine.wildcard import wildcard_match

_PLACEHOLDER = ""  # the action a shared decision names until it is given to one


class ManyDecisions(Mapping[str, Decision]):
    """The decision for each request by its case-folded action: those decided one by one
    (`decided`), and for the others the path's shared decision (`shared`), made naming
    the action when asked (equal each time)."""

    __slots__ = ("decided", "shared", "names", "given")

    def __init__(
        self,
        decided: dict[str, Decision],
        shared: Decision | None,
        names: Mapping[str, str],
        given: dict[str, Decision] | None = None,
    ) -> None:
        self.decided = decided
        self.shared = shared  # naming `_PLACEHOLDER`
        # the requests' actions (some may be decided one by one): case-folded -> as written
        self.names = names
        # the shared decision given to each action asked for, made once
        # (`preview_shared.kept_decisions` keeps them from one preview to the next)
        self.given = {} if given is None else given

    def __getitem__(self, folded: str) -> Decision:
        found = self.decided.get(folded)
        if found is not None:
            return found
        found = self.given.get(folded)
        if found is None:
            if self.shared is None:
                raise KeyError(folded)
            found = self.given[folded] = given(self.shared, self.names[folded])
        return found

    def __iter__(self) -> Iterator[str]:
        yield from self.decided
        if self.shared is not None:
            yield from (f for f in self.names if f not in self.decided)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class KnownSubjects:
    """A catalog's prepared requests (under one context) by case-folded action, and
    those the catalog lacks: built once and kept with them (`preview_whole`), so that a
    path's decisions cost nothing for the actions it does not name."""

    __slots__ = ("subjects", "by_folded", "names", "foreign")

    def __init__(self, subjects: Sequence[Subject]) -> None:
        self.subjects = subjects
        self.by_folded = {s.name.casefold(): s for s in subjects}
        self.names = {folded: s.name for folded, s in self.by_folded.items()}
        # those the catalog lacks, with their case-folded action
        self.foreign = [(f, s) for f, s in self.by_folded.items() if s.action is None]


def decide_many(
    subjects: Sequence[Subject] | KnownSubjects,
    levels: Sequence[Level],
    catalog: Catalog,
    *,
    keep: bool = False,
    only: Set[str] | None = None,
) -> ManyDecisions:
    """`decide_subjects(subjects, levels, catalog)`: the decision for each prepared
    request, by its case-folded action, those of the actions no statement on the path
    names given in one step (with `KnownSubjects`, without looking at them at all).
    With `keep`, a level's decision for an action a statement names is kept in
    `statement_memory.DECISIONS` (the editor's next keystroke asks it again). With `only`,
    only the actions (case-folded) it holds are decided one by one: the others read as
    if no statement named them, and are not to be read."""
    known = subjects if isinstance(subjects, KnownSubjects) else KnownSubjects(subjects)
    attached = attached_policies(levels, catalog)
    indexes = [p._index() for _, policies in attached for p in policies]
    named = _named(indexes)
    shared = [_shared_level(policies, name) for name, policies in attached]
    foreign = _ForeignNames(indexes)
    path = None
    asked: list[tuple[str, Subject]]  # by case-folded action
    if all(d is not None for d in shared):
        decided = [d for d in shared if d is not None]
        path = decided[0] if len(decided) == 1 else _along_path(decided)
        # only what a statement names is decided one by one
        wanted = named if only is None else named & only
        by_folded = known.by_folded
        asked = [(f, by_folded[f]) for f in wanted if f in by_folded]
        asked += [
            (f, s) for f, s in known.foreign if (only is None or f in only) and foreign.named(f)
        ]
    else:
        asked = list(known.by_folded.items())
        if only is not None:
            asked = [(f, s) for f, s in asked if f in only]
    out: dict[str, Decision] = {}
    # The editor's case (one level, one policy besides FullAccess, decisions kept): the
    # policy the last keystroke was made in had the same decisions for the actions that
    # no changed statement names.
    edited = keep and only is None and len(attached) == 1 and _edited_alone(attached[0][1])
    kept_key: tuple[Any, ...] = ()
    prior: tuple[dict[str, Any], frozenset[str]] | None = None
    index = None
    if edited:
        level, policies = attached[0]
        index = policies[0]._index()
        kept_key = (known, level, tuple([(p.name, p.is_full_access) for p in policies]))
        prior = prior_decisions(index, kept_key)
    kept: dict[str, Decision] = {}
    for folded, subject in asked:
        in_catalog = subject.action is not None
        unnamed = folded not in named if in_catalog else not foreign.named(folded)
        if prior is not None and in_catalog and not unnamed and folded not in prior[1]:
            found = prior[0].get(folded)
            if found is not None:
                out[folded] = kept[folded] = found
                continue
        decisions = [
            given(d, subject.name)
            if unnamed and d is not None
            else _decide_level(subject, policies, name, False)
            if keep
            else _decide_here(subject, policies, name, in_catalog)
            for d, (name, policies) in zip(shared, attached, strict=True)
        ]
        out[folded] = decisions[0] if len(decisions) == 1 else _along_path(decisions)
        if edited and in_catalog and not unnamed:
            kept[folded] = out[folded]
    if index is not None:
        keep_decisions(index, kept_key, kept)
    return ManyDecisions(out, path, known.names)


def _edited_alone(policies: Sequence[Policy]) -> bool:
    """Whether the level holds one policy, FullAccess aside."""
    return (
        bool(policies)
        and not policies[0].is_full_access
        and all(p.is_full_access for p in policies[1:])
    )


def _decide_here(
    subject: Subject, policies: Sequence[Policy], level: str | None, in_catalog: bool
) -> Decision:
    """The level's decision for this request (`evaluate._decide_level`, not kept)."""
    groups = [(p, p.candidates(subject.name, in_catalog)) for p in policies]
    return _decide(subject, groups, level, False)


class _ForeignNames:
    """Which actions the catalog lacks some statement on the path may name (those of a
    dependency in a service the catalog does not hold): its literal names and its
    patterns by service, as `Statement.may_name_foreign` asks each statement. A statement
    whose Action is "*" names every action alike and is left out. Each policy's are
    worked out once, with its index (`PolicyIndex.literals`, `.patterns`)."""

    __slots__ = ("literals", "patterns")

    def __init__(self, indexes: Sequence[PolicyIndex]) -> None:
        some = [i for i in indexes if i.literals or i.patterns]
        self.literals: Set[str] = frozenset()
        self.patterns: Mapping[str, Sequence[str]] = {}
        if len(some) == 1:  # most often: one policy besides FullAccess (named by "*")
            self.literals, self.patterns = some[0].literals, some[0].patterns
        elif some:
            self.literals = frozenset().union(*[i.literals for i in some])
            patterns: dict[str, list[str]] = {}
            for i in some:
                for service, found in i.patterns.items():
                    patterns.setdefault(service, []).extend(found)
            self.patterns = patterns

    def named(self, folded: str) -> bool:
        if folded in self.literals:
            return True
        service = folded.split(":", 1)[0]
        candidates = [*self.patterns.get(service, ()), *self.patterns.get("*", ())]
        return any(wildcard_match(p, folded) for p in candidates)


def _named(indexes: Sequence[PolicyIndex]) -> Set[str]:
    """The catalog actions (case-folded) some statement of the policies singles out:
    those their Action lists (`PolicyIndex.by_action`), and those a NotAction lists (they
    are the exceptions to it). Most often one policy's, read as they stand."""
    some: list[Set[str]] = [i.by_action.keys() for i in indexes if i.by_action]
    some += [found for i in indexes for found in i.exceptions]
    if len(some) == 1:
        return some[0]
    return frozenset().union(*some)


_VARIES = None  # a verdict that depends on the request


def _verdict_elsewhere(s: Statement) -> bool | None:
    """Whether a statement that may apply to any action applies to a catalog action it
    does not name, whatever the request (`evaluate_statement.statement_applies`); None
    when that depends on the request's resource or context."""
    if s.any_action == s.not_action:  # NotAction "*": no action; both unset cannot be
        return False
    if not s.any_resource:
        return _VARIES  # patterns: the resource decides
    if s.not_resource:
        return False
    return _VARIES if s.clauses else True


def _shared_level(policies: Sequence[Policy], level: str | None) -> Decision | None:
    """The decision a level gives every catalog action no statement there names
    (`evaluate._decide` on the statements that may apply to any action), naming
    `_PLACEHOLDER`; None when it depends on the request."""
    deny: tuple[Policy, Statement] | None = None
    allow: tuple[Policy, Statement] | None = None
    for policy in policies:
        for s in policy._general:
            applies = _verdict_elsewhere(s)
            if applies is _VARIES:
                return None
            if not applies:
                continue
            if s.effect == "Deny":
                deny = deny or (policy, s)
            else:
                allow = allow or (policy, s)
    if deny is not None:
        return Decision(DENIED, frozenset({DENIED}), _ref(*deny, level))
    if allow is not None:
        return Decision(ALLOWED, frozenset({ALLOWED}), _ref(*allow, level))
    ref = DecidedBy(_PLACEHOLDER, None, None, None, level)
    return Decision(NOT_ALLOWED, frozenset({NOT_ALLOWED}), ref)


def _ref(policy: Policy, s: Statement, level: str | None) -> DecidedBy:
    return DecidedBy(_PLACEHOLDER, policy.name or None, s.index, s.sid, level, s.effect)


def given(shared: Decision, action: str) -> Decision:
    """The shared decision (naming `_PLACEHOLDER`), naming this action."""
    by = shared.decided_by
    if by is not None:
        by = given_by(by, action)
    return Decision(shared.outcome, shared.possible, by, shared.conditions, shared.statements)


def given_by(shared: DecidedBy, action: str) -> DecidedBy:
    """What decided the shared decision, naming this action."""
    return DecidedBy(
        action, shared.policy, shared.statement, shared.sid, shared.level, shared.effect
    )

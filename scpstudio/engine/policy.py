"""A parsed document compiled into statements the evaluator can run quickly.

Compilation is lenient: whatever part of a statement is malformed is left out
(validation reports it), so the preview keeps working while the user types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.document import (
    JsonArray,
    JsonNode,
    JsonObject,
    JsonScalar,
    Member,
    ParseResult,
    parse_policy,
)
from scpstudio.engine.findings import escape
from scpstudio.engine.limits import LimitProblem, policy_limit_problem
from scpstudio.engine.operators import (
    INVALID,
    OperatorProblem,
    ParsedOperator,
    prepare_value,
    read_operator,
)
from scpstudio.engine.policy_index import MAX_KEPT_SERIALS, PolicyIndex, policy_index
from scpstudio.engine.statement_memory import (
    StatementPiece,
    catalog_serial,
    pair_nodes,
    statement_serial,
)
from scpstudio.engine.wildcard import has_wildcard, wildcard_match

EFFECTS = ("Allow", "Deny")
FULL_ACCESS_NAME = "FullAccess"


@dataclass(slots=True, eq=False)
class Clause:
    """One key under one operator: `"Bool": {"ims:Encrypted": "false"}`."""

    operator: str
    parsed: ParsedOperator | None
    problem: OperatorProblem | None
    key: str
    values: tuple[Any, ...]
    prepared: tuple[Any, ...]
    path: str
    member: Member | None = None
    value_node: JsonNode | None = None
    text: str = ""  # the clause in words, filled in when first needed
    # engine.conditions keeps the policy values indexed here, and its recent verdicts
    matcher: Any = None
    memo: dict[int, Any] = field(default_factory=dict)

    @property
    def folded_key(self) -> str:
        return self.key.casefold()


# Verdicts one compiled statement keeps (per request and context, engine.evaluate, and
# which actions outside the catalog it names); past it they start again.
MAX_VERDICTS = 1_024


@dataclass(slots=True, eq=False)
class Statement:
    index: int
    sid: str | None
    effect: str | None
    action_element: str | None  # "Action", "NotAction" or None
    actions: tuple[str, ...]
    resource_element: str | None  # "Resource", "NotResource" or None (absent: "*")
    resources: tuple[str, ...]
    clauses: tuple[Clause, ...]
    node: JsonObject | None = None
    usable: bool = True
    matched: frozenset[str] = frozenset()
    any_action: bool = False
    folded_actions: tuple[str, ...] = ()
    resource_patterns: tuple[tuple[str, ...] | None, ...] = ()
    any_resource: bool = False
    action_nodes: tuple[JsonNode, ...] = ()
    action_paths: tuple[str, ...] = ()
    # patterns grouped by their (literal) service part, for names outside the catalog
    by_service: dict[str, tuple[str, ...]] = field(default_factory=dict)
    literals: frozenset[str] = frozenset()
    resource_nodes: tuple[JsonNode, ...] = ()
    resource_paths: tuple[str, ...] = ()
    # engine.evaluate groups the resource patterns here by service and type, when first asked
    resource_index: Any = None
    # What the preview worked out of this statement alone (engine.evaluate: whether it
    # applies to a request, what it leaves open): kept with the statement, which the
    # statement memory keeps across analyses, and shared by its copies moved elsewhere.
    verdicts: dict[Any, Any] = field(default_factory=dict)
    # Names this compiled statement (and its copies moved elsewhere in the text) in the
    # decisions the preview keeps (engine.statement_memory.DECISIONS).
    serial: int = field(default_factory=statement_serial)

    @property
    def label(self) -> str:
        # counted from 1, as the editor's form numbers statements ("Statement 1")
        return f'"{self.sid}"' if self.sid else f"#{self.index + 1}"

    @property
    def not_action(self) -> bool:
        return self.action_element == "NotAction"

    @property
    def not_resource(self) -> bool:
        return self.resource_element == "NotResource"

    def entry(self, element: str, j: int) -> tuple[str, JsonNode]:
        """The path and node of the `j`th entry of the statement's Action (or NotAction)
        when `element` is "Action", else of its Resource (or NotResource)."""
        if element == "Action":
            return self.action_paths[j], self.action_nodes[j]
        return self.resource_paths[j], self.resource_nodes[j]

    def names_catalog_action(self, folded: str) -> bool:
        """Whether Action (or NotAction) lists a pattern matching this catalog action."""
        return self.any_action or folded in self.matched

    def names_action(self, name: str) -> bool:
        """Whether Action (or NotAction) lists a pattern matching this action name."""
        folded = name.casefold()
        if self.any_action or folded in self.matched:
            return True
        return self._names_foreign(folded)

    def may_name_foreign(self, folded: str) -> bool:
        """`_names_foreign`, kept in `verdicts`: a policy asks it of every statement for
        each action the catalog lacks, on every keystroke."""
        key = ("names", folded)
        found: bool | None = self.verdicts.get(key)
        if found is None:
            if len(self.verdicts) >= MAX_VERDICTS:
                self.verdicts.clear()
            found = self.verdicts[key] = self._names_foreign(folded)
        return found

    def _names_foreign(self, folded: str) -> bool:
        if folded in self.literals:
            return True
        candidates = self.by_service.get(folded.split(":", 1)[0], ())
        wild = self.by_service.get("*", ())
        return any(wildcard_match(p, folded) for p in candidates + wild)

    def matches_action(self, name: str, in_catalog: bool) -> bool:
        """Whether the action part applies, catalog names looked up in the precomputed set."""
        folded = name.casefold()
        if self.any_action:
            named = True
        elif in_catalog:
            named = folded in self.matched
        else:
            named = self._names_foreign(folded)
        return named != self.not_action


@dataclass(slots=True, eq=False)
class Policy:
    """A compiled policy: its statements, bound to the catalog it was compiled with."""

    name: str
    statements: tuple[Statement, ...]
    catalog: Catalog
    parse: ParseResult | None = None
    is_full_access: bool = False
    services: frozenset[str] = field(default_factory=frozenset)
    touches_every_service: bool = False
    _by_action: dict[str, tuple[Statement, ...]] | None = None
    _general: tuple[Statement, ...] = ()
    _serials: dict[str, tuple[int, ...]] = field(default_factory=dict)
    _foreign: dict[str, tuple[Statement, ...]] = field(default_factory=dict)
    limit: LimitProblem | None = None  # the limit the document passes, when it does
    _found: PolicyIndex | None = None  # the index, once looked up

    def candidates(self, name: str, in_catalog: bool) -> tuple[Statement, ...]:
        """The statements that may apply to this action, in order: those whose Action
        names it, and those (NotAction, "*") that may apply to any action."""
        if not in_catalog:
            # an action the catalog lacks: the statements whose patterns may name it, and
            # those that may apply to any action (the others cannot apply to it)
            found = self._foreign.get(name)
            if found is None:
                folded = name.casefold()
                found = self._foreign[name] = tuple(
                    s
                    for s in self.statements
                    if s.any_action or s.not_action or s.may_name_foreign(folded)
                )
            return found
        if self._by_action is None:
            self._index()
        assert self._by_action is not None
        return self._by_action.get(name.casefold(), self._general)

    def candidate_serials(self, name: str, in_catalog: bool) -> tuple[int, ...]:
        """The serials of `candidates(name, in_catalog)`: what a decision kept for this
        action depends on (engine.evaluate)."""
        serials = self._serials.get(name)
        if serials is None:
            found = self.candidates(name, in_catalog)
            # by name: whether the action is in the catalog is the catalog's to say, and
            # the policy is compiled against one catalog
            serials = tuple([s.serial for s in found])
            if len(self._serials) < MAX_KEPT_SERIALS:  # shared by every copy of the policy
                self._serials[name] = serials
        return serials

    def _index(self) -> PolicyIndex:
        found = self._found
        if found is not None:
            return found  # looked up once per policy: a second look-up reads as a later use
        found = policy_index(self.statements)  # shared by every policy of these statements
        # `_by_action` (which `candidates` tests) and `_found` last: a thread seeing them
        # set sees the others set
        self._general, self._serials = found.general, found.serials
        self._by_action = found.by_action
        self._found = found
        return found


def compile_policy(source: Any, catalog: Catalog, *, name: str = "") -> Policy:
    """Compile JSON text, a decoded value or a `ParseResult` against a catalog."""
    parsed = source if isinstance(source, ParseResult) else parse_policy(source)
    statements: list[Statement] = []
    root = parsed.root
    limit = policy_limit_problem(parsed)
    if limit is not None:
        # nothing of a document past the limits is compiled: the preview refuses it
        return Policy(name=name, statements=(), catalog=catalog, parse=parsed, limit=limit)
    if isinstance(root, JsonObject):
        member = root.get("Statement")
        if member is not None:
            value = member.value
            items = value.items if isinstance(value, JsonArray) else [value]
            pieces = statement_pieces(parsed, value)
            for index, item in enumerate(items):
                if not isinstance(item, JsonObject):
                    continue
                piece = pieces[index] if pieces else None
                if piece is None:
                    statements.append(_statement(item, index, catalog))
                else:
                    statements.append(_kept_statement(piece, item, index, catalog))
    policy = Policy(name=name, statements=tuple(statements), catalog=catalog, parse=parsed)
    _note_services(policy)
    return policy


def statement_pieces(parsed: ParseResult, value: JsonNode) -> list[StatementPiece | None] | None:
    """The statement memory's piece of each item of the Statement array `value`, when the
    parse took them from there (engine.statement_memory)."""
    if parsed.statements is None or parsed.statements[0] is not value:
        return None
    return parsed.statements[1]


def _kept_statement(
    piece: StatementPiece, node: JsonObject, index: int, catalog: Catalog
) -> Statement:
    """The statement compiled from this text at this place in the array once per catalog
    snapshot, kept for each of the last few offsets it stood at in the text, and moved
    onto `node` when it now stands elsewhere."""
    anywhere = ("compiled", catalog_serial(catalog), index)
    here = (*anywhere, node.start)
    kept: Statement | None = piece.kept_value(here)
    if kept is not None and kept.node is node:
        return kept
    source: Statement | None = kept or piece.kept_value(anywhere)
    statement = _statement(node, index, catalog) if source is None else _moved(source, node)
    piece.keep(here, statement)
    piece.keep(anywhere, statement)
    return statement


def _moved(kept: Statement, node: JsonObject) -> Statement:
    """`kept` on the tree `node`, a copy of its own tree elsewhere in the text: the same
    compiled parts, the nodes (for spans) of the new tree."""
    assert kept.node is not None
    pairs: dict[int, Any] = {}
    pair_nodes(kept.node, node, pairs)
    clauses = tuple(
        Clause(
            c.operator,
            c.parsed,
            c.problem,
            c.key,
            c.values,
            c.prepared,
            c.path,
            pairs[id(c.member)] if c.member is not None else None,
            pairs[id(c.value_node)] if c.value_node is not None else None,
            c.text,
            c.matcher,
            c.memo,
        )
        for c in kept.clauses
    )
    return Statement(
        kept.index,
        kept.sid,
        kept.effect,
        kept.action_element,
        kept.actions,
        kept.resource_element,
        kept.resources,
        clauses,
        node,
        kept.usable,
        kept.matched,
        kept.any_action,
        kept.folded_actions,
        kept.resource_patterns,
        kept.any_resource,
        tuple(pairs[id(n)] for n in kept.action_nodes),
        kept.action_paths,
        kept.by_service,
        kept.literals,
        tuple(pairs[id(n)] for n in kept.resource_nodes),
        kept.resource_paths,
        kept.resource_index,
        kept.verdicts,
        kept.serial,
    )


def full_access(catalog: Catalog) -> Policy:
    """The system policy attached to every node when SCPs are enabled."""
    statement = Statement(
        index=0,
        sid=None,
        effect="Allow",
        action_element="Action",
        actions=("*",),
        resource_element="Resource",
        resources=("*",),
        clauses=(),
        any_action=True,
        any_resource=True,
        folded_actions=("*",),
        resource_patterns=(None,),
    )
    return Policy(FULL_ACCESS_NAME, (statement,), catalog, is_full_access=True)


def _strings(node: JsonNode, base: str) -> tuple[list[str], list[JsonNode], list[str]]:
    """The string entries of a string-or-array element, with their nodes and paths."""
    if isinstance(node, JsonArray):
        pairs = [(n, f"{base}/{j}") for j, n in enumerate(node.items)]
    else:
        pairs = [(node, base)]
    kept = [(n, p) for n, p in pairs if isinstance(n, JsonScalar) and isinstance(n.value, str)]
    return [str(n.value) for n, _ in kept], [n for n, _ in kept], [p for _, p in kept]


def _statement(node: JsonObject, index: int, catalog: Catalog) -> Statement:
    sid_m = node.get("Sid")
    sid = sid_m.value.value if sid_m and isinstance(sid_m.value, JsonScalar) else None
    effect_m = node.get("Effect")
    effect = effect_m.value.value if effect_m and isinstance(effect_m.value, JsonScalar) else None
    usable = effect in EFFECTS
    action_m, not_action_m = node.get("Action"), node.get("NotAction")
    if action_m is not None and not_action_m is not None:
        usable = False
    element_m = action_m or not_action_m
    actions: list[str] = []
    action_nodes: list[JsonNode] = []
    action_paths: list[str] = []
    if element_m is None:
        usable = False
    else:
        base = f"/Statement/{index}/{element_m.key}"
        actions, action_nodes, action_paths = _strings(element_m.value, base)
    resource_m, not_resource_m = node.get("Resource"), node.get("NotResource")
    if resource_m is not None and not_resource_m is not None:
        usable = False
    res_m = resource_m or not_resource_m
    resource_nodes: list[JsonNode] = []
    resource_paths: list[str] = []
    if res_m is None:
        resources = ["*"]
    else:
        base = f"/Statement/{index}/{res_m.key}"
        resources, resource_nodes, resource_paths = _strings(res_m.value, base)
    statement = Statement(
        index=index,
        sid=sid if isinstance(sid, str) else None,
        effect=effect if isinstance(effect, str) else None,
        action_element=None if element_m is None else element_m.key,
        actions=tuple(actions),
        resource_element=None if res_m is None else res_m.key,
        resources=tuple(resources),
        clauses=tuple(_clauses(node.get("Condition"), index)),
        node=node,
        usable=usable,
        action_nodes=tuple(action_nodes),
        action_paths=tuple(action_paths),
        resource_nodes=tuple(resource_nodes),
        resource_paths=tuple(resource_paths),
    )
    _prepare(statement, catalog)
    return statement


def _clauses(member: Member | None, index: int) -> list[Clause]:
    if member is None or not isinstance(member.value, JsonObject):
        return []
    clauses: list[Clause] = []
    base = f"/Statement/{index}/Condition"
    condition = member.value
    for op_member in condition.members:
        if condition.get(op_member.key) is not op_member:
            continue  # a duplicated operator: the last one counts, as for JSON readers
        if not isinstance(op_member.value, JsonObject):
            continue
        parsed = read_operator(op_member.key)
        spec = parsed if isinstance(parsed, ParsedOperator) else None
        problem = parsed if isinstance(parsed, OperatorProblem) else None
        keys = op_member.value
        for key_member in keys.members:
            if keys.get(key_member.key) is not key_member:
                continue
            raw = key_member.value
            scalars = raw.items if isinstance(raw, JsonArray) else [raw]
            values = tuple(s.value if isinstance(s, JsonScalar) else INVALID for s in scalars)
            family = spec.spec.family if spec else ""
            prepared = tuple(
                prepare_value(family, v) if v is not INVALID and spec else INVALID for v in values
            )
            clauses.append(
                Clause(
                    operator=op_member.key,
                    parsed=spec,
                    problem=problem,
                    key=key_member.key,
                    values=values,
                    prepared=prepared,
                    path=f"{base}/{escape(op_member.key)}/{escape(key_member.key)}",
                    member=key_member,
                    value_node=raw,
                )
            )
    return clauses


def _prepare(statement: Statement, catalog: Catalog) -> None:
    folded = tuple(a.casefold() for a in statement.actions)
    statement.folded_actions = folded
    statement.any_action = any(a in ("*", "*:*:*") for a in folded)
    matched: set[str] = set()
    if not statement.any_action:
        for pattern in folded:
            for action in catalog.match_actions(pattern):
                matched.add(action.name.casefold())
    statement.matched = frozenset(matched)
    grouped: dict[str, list[str]] = {}
    statement.literals = frozenset(p for p in folded if not has_wildcard(p))
    for pattern in folded:
        if pattern in statement.literals:
            continue
        service = pattern.split(":", 1)[0]
        grouped.setdefault("*" if has_wildcard(service) else service, []).append(pattern)
    statement.by_service = {s: tuple(p) for s, p in grouped.items()}
    patterns: list[tuple[str, ...] | None] = []
    for r in statement.resources:
        if r == "*":
            statement.any_resource = True
            patterns.append(None)
            continue
        parts = r.split(":", 4)
        patterns.append(tuple(parts) if len(parts) == 5 else ("",))
    statement.resource_patterns = tuple(patterns)


def _note_services(policy: Policy) -> None:
    services: set[str] = set()
    every = False
    for s in policy.statements:
        if not s.usable:
            continue
        if s.not_action or s.any_action:
            every = True
            continue
        for pattern in s.folded_actions:
            prefix = pattern.split(":", 1)[0]
            if has_wildcard(prefix):
                every = True
            else:
                services.add(prefix)
    policy.services = frozenset(services)
    policy.touches_every_service = every

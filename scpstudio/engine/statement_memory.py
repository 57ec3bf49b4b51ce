"""What a statement yields alone, kept between analyses and keyed by its text.

The editor analyses the whole policy on every keystroke, and a keystroke changes one
statement: the others are the same text as the time before. Their parse, their compiled
form and their own findings are kept here, so that analysing the policy again costs about
what the changed statement costs; the checks across statements and the preview are worked
out from the kept parts (`policy.compile_policy`, `validate.validate_policy` and the
verdicts each compiled statement keeps for the preview).

Kept per process, as a cache only (a worker that never saw a statement reads it again),
in bounded LRUs: `MAX_PIECES` statements and `MAX_PIECE_CHARS` characters of their text;
per statement its tree at `MAX_PLACES` offsets and `MAX_KEPT_PER_PIECE` analyses (compiled
forms, own findings), each compiled form with at most `policy.MAX_VERDICTS`
verdicts; the preview's decisions (`MAX_DECISIONS`) and the requests they are filed under
(`MAX_REQUESTS`). What depends on the catalog or on the rule profile is kept under the
catalog snapshot's serial (`catalog_serial`, one per snapshot object, so a catalog edit
never answers from an older catalog), the profile and the statement's place in the array.
Nothing here changes a result: an analysis with the memory warm equals one without
(tests/engine/test_statement_memory.py checks it as a property).
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from scpstudio.engine.findings import Code, Finding, Position, Span
from scpstudio.engine.json_tree import JsonArray, JsonNode, JsonObject, JsonScalar, Member
from scpstudio.engine.near_miss import LookupKey
from scpstudio.engine.operators import forget_networks, parse_operator, read_operator
from scpstudio.engine.wildcard import compile_glob

MAX_PIECES = 1_024  # statements kept in one process
MAX_PIECE_CHARS = 1_000_000  # characters of their text, together
# Places one statement's tree is kept at: typing and deleting in a statement above it
# moves it back and forth between a few places.
MAX_PLACES = 3
# Kept analyses of one statement (per catalog snapshot, profile, place in the array and
# in the text): a few, since a process mostly serves one catalog.
MAX_KEPT_PER_PIECE = 16
# Statements read once, kept in case they are read again (`_Pieces`).
FRESH_PIECES = 32


class StatementPiece:
    """One statement's text, its tree where it was last placed, and what was worked out
    from it (`kept`, keyed by catalog serial, place and profile)."""

    __slots__ = (
        "text",
        "trees",
        "values",
        "longest",
        "duplicates",
        "minified",
        "wildcards",
        "kept",
    )

    def __init__(
        self, text: str, base: int, root: JsonNode, values: int, longest: int, duplicates: bool
    ) -> None:
        self.text = text
        self.trees: dict[int, JsonNode] = {base: root}  # by the offset the tree starts at
        self.values = values  # nodes in the tree, for the policy's limits
        self.longest = longest  # characters of its longest string or key
        self.duplicates = duplicates
        self.minified = -1  # characters of the statement minified (-1: not known)
        self.wildcards = -1  # its action patterns with a wildcard (-1: not counted)
        self.kept: OrderedDict[Hashable, Any] = OrderedDict()

    def placed(self, base: int) -> JsonNode:
        """The statement's tree with offsets from `base`: a kept tree when one stands
        there, else a copy moved there (kept: the next keystroke most likely finds the
        statement at one of the places the last ones did)."""
        trees = self.trees
        found = trees.get(base)
        if found is not None:
            return found
        with _LOCK:
            some = next(iter(trees.items()))
        moved = shifted(some[1], base - some[0])
        with _LOCK:
            trees[base] = moved
            while len(trees) > MAX_PLACES:
                del trees[next(iter(trees))]
        return moved

    def kept_value(self, key: Hashable) -> Any:
        with _LOCK:
            found = self.kept.get(key)
            if found is not None:
                self.kept.move_to_end(key)
            return found

    def keep(self, key: Hashable, value: Any) -> None:
        with _LOCK:
            self.kept[key] = value
            self.kept.move_to_end(key)
            while len(self.kept) > MAX_KEPT_PER_PIECE:
                self.kept.popitem(last=False)


_LOCK = threading.Lock()


def statement_piece(text: str, parse: Callable[[], StatementPiece]) -> StatementPiece:
    """The kept piece of this statement text, or the one `parse` makes, kept from now on."""
    found: StatementPiece | None = PIECES.get(text)
    if found is None:
        found = parse()
        PIECES.add(found)
    return found


class _Layouts:
    """Where the statements of the last few texts read started, with their pieces.

    A text edited from one of them has each statement the edit did not touch where it was
    (before the edit) or moved by the change in length (after it); there it is recognised
    by comparing its text in place (`str.startswith`), instead of being decoded again to
    find where it ends. A guess that does not match costs one comparison and changes
    nothing: the statement is read as if no layout were kept."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.recent: list[tuple[int, dict[int, StatementPiece]]] = []  # (text length, starts)

    def known(self, text: str, at: int) -> StatementPiece | None:
        """The kept piece whose text stands at `at` in `text`, in place or moved by the
        change in length since a recent text."""
        for length, starts in self.recent:
            piece = starts.get(at)
            if piece is not None and text.startswith(piece.text, at):
                return piece
            delta = len(text) - length
            if delta:
                piece = starts.get(at - delta)
                if piece is not None and text.startswith(piece.text, at):
                    return piece
        return None

    def note(self, length: int, starts: dict[int, StatementPiece]) -> None:
        if length > MAX_LAYOUT_CHARS:
            return  # past what a policy is read at all: nothing of it is kept
        with _LOCK:
            self.recent = [(length, starts), *self.recent[: self.count - 1]]

    def clear(self) -> None:
        with _LOCK:
            self.recent = []


# Texts longer than this leave no layout (engine.limits.MAX_POLICY_CHARS: a longer one is
# refused), so the layouts hold at most 4 texts of that many characters.
MAX_LAYOUT_CHARS = 100_000
# The last texts read (a few: the editors of other people edit between one's keystrokes).
LAYOUTS = _Layouts(4)


def known_piece(text: str, at: int) -> StatementPiece | None:
    """The piece of the statement standing at `at`, when a recent text had it there (or
    moved by the change in length), refreshed in the statement memory as if read."""
    piece = LAYOUTS.known(text, at)
    if piece is not None and PIECES.get(piece.text) is None:
        PIECES.add(piece)
    return piece


def note_layout(length: int, starts: dict[int, StatementPiece]) -> None:
    """Where the statements of the text just read start (`known_piece` looks there)."""
    LAYOUTS.note(length, starts)


def forget_statements() -> None:
    """Empty the memory, the parsed addresses, operators and wildcards too (tests and
    benchmarks compare warm with cold analyses; `Catalog.forget_lookups` empties a
    catalog's memos of the names policies looked up)."""
    PIECES.clear()
    LAYOUTS.clear()
    for memo in _FORGOTTEN_WITH_STATEMENTS:
        memo.clear()
    forget_networks()
    parse_operator.cache_clear()
    read_operator.cache_clear()
    compile_glob.cache_clear()


class BoundedMemo:
    """A dict of at most `size` entries, the least recently used dropped first; with
    `max_weight`, also of at most that many characters of keys (an entry whose key has
    more than a quarter of them is never kept).

    With `fresh`, an entry is kept among the `size` only once it is asked for again: a new
    one waits among the `fresh` put last (and a quarter of `max_weight`), and its key is
    remembered by its hash (`seen`, as many as the memo holds), so that an analysis
    putting more entries than `fresh` holds has them kept by the next one that puts them
    again. What a keystroke works out about the statement it changed is most often never
    asked for again (the next keystroke changes it again); put straight among the others,
    it would push out what is asked for on every keystroke, and the garbage collector
    would walk it until it fell out."""

    def __init__(self, size: int, fresh: int = 0, max_weight: int = 0) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.fresh_size = fresh
        self.fresh: OrderedDict[Hashable, Any] = OrderedDict()
        # the keys' hashes (a collision keeps an entry put once: no harm)
        self.seen: OrderedDict[int, None] = OrderedDict()
        self.max_weight = max_weight
        self.weight = 0  # characters of the keys kept (with max_weight)
        self.fresh_weight = 0

    def _weigh(self, key: Any) -> int:
        return len(key) if self.max_weight else 0

    def get(self, key: Hashable) -> Any:
        with _LOCK:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
                return found
            if self.fresh:
                found = self.fresh.get(key)
                if found is not None:  # asked for again: kept from now on
                    self._keep(key, found)
            return found

    def put(self, key: Hashable, value: Any) -> None:
        weight = self._weigh(key)
        if weight > self.max_weight // 4:
            return  # one entry never takes most of the memory
        with _LOCK:
            if not self.fresh_size or key in self.items or hash(key) in self.seen:
                self._keep(key, value)
                return
            if key in self.fresh:
                del self.fresh[key]
                self.fresh_weight -= weight
            self.fresh[key] = value
            self.fresh_weight += weight
            while len(self.fresh) > self.fresh_size or self.fresh_weight > self.max_weight // 4:
                dropped, _ = self.fresh.popitem(last=False)
                self.fresh_weight -= self._weigh(dropped)
            self.seen[hash(key)] = None
            if len(self.seen) > self.size:
                self.seen.popitem(last=False)

    def _keep(self, key: Hashable, value: Any) -> None:
        weight = self._weigh(key)
        if self.fresh_size:
            self.seen.pop(hash(key), None)
            if key in self.fresh:
                del self.fresh[key]
                self.fresh_weight -= weight
        if key in self.items:
            del self.items[key]
            self.weight -= weight
        self.items[key] = value
        self.weight += weight
        while len(self.items) > self.size or self.weight > self.max_weight:
            dropped, _ = self.items.popitem(last=False)
            self.weight -= self._weigh(dropped)

    def recent(self, count: int) -> list[Any]:
        """The values of the `count` most recently used entries, the latest first (of
        those kept: a memo read this way has no `fresh`)."""
        with _LOCK:
            return list(itertools.islice(reversed(self.items.values()), count))

    def get_or_make(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The value kept under key, or `make()` kept there and returned. `make` runs
        outside the lock: two threads may both make it, and the later one is kept."""
        found = self.get(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def clear(self) -> None:
        with _LOCK:
            self.items.clear()
            self.fresh.clear()
            self.seen.clear()
            self.weight = self.fresh_weight = 0


class _Pieces(BoundedMemo):
    """The statements read, by their text: a BoundedMemo weighed by the characters of the
    text, whose fresh tier is `FRESH_PIECES` statements (a keystroke's statement text is
    new each time: it is kept only when read again)."""

    def __init__(self, max_pieces: int, max_chars: int) -> None:
        super().__init__(max_pieces, fresh=FRESH_PIECES, max_weight=max_chars)

    @property
    def chars(self) -> int:
        return self.weight

    @property
    def fresh_chars(self) -> int:
        return self.fresh_weight

    def add(self, piece: StatementPiece) -> None:
        """Keep a statement just read: among the fresh ones, or for good when its text
        was read before."""
        self.put(piece.text, piece)


PIECES = _Pieces(MAX_PIECES, MAX_PIECE_CHARS)


# Memos of what analyses decided (not of the catalog): emptied with the statements.
_FORGOTTEN_WITH_STATEMENTS: list[BoundedMemo] = []


def forgotten_with_statements(memo: BoundedMemo) -> BoundedMemo:
    """`memo`, emptied whenever `forget_statements` empties the statement memory."""
    _FORGOTTEN_WITH_STATEMENTS.append(memo)
    return memo


# The preview's decisions, by request and by the statements that could decide it
# (engine.evaluate): after an edit, a request none of the changed statements could apply
# to is answered from here.
MAX_DECISIONS = 8_192
# decisions made once, kept in case they are asked for again (`BoundedMemo`)
FRESH_DECISIONS = 1_024
DECISIONS = forgotten_with_statements(BoundedMemo(MAX_DECISIONS, fresh=FRESH_DECISIONS))

_STATEMENT_SERIALS = itertools.count(1)

# Requests (catalog, context, action, resource) by number: what statements file their
# verdicts and DECISIONS its decisions under, a number being quicker to look up than the
# request. A request dropped from here gets a new number: what was kept under the old
# one is then not found again, never mistaken.
MAX_REQUESTS = 65_536
_REQUESTS = BoundedMemo(MAX_REQUESTS)
_REQUEST_SERIALS = itertools.count(1)


def request_serial(request: Hashable) -> int:
    """The number of this request, the same while it is kept in _REQUESTS."""
    serial: int = _REQUESTS.get_or_make(request, _REQUEST_SERIALS.__next__)
    return serial


def statement_serial() -> int:
    """A number for a compiled statement, unique in the process: what a decision kept in
    DECISIONS depends on is named by its statements' serials."""
    return next(_STATEMENT_SERIALS)


_SERIALS = itertools.count(1)
_SERIAL_KEY = "statement_memory.serial"


def catalog_serial(catalog: Any) -> int:
    """A number for this catalog snapshot object, unique in the process: kept analyses are
    filed under it, and a new snapshot (a catalog edit) gets a new one."""
    derived: dict[Any, Any] = catalog.derived
    serial = derived.get(_SERIAL_KEY)
    if serial is None:
        serial = derived.setdefault(_SERIAL_KEY, next(_SERIALS))
    return int(serial)


def shifted(node: JsonNode, delta: int) -> JsonNode:
    """A copy of the tree with every offset moved by `delta`."""
    if isinstance(node, JsonScalar):
        return JsonScalar(node.value, node.start + delta, node.end + delta)
    if isinstance(node, JsonObject):
        return JsonObject(
            [
                Member(m.key, shifted(m.value, delta), m.start + delta, m.end + delta)
                for m in node.members
            ],
            node.start + delta,
            node.end + delta,
        )
    if isinstance(node, JsonArray):
        return JsonArray(
            [shifted(item, delta) for item in node.items], node.start + delta, node.end + delta
        )
    raise TypeError(f"not a JSON node: {type(node).__name__}")


def pair_nodes(old: JsonNode, new: JsonNode, into: dict[int, Any]) -> None:
    """`into[id(x)]` = the node (or member) of `new` standing where `x` stands in `old`:
    two trees of the same text."""
    into[id(old)] = new
    if isinstance(old, JsonObject):
        assert isinstance(new, JsonObject)
        for m, n in zip(old.members, new.members, strict=True):
            into[id(m)] = n
            pair_nodes(m.value, n.value, into)
    elif isinstance(old, JsonArray):
        assert isinstance(new, JsonArray)
        for a, b in zip(old.items, new.items, strict=True):
            pair_nodes(a, b, into)


# -- findings, relative to where their statement starts -------------------------------------

_Relative = tuple[int, int, int]  # lines after the start's, column (or its shift), offset


class KeptFindings:
    """A statement's own findings, their spans relative to the statement's start, the
    unknown names they looked up suggestions for and what each lookup cost (a policy's
    lookups are capped), and the findings left out past the listing cap, by code and path."""

    __slots__ = ("findings", "relative", "base", "looked_up", "costs", "omitted")

    def __init__(
        self,
        findings: list[Finding],
        base: Position,
        looked_up: frozenset[str],
        costs: dict[LookupKey, int],
        omitted: list[tuple[Code, str]],
    ) -> None:
        self.findings = tuple(findings)
        self.omitted = tuple(omitted)
        self.base = base
        self.looked_up = looked_up
        self.costs = costs
        self.relative = tuple(
            None if f.span is None else (_relative(f.span.start, base), _relative(f.span.end, base))
            for f in findings
        )

    def at(self, base: Position) -> list[Finding]:
        """The findings for the statement starting at `base`."""
        if base == self.base:
            return list(self.findings)
        out = []
        for f, rel in zip(self.findings, self.relative, strict=True):
            if rel is None:
                out.append(f)
                continue
            span = Span(_placed(rel[0], base), _placed(rel[1], base))
            out.append(Finding(f.code, f.message, f.path, span, f.fix, f.suggestions, f.choices))
        return out


def spans_within(findings: list[Finding], start: int, end: int) -> bool:
    """Whether every finding lies inside the statement: only those can be moved with it."""
    return all(
        f.span is None or start <= f.span.start.offset <= f.span.end.offset <= end for f in findings
    )


def _relative(p: Position, base: Position) -> _Relative:
    lines = p.line - base.line
    return (lines, p.column - base.column if lines == 0 else p.column, p.offset - base.offset)


def _placed(rel: _Relative, base: Position) -> Position:
    lines, column, offset = rel
    if lines == 0:
        return Position(base.line, base.column + column, base.offset + offset)
    return Position(base.line + lines, column, base.offset + offset)

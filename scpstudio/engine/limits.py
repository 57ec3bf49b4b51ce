"""How much input the engine reads, checked before any work is done.

Policies and preview contexts come from strangers. Every dimension that the work
grows with has a limit here, checked by a walk that is linear in the input: a
document or context over a limit is refused with a sentence naming the limit, never
half-evaluated. The web pages, the REST API and the command line all read these
same numbers.

The policy's limits are derived from the largest quota of any profile, so that every
policy a profile accepts is read whole: the densest JSON (`[0,0,0,…]`) spends one
character and a comma on each value, so a document of that many characters holds at
most half as many values, no string longer than the document, and no more statements
than copies of the shortest statement a profile accepts. The work then grows
with the values and the characters read, never with their product, except where a
pattern is compared with the catalog: `MAX_WILDCARD_ACTIONS` bounds that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scpstudio.engine.document import (
    JsonArray,
    JsonNode,
    JsonObject,
    JsonScalar,
    ParseResult,
    without_statements,
)
from scpstudio.engine.findings import pointer
from scpstudio.engine.profiles import PROFILES
from scpstudio.engine.serialize import to_minified

LARGEST_QUOTA = max(p.max_size for p in PROFILES.values())  # characters, minified

MAX_POLICY_CHARS = 100_000  # characters of policy text read at all (room for any layout)
# Values in one policy (strings, numbers, true/false/null, lists and objects, each one):
# `[0,0,…]` of the largest quota holds (quota + 1) / 2 of them, and nothing holds more.
MAX_VALUES = (LARGEST_QUOTA + 1) // 2
# Statements in one policy: the shortest statement a profile accepts (an identity policy's)
# and its comma, as many times as the largest quota holds them.
SHORTEST_STATEMENT = '{"Effect":"Deny","Action":"*"}'
MAX_STATEMENTS = (LARGEST_QUOTA + 1) // (len(SHORTEST_STATEMENT) + 1)
# Characters of one string (an action, a URN, a key, a value): a document of the largest
# quota that is one string holds quota - 2.
MAX_STRING_CHARS = LARGEST_QUOTA - 2
# Characters of the policy minified (what the quotas count): a policy four times its
# profile's largest quota is being written down, not trimmed, and up to there it is read
# whole so that the editor shows what to cut. The text may be longer (MAX_POLICY_CHARS):
# layout costs the parse, not the checks.
MAX_MINIFIED_CHARS = 4 * LARGEST_QUOTA
# Action patterns with a wildcard, in the whole policy: each is compared with every action
# of the catalog (or of its service) once, so this bounds work that grows with the
# catalog, which no quota bounds.
MAX_WILDCARD_ACTIONS = 100

MAX_CONTEXT_KEYS = 50  # condition keys in one preview context
MAX_CONTEXT_VALUES = 100  # values given for one key
MAX_CONTEXT_CHARS = 1_024  # characters of one value, a region, an account or resource id
MAX_RESOURCE_IDS = 50  # resource ids in one preview context

LIMITS = {
    "policy characters": MAX_POLICY_CHARS,
    "policy characters minified": MAX_MINIFIED_CHARS,
    "statements per policy": MAX_STATEMENTS,
    "values per policy (strings, numbers, lists, objects)": MAX_VALUES,
    "characters per string (pattern, key or value)": MAX_STRING_CHARS,
    "action patterns with a wildcard per policy": MAX_WILDCARD_ACTIONS,
    "condition keys per context": MAX_CONTEXT_KEYS,
    "values per context key": MAX_CONTEXT_VALUES,
    "characters per context value": MAX_CONTEXT_CHARS,
    "resource ids per context": MAX_RESOURCE_IDS,
}


@dataclass(frozen=True, slots=True)
class LimitProblem:
    """Which limit a document passes, in a sentence, and where."""

    message: str
    path: str
    node: JsonNode | None


def policy_limit_problem(parsed: ParseResult) -> LimitProblem | None:
    """The first limit the parsed document passes, or None when it is within all of them.

    Worked out once per parse: validation and compilation both ask.
    """
    if parsed.limit_check is None:
        parsed.limit_check = (_policy_problem(parsed),)
    found: LimitProblem | None = parsed.limit_check[0]
    return found


def minified_size(parsed: ParseResult) -> int:
    """The characters of the parsed document minified (what the quotas count), worked out
    once per parse: the limits and the size finding both ask."""
    known: int | None = parsed.minified_size
    if known is None:
        known = _minified_by_statement(parsed)
        if known is None:
            known = len(to_minified(parsed.value()))
        parsed.minified_size = known
    return known


def _minified_by_statement(parsed: ParseResult) -> int | None:
    """The minified length from each kept statement's own (the statement memory's),
    when the parse took the root's Statement array from there: minified, the array is
    its items joined by commas, and the rest of the document is written around it."""
    root = parsed.root
    if parsed.statements is None or parsed.has_duplicates or not isinstance(root, JsonObject):
        return None
    array, pieces = parsed.statements
    member = root.get("Statement")
    if member is None or member.value is not array:
        return None
    # the rest of the document (no duplicate key: one member each) and the commas
    total = len(to_minified(without_statements(root, array))) + max(len(array.items) - 1, 0)
    for piece, item in zip(pieces, array.items, strict=True):
        if piece is None:
            total += len(to_minified(item.to_python()))
            continue
        if piece.minified < 0:  # measured the first time the statement is read
            piece.minified = _minified_from_text(piece.text)
            if piece.minified < 0:
                piece.minified = len(to_minified(item.to_python()))
        total += piece.minified
    return total


_STRING_NO_ESCAPE = re.compile(r'"[^"]*"')
_NUMBER_CHARACTER = re.compile(r"[-0-9]")


def _minified_from_text(text: str) -> int:
    """The minified length of a statement read off its text (valid JSON, no duplicate
    key), or -1 when it cannot be. With no backslash in the text, every string is
    written minified as it is written here: a writer escapes only quotes, backslashes
    and control characters, and in valid JSON text a string holds those escaped. With
    no number, what is left outside the strings is punctuation, true, false, null and
    whitespace; the minified text is that without the whitespace."""
    if "\\" in text:
        return -1
    outside = _STRING_NO_ESCAPE.sub("", text)
    if _NUMBER_CHARACTER.search(outside) is not None:
        return -1  # 1e2 is written 100.0, -0 is written 0
    spaces = outside.count(" ") + outside.count("\n") + outside.count("\t") + outside.count("\r")
    return len(text) - spaces


def _policy_problem(parsed: ParseResult) -> LimitProblem | None:
    if parsed.text is not None and len(parsed.text) > MAX_POLICY_CHARS:
        return LimitProblem(
            f"The policy has {len(parsed.text):,} characters; at most {MAX_POLICY_CHARS:,} "
            "are read.",
            "",
            parsed.root,
        )
    root = parsed.root
    if root is None:
        return None
    if isinstance(root, JsonObject):
        statement = root.get("Statement")
        if statement is not None and isinstance(statement.value, JsonArray):
            count = len(statement.value.items)
            if count > MAX_STATEMENTS:
                return LimitProblem(
                    f"The policy has {count:,} statements; at most {MAX_STATEMENTS} are read, "
                    f"as many of the shortest statement as the largest quota ({LARGEST_QUOTA:,} "
                    "characters) holds.",
                    "/Statement",
                    statement.value,
                )
    # The parse counted the values and measured the strings as it read the text: the walk
    # that says where the first one over a limit is runs only when one is.
    counted = parsed.values is not None and parsed.longest is not None
    within = counted and parsed.values <= MAX_VALUES and parsed.longest <= MAX_STRING_CHARS  # type: ignore[operator]
    return (
        (None if within else _node_problem(root))
        or _minified_problem(parsed)
        or _wildcard_actions_problem(parsed)
    )


def _minified_problem(parsed: ParseResult) -> LimitProblem | None:
    size = minified_size(parsed)
    if size <= MAX_MINIFIED_CHARS:
        return None
    return LimitProblem(
        f"The policy has {size:,} characters minified; at most {MAX_MINIFIED_CHARS:,} are "
        f"read, four times the largest quota ({LARGEST_QUOTA:,}).",
        "",
        parsed.root,
    )


def _wildcard_actions_problem(parsed: ParseResult) -> LimitProblem | None:
    root = parsed.root
    if not isinstance(root, JsonObject):
        return None
    member = root.get("Statement")
    if member is None:
        return None
    items = member.value.items if isinstance(member.value, JsonArray) else [member.value]
    if parsed.statements is not None and parsed.statements[0] is member.value:
        # each kept statement counts its own once (the statement memory's piece)
        total = 0
        for piece, item in zip(parsed.statements[1], items, strict=True):
            if piece is None:
                total += _wildcard_actions(item, ("Action", "NotAction"))
                continue
            if piece.wildcards < 0:
                piece.wildcards = _wildcard_actions(item, ("Action", "NotAction"))
            total += piece.wildcards
        if total <= MAX_WILDCARD_ACTIONS:
            return None
    count = 0
    for i, statement in enumerate(items):
        for name in ("Action", "NotAction"):
            count += _wildcard_actions(statement, (name,))
            if count > MAX_WILDCARD_ACTIONS:
                assert isinstance(statement, JsonObject)
                element = statement.get(name)
                assert element is not None
                return LimitProblem(
                    f"The policy has more than {MAX_WILDCARD_ACTIONS} action patterns with a "
                    "wildcard; at most that many are read.",
                    f"/Statement/{i}/{name}",
                    element.value,
                )
    return None


def _wildcard_actions(statement: JsonNode, names: tuple[str, ...]) -> int:
    """The action patterns with a wildcard in these elements of the statement."""
    if not isinstance(statement, JsonObject):
        return 0
    count = 0
    for name in names:
        element = statement.get(name)
        if element is None:
            continue
        values = element.value.items if isinstance(element.value, JsonArray) else [element.value]
        count += sum(
            1
            for value in values
            if isinstance(value, JsonScalar)
            and isinstance(value.value, str)
            and ("*" in value.value or "?" in value.value)
            # "*" names every action without comparing any (policy.any_action)
            and value.value not in ("*", "*:*:*")
        )
    return count


def _node_problem(root: JsonNode) -> LimitProblem | None:
    # an explicit stack: the parser already bounds the depth, but no recursion is needed
    stack: list[tuple[JsonNode, str]] = [(root, "")]
    values = 0
    while stack:
        node, path = stack.pop()
        values += 1
        if values > MAX_VALUES:
            return LimitProblem(
                f"The policy holds more than {MAX_VALUES:,} values (strings, numbers, lists "
                f"and objects), more than a policy of {LARGEST_QUOTA:,} characters, the "
                "largest quota, can hold; at most that many are read.",
                "",
                root,
            )
        if isinstance(node, JsonScalar):
            value = node.value
            if isinstance(value, str) and len(value) > MAX_STRING_CHARS:
                return LimitProblem(
                    f"{path or 'The policy'} is a string of {len(value):,} characters; at most "
                    f"{MAX_STRING_CHARS:,} are read in one string.",
                    path,
                    node,
                )
        elif isinstance(node, JsonArray):
            stack.extend((item, f"{path}/{i}") for i, item in enumerate(node.items))
        elif isinstance(node, JsonObject):
            for m in node.members:
                if len(m.key) > MAX_STRING_CHARS:
                    return LimitProblem(
                        f"{path or 'The policy'} has a key of {len(m.key):,} characters; at "
                        f"most {MAX_STRING_CHARS:,} are read in one string.",
                        path,
                        node,
                    )
                stack.append((m.value, path + pointer(m.key)))
    return None


def context_limit_problem(
    keys: Mapping[str, Any],
    resource_ids: Mapping[str, Any] | None = None,
    names: Mapping[str, Any] | None = None,
) -> str | None:
    """A sentence naming the first limit a preview context passes, or None.

    `names` holds the single-valued fields (region, account id) by their user-facing name.
    """
    if len(keys) > MAX_CONTEXT_KEYS:
        return (
            f"The context gives {len(keys):,} condition keys; at most {MAX_CONTEXT_KEYS} are read."
        )
    for key, values in keys.items():
        if len(str(key)) > MAX_CONTEXT_CHARS:
            return (
                f"The context names a key of {len(str(key)):,} characters; at most "
                f"{MAX_CONTEXT_CHARS:,} are read."
            )
        items = values if isinstance(values, list | tuple | set | frozenset) else (values,)
        if len(items) > MAX_CONTEXT_VALUES:
            return (
                f"The context gives {len(items):,} values for {str(key)[:80]}; at most "
                f"{MAX_CONTEXT_VALUES} are read for one key."
            )
        for value in items:
            if isinstance(value, str) and len(value) > MAX_CONTEXT_CHARS:
                return (
                    f"The context gives {str(key)[:80]} a value of {len(value):,} characters; "
                    f"at most {MAX_CONTEXT_CHARS:,} are read in one value."
                )
    ids = resource_ids or {}
    if len(ids) > MAX_RESOURCE_IDS:
        return f"The context gives {len(ids):,} resource ids; at most {MAX_RESOURCE_IDS} are read."
    singles = {**(names or {}), **{f"the {name} id": value for name, value in ids.items()}}
    for name, value in singles.items():
        if isinstance(value, str) and len(value) > MAX_CONTEXT_CHARS:
            return (
                f"The context gives {str(name)[:80]} {len(value):,} characters; at most "
                f"{MAX_CONTEXT_CHARS:,} are read."
            )
    return None

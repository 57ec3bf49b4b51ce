"""Condition operators of the 5.0 language: names, families, and how values compare.

Validation and evaluation read the same table, so an operator the validator accepts
is one the evaluator can decide, and vice versa.
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from scpstudio.engine.near_miss import NameIndex
from scpstudio.engine.wildcard import Glob, compile_glob, has_wildcard, wildcard_match

FOR_ANY = "ForAnyValue"
FOR_ALL = "ForAllValues"
IF_EXISTS = "IfExists"

# family -> the catalog key type it compares (None: any type)
FAMILY_KEY_TYPE: dict[str, str | None] = {
    "string": "string",
    "number": "number",
    "date": "date",
    "boolean": "boolean",
    "ip": "ip",
    "null": None,
}


# family (or key type) -> how a value of it is written, for messages
VALUE_FORMS: dict[str, str] = {
    "string": "a string",
    "number": "a number",
    "date": "an ISO 8601 date-time such as 2026-01-01T00:00:00Z",
    "boolean": "true or false",
    "ip": "an IPv4 or IPv6 address or CIDR block",
    "null": "true (key absent) or false (key present)",
}


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    name: str
    family: str
    negated: bool = False


OPERATORS: dict[str, OperatorSpec] = {
    spec.name: spec
    for spec in (
        OperatorSpec("StringEquals", "string"),
        OperatorSpec("StringNotEquals", "string", True),
        OperatorSpec("StringEqualsIgnoreCase", "string"),
        OperatorSpec("StringNotEqualsIgnoreCase", "string", True),
        OperatorSpec("StringMatch", "string"),
        OperatorSpec("StringNotMatch", "string", True),
        OperatorSpec("NumberEquals", "number"),
        OperatorSpec("NumberNotEquals", "number", True),
        OperatorSpec("NumberLessThan", "number"),
        OperatorSpec("NumberLessThanEquals", "number"),
        OperatorSpec("NumberGreaterThan", "number"),
        OperatorSpec("NumberGreaterThanEquals", "number"),
        OperatorSpec("DateLessThan", "date"),
        OperatorSpec("DateLessThanEquals", "date"),
        OperatorSpec("DateGreaterThan", "date"),
        OperatorSpec("DateGreaterThanEquals", "date"),
        OperatorSpec("Bool", "boolean"),
        OperatorSpec("IpAddress", "ip"),
        OperatorSpec("NotIpAddress", "ip", True),
        OperatorSpec("Null", "null"),
    )
}
_BY_FOLDED = {name.casefold(): name for name in OPERATORS}
# what a misspelt name is compared with: with IfExists already split off, and without
_NEAR_BASES = tuple(name for name in OPERATORS if name != "Null")
_NEAR_NAMES = tuple(OPERATORS) + tuple(name + IF_EXISTS for name in _NEAR_BASES)
_NEAR_BASES_INDEX = NameIndex(_NEAR_BASES)
_NEAR_NAMES_INDEX = NameIndex(_NEAR_NAMES)
_QUALIFIERS_INDEX = NameIndex((FOR_ANY, FOR_ALL))

# Names from AWS IAM and Huawei's 1.1 language: (hint, certain 5.0 replacement or "")
FOREIGN_OPERATORS: dict[str, tuple[str, str]] = {
    "StringLike": ("AWS's StringLike is StringMatch in version 5.0", "StringMatch"),
    "StringNotLike": ("AWS's StringNotLike is StringNotMatch in version 5.0", "StringNotMatch"),
    "NumericEquals": ("AWS's NumericEquals is NumberEquals in version 5.0", "NumberEquals"),
    "NumericNotEquals": (
        "AWS's NumericNotEquals is NumberNotEquals in version 5.0",
        "NumberNotEquals",
    ),
    "NumericLessThan": ("AWS's NumericLessThan is NumberLessThan in version 5.0", "NumberLessThan"),
    "NumericLessThanEquals": (
        "AWS's NumericLessThanEquals is NumberLessThanEquals in version 5.0",
        "NumberLessThanEquals",
    ),
    "NumericGreaterThan": (
        "AWS's NumericGreaterThan is NumberGreaterThan in version 5.0",
        "NumberGreaterThan",
    ),
    "NumericGreaterThanEquals": (
        "AWS's NumericGreaterThanEquals is NumberGreaterThanEquals in version 5.0",
        "NumberGreaterThanEquals",
    ),
    "DateEquals": (
        "AWS's DateEquals has no 5.0 equivalent; combine DateGreaterThanEquals and "
        "DateLessThanEquals",
        "",
    ),
    "DateNotEquals": ("AWS's DateNotEquals has no 5.0 equivalent", ""),
    "ArnEquals": ("AWS's Arn operators do not exist in 5.0; compare URNs with StringMatch", ""),
    "ArnLike": ("AWS's Arn operators do not exist in 5.0; compare URNs with StringMatch", ""),
    "ArnNotEquals": ("AWS's Arn operators do not exist in 5.0; use StringNotMatch", ""),
    "ArnNotLike": ("AWS's Arn operators do not exist in 5.0; use StringNotMatch", ""),
    "BinaryEquals": ("AWS's BinaryEquals has no 5.0 equivalent", ""),
    "StringStartWith": (
        'Huawei 1.1\'s StringStartWith is StringMatch with "prefix*" in 5.0',
        "",
    ),
    "StringEndWith": ('Huawei 1.1\'s StringEndWith is StringMatch with "*suffix" in 5.0', ""),
    "StringNotStartWith": (
        'Huawei 1.1\'s StringNotStartWith is StringNotMatch with "prefix*" in 5.0',
        "",
    ),
    "StringNotEndWith": (
        'Huawei 1.1\'s StringNotEndWith is StringNotMatch with "*suffix" in 5.0',
        "",
    ),
    "StringEqualsAnyOf": (
        "Huawei 1.1's StringEqualsAnyOf is StringEquals with a list in 5.0",
        "StringEquals",
    ),
    "StringNotEqualsAnyOf": (
        "Huawei 1.1's StringNotEqualsAnyOf is StringNotEquals with a list in 5.0",
        "StringNotEquals",
    ),
    "StringEqualsIgnoreCaseAnyOf": (
        "Huawei 1.1's StringEqualsIgnoreCaseAnyOf is StringEqualsIgnoreCase with a list in 5.0",
        "StringEqualsIgnoreCase",
    ),
    "StringStartWithAnyOf": (
        'Huawei 1.1\'s StringStartWithAnyOf is StringMatch with "prefix*" values in 5.0',
        "",
    ),
    "StringEndWithAnyOf": (
        'Huawei 1.1\'s StringEndWithAnyOf is StringMatch with "*suffix" values in 5.0',
        "",
    ),
    "NumberEqualsAnyOf": (
        "Huawei 1.1's NumberEqualsAnyOf is NumberEquals with a list in 5.0",
        "NumberEquals",
    ),
    "IsNullOrEmpty": ("Huawei 1.1's IsNullOrEmpty is Null in 5.0", ""),
    "NotNullOrEmpty": ('Huawei 1.1\'s NotNullOrEmpty is Null with "false" in 5.0', ""),
    "BooleanEquals": ("Huawei 1.1's BooleanEquals is Bool in 5.0", "Bool"),
    "IpAddressAnyOf": ("Huawei 1.1's IpAddressAnyOf is IpAddress with a list in 5.0", "IpAddress"),
}
_FOREIGN_FOLDED = {name.casefold(): name for name in FOREIGN_OPERATORS}


@dataclass(frozen=True, slots=True)
class ParsedOperator:
    """`ForAllValues:StringNotEqualsIfExists` as its parts."""

    written: str
    qualifier: str | None
    if_exists: bool
    spec: OperatorSpec

    @property
    def negated(self) -> bool:
        return self.spec.negated


@dataclass(frozen=True, slots=True)
class OperatorProblem:
    """Why an operator name is not valid, with a certain replacement name when there is
    one, and otherwise the close names it may mean."""

    message: str
    replacement: str = ""
    suggestions: tuple[str, ...] = ()
    # False when the name is misspelt and the names it may mean were not looked for
    sought: bool = True


@lru_cache(maxsize=2048)
def parse_operator(written: str) -> ParsedOperator | OperatorProblem:
    """The operator's parts, or why it is not one with the names it may mean."""
    return _parse(written, seek=True)


@lru_cache(maxsize=2048)
def read_operator(written: str) -> ParsedOperator | OperatorProblem:
    """As `parse_operator`, without looking for the names a misspelt one may mean:
    what evaluation needs, and the validator past its near-miss lookups."""
    return _parse(written, seek=False)


def _parse(written: str, *, seek: bool) -> ParsedOperator | OperatorProblem:
    qualifier: str | None = None
    base = written
    if ":" in written:
        qualifier, _, base = written.partition(":")
        if qualifier not in (FOR_ANY, FOR_ALL):
            if not seek:
                return OperatorProblem(
                    f'"{qualifier}" in "{written}" is not a qualifier: use ForAnyValue or '
                    "ForAllValues.",
                    sought=False,
                )
            fixed = _QUALIFIERS_INDEX.lookup(qualifier).certain
            fixed_base = _base_repair(base) if fixed else ""
            whole = f"{fixed}:{fixed_base}" if fixed_base else ""
            hint = f"; did you mean {whole or fixed}?" if fixed else ""
            return OperatorProblem(
                f'"{qualifier}" in "{written}" is not a qualifier: use ForAnyValue or '
                f"ForAllValues{hint}",
                whole,
            )
    if_exists = base.endswith(IF_EXISTS) and base != IF_EXISTS
    name = base[: -len(IF_EXISTS)] if if_exists else base
    spec = OPERATORS.get(name)
    if spec is not None:
        return ParsedOperator(written, qualifier, if_exists, spec)
    prefix = f"{qualifier}:" if qualifier else ""
    suffix = IF_EXISTS if if_exists else ""
    foreign_name = _FOREIGN_FOLDED.get(name.casefold())
    if foreign_name is not None:
        hint, replacement = FOREIGN_OPERATORS[foreign_name]
        return OperatorProblem(
            f'"{written}" is not a version 5.0 operator: {hint}.',
            f"{prefix}{replacement}{suffix}" if replacement else "",
        )
    cased = _BY_FOLDED.get(name.casefold())
    if cased is not None:
        return OperatorProblem(
            f'"{written}" is not an operator; operator names are case-sensitive: '
            f"{prefix}{cased}{suffix}.",
            f"{prefix}{cased}{suffix}",
        )
    if not seek:
        return OperatorProblem(
            f'"{written}" is not a version 5.0 condition operator.', sought=False
        )
    # a misspelling: the IfExists suffix, when written right, is kept apart
    near = _NEAR_BASES_INDEX.lookup(name) if if_exists else _NEAR_NAMES_INDEX.lookup(base)
    close = tuple(f"{prefix}{n}{suffix}" for n in near.close)
    if near.certain:
        certain = f"{prefix}{near.certain}{suffix}"
        return OperatorProblem(
            f'"{written}" is not an operator; did you mean {certain}?', certain, close
        )
    if close:
        return OperatorProblem(
            f'"{written}" is not a version 5.0 condition operator; did you mean '
            f"{' or '.join(close)}?",
            "",
            close,
        )
    return OperatorProblem(f'"{written}" is not a version 5.0 condition operator.')


def _base_repair(base: str) -> str:
    """The operator a qualified name's base is, or certainly means; "" when unsure."""
    if ":" in base:
        return ""
    parsed = parse_operator(base)
    if isinstance(parsed, ParsedOperator):
        return base
    return parsed.replacement


# -- values ------------------------------------------------------------------------


class Invalid:
    """A value that does not fit its operator; it never matches anything."""

    __slots__ = ()


INVALID = Invalid()


def prepare_value(family: str, value: Any) -> Any:
    """A policy or request value in the form its family compares, or `INVALID`."""
    if family == "string":
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        return INVALID
    if family in ("boolean", "null"):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.casefold() in ("true", "false"):
            return value.casefold() == "true"
        return INVALID
    if family == "number":
        if isinstance(value, bool):
            return INVALID
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                return INVALID
            return number if number == number and abs(number) != float("inf") else INVALID
        return INVALID
    if family == "date":
        return parse_date(value) if isinstance(value, str) else INVALID
    if family == "ip":
        return _network(value) if isinstance(value, str) else INVALID
    return INVALID


# Validation and compilation each read a policy's addresses, and the next keystroke reads
# them again: parsing one is most of the cost of a long CIDR list. Networks are immutable, so
# the parsed ones are kept (bounded, per process; a cache, never state).
@lru_cache(maxsize=8192)
def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | Invalid:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return INVALID


def forget_networks() -> None:
    _network.cache_clear()


def parse_date(text: str) -> datetime | Invalid:
    """An ISO 8601 date or date-time; naive times are taken as UTC."""
    t = text.strip()
    if len(t) < 10 or not t[:4].isdigit() or t[4] != "-":
        return INVALID
    try:
        moment = datetime.fromisoformat(t)
    except ValueError:
        return INVALID
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def compare(spec: OperatorSpec, request: Any, policy: Any) -> bool:
    """Whether one request value matches one policy value, ignoring negation.

    Both are prepared values; `INVALID` on either side never matches.
    """
    if request is INVALID or policy is INVALID:
        return False
    name = spec.name
    family = spec.family
    if family == "string":
        if name in ("StringEquals", "StringNotEquals"):
            return bool(request == policy)
        if name in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
            return bool(request.casefold() == policy.casefold())
        return wildcard_match(policy, request)
    if family in ("number", "date"):
        if name.endswith("Equals") and "Than" not in name:
            return bool(request == policy)
        if name.endswith("LessThan"):
            return bool(request < policy)
        if name.endswith("LessThanEquals"):
            return bool(request <= policy)
        if name.endswith("GreaterThan"):
            return bool(request > policy)
        return bool(request >= policy)
    if family == "boolean":
        return bool(request == policy)
    if family == "ip":
        if request.version != policy.version:
            return False
        return bool(request.subnet_of(policy))
    return False


class ValueMatcher:
    """Whether a request value matches any of a clause's policy values (`compare` with one
    of them), answered without trying every pair where a set, a bound or a sorted list of
    ranges answers at once: many values against many values stays linear in both."""

    __slots__ = ("spec", "exact", "prefixes", "suffixes", "globs", "low", "high", "ranges")

    def __init__(self, spec: OperatorSpec, prepared: tuple[Any, ...]) -> None:
        self.spec = spec
        valid = [p for p in prepared if p is not INVALID]
        self.exact: frozenset[Any] = frozenset()
        self.prefixes: tuple[str, ...] = ()
        self.suffixes: tuple[str, ...] = ()
        self.globs: tuple[Glob, ...] = ()
        self.low: Any = None
        self.high: Any = None
        self.ranges: dict[int, tuple[list[int], list[int]]] = {}
        name, family = spec.name, spec.family
        if name in ("StringMatch", "StringNotMatch"):
            self._index_patterns(valid)
        elif name in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
            self.exact = frozenset(p.casefold() for p in valid)
        elif family == "ip":
            self._index_networks(valid)
        elif family in ("number", "date") and ("Than" in name) and valid:
            self.low, self.high = min(valid), max(valid)
        else:  # StringEquals, NumberEquals, DateEquals-like, Bool
            self.exact = frozenset(valid)

    def _index_patterns(self, patterns: list[str]) -> None:
        exact, prefixes, suffixes, globs = set(), [], [], []
        for p in patterns:
            body = p.strip("*")
            if not has_wildcard(p):
                exact.add(p)
            elif "?" not in body and "*" not in body and p.count("*") == 1 and p.endswith("*"):
                prefixes.append(body)
            elif "?" not in body and "*" not in body and p.count("*") == 1:
                suffixes.append(body)
            else:
                globs.append(compile_glob(p))
        self.exact = frozenset(exact)
        self.prefixes, self.suffixes, self.globs = tuple(prefixes), tuple(suffixes), tuple(globs)

    def _index_networks(self, networks: list[Any]) -> None:
        by_version: dict[int, list[tuple[int, int]]] = {}
        for net in networks:
            by_version.setdefault(net.version, []).append(
                (int(net.network_address), int(net.broadcast_address))
            )
        for version, spans in by_version.items():
            spans.sort()
            starts = [start for start, _ in spans]
            reach, furthest = [], -1
            for _, end in spans:
                furthest = max(furthest, end)
                reach.append(furthest)
            self.ranges[version] = (starts, reach)

    def matches(self, request: Any) -> bool:
        if request is INVALID:
            return False
        spec = self.spec
        name, family = spec.name, spec.family
        if family == "ip":
            found = self.ranges.get(request.version)
            if found is None:
                return False
            starts, reach = found
            i = bisect_right(starts, int(request.network_address)) - 1
            return i >= 0 and reach[i] >= int(request.broadcast_address)
        if name in ("StringMatch", "StringNotMatch"):
            return (
                request in self.exact
                or (bool(self.prefixes) and request.startswith(self.prefixes))
                or (bool(self.suffixes) and request.endswith(self.suffixes))
                or any(g.matches(request) for g in self.globs)
            )
        if name in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
            return request.casefold() in self.exact
        if self.low is not None:
            if name.endswith("LessThan"):
                return bool(request < self.high)
            if name.endswith("LessThanEquals"):
                return bool(request <= self.high)
            if name.endswith("GreaterThan"):
                return bool(request > self.low)
            return bool(request >= self.low)
        if family in ("number", "date") and "Than" in name:
            return False  # no valid policy value to compare with
        return request in self.exact

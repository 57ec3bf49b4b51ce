"""Findings: what validation reports, with every code and its severity named once."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    SECURITY_WARNING = "security_warning"
    WARNING = "warning"
    SUGGESTION = "suggestion"

    @property
    def rank(self) -> int:
        """Higher is worse: `error` is 3, `suggestion` is 0."""
        return _RANK[self]


_RANK = {
    Severity.ERROR: 3,
    Severity.SECURITY_WARNING: 2,
    Severity.WARNING: 1,
    Severity.SUGGESTION: 0,
}


class Code(StrEnum):
    # errors
    JSON_SYNTAX_ERROR = "JSON_SYNTAX_ERROR"
    DUPLICATE_KEY = "DUPLICATE_KEY"
    MISSING_VERSION = "MISSING_VERSION"
    INVALID_VERSION = "INVALID_VERSION"
    MISSING_STATEMENT = "MISSING_STATEMENT"
    INVALID_POLICY_ELEMENT = "INVALID_POLICY_ELEMENT"
    UNSUPPORTED_PRINCIPAL = "UNSUPPORTED_PRINCIPAL"
    MISSING_EFFECT = "MISSING_EFFECT"
    INVALID_EFFECT = "INVALID_EFFECT"
    MISSING_ACTION = "MISSING_ACTION"
    UNSUPPORTED_ELEMENT_COMBINATION = "UNSUPPORTED_ELEMENT_COMBINATION"
    INVALID_ACTION_FORMAT = "INVALID_ACTION_FORMAT"
    INVALID_ACTION = "INVALID_ACTION"
    ACTION_WILDCARD_MATCHES_NOTHING = "ACTION_WILDCARD_MATCHES_NOTHING"
    SCP_ALLOW_NOT_SUPPORTED = "SCP_ALLOW_NOT_SUPPORTED"
    SCP_NOTACTION_NOT_SUPPORTED = "SCP_NOTACTION_NOT_SUPPORTED"
    SCP_NOTRESOURCE_NOT_SUPPORTED = "SCP_NOTRESOURCE_NOT_SUPPORTED"
    SCP_ALLOW_RESOURCE = "SCP_ALLOW_RESOURCE"
    SCP_ALLOW_CONDITION = "SCP_ALLOW_CONDITION"
    SCP_ACTION_WILDCARD = "SCP_ACTION_WILDCARD"
    INVALID_URN = "INVALID_URN"
    # Huawei's own code for an empty region; the other two are AWS's names with URN for ARN
    INVALID_URN_REGION = "INVALID_URN_REGION"
    MISSING_URN_REGION = "MISSING_URN_REGION"
    URN_SERVICE_MISMATCH = "URN_SERVICE_MISMATCH"
    INVALID_RESOURCE_TYPE = "INVALID_RESOURCE_TYPE"
    UNSUPPORTED_RESOURCE_URN = "UNSUPPORTED_RESOURCE_URN"
    NO_APPLICABLE_RESOURCE = "NO_APPLICABLE_RESOURCE"
    INVALID_CONDITION_OPERATOR = "INVALID_CONDITION_OPERATOR"
    NULL_WITH_IF_EXISTS = "NULL_WITH_IF_EXISTS"
    INVALID_CONDITION_KEY = "INVALID_CONDITION_KEY"
    DATA_TYPE_MISMATCH = "DATA_TYPE_MISMATCH"
    INVALID_CONDITION_VALUE = "INVALID_CONDITION_VALUE"
    POLICY_SIZE_EXCEEDS_QUOTA = "POLICY_SIZE_EXCEEDS_QUOTA"
    NUMBER_OUT_OF_RANGE = "NUMBER_OUT_OF_RANGE"
    POLICY_LIMIT_EXCEEDED = "POLICY_LIMIT_EXCEEDED"
    # security warnings
    FORALLVALUES_WITH_SINGLE_VALUED_KEY = "FORALLVALUES_WITH_SINGLE_VALUED_KEY"
    FORALLVALUES_WITH_ABSENT_KEY = "FORALLVALUES_WITH_ABSENT_KEY"
    ALLOW_WITH_NOTACTION = "ALLOW_WITH_NOTACTION"
    # warnings
    INVALID_SERVICE = "INVALID_SERVICE"
    UNKNOWN_URN_REGION = "UNKNOWN_URN_REGION"
    CONDITION_KEY_NOT_SUPPORTED_BY_ACTION = "CONDITION_KEY_NOT_SUPPORTED_BY_ACTION"
    MISSING_QUALIFIER = "MISSING_QUALIFIER"
    POLICY_SIZE_NEEDS_MINIFYING = "POLICY_SIZE_NEEDS_MINIFYING"
    DUPLICATE_SID = "DUPLICATE_SID"
    INVALID_SID = "INVALID_SID"
    WILDCARD_IN_SERVICE_NAME = "WILDCARD_IN_SERVICE_NAME"
    SERVICE_NOT_GOVERNED_BY_SCP = "SERVICE_NOT_GOVERNED_BY_SCP"
    FINDINGS_NOT_LISTED = "FINDINGS_NOT_LISTED"
    # suggestions
    ACTION_CASE = "ACTION_CASE"
    ACTION_ALIAS = "ACTION_ALIAS"
    REDUNDANT_ACTION = "REDUNDANT_ACTION"
    REDUNDANT_RESOURCE = "REDUNDANT_RESOURCE"
    REDUNDANT_STATEMENT = "REDUNDANT_STATEMENT"
    EMPTY_ARRAY_ACTION = "EMPTY_ARRAY_ACTION"
    EMPTY_ARRAY_RESOURCE = "EMPTY_ARRAY_RESOURCE"
    EMPTY_OBJECT_CONDITION = "EMPTY_OBJECT_CONDITION"
    NULL_WITH_QUALIFIER = "NULL_WITH_QUALIFIER"
    FORANYVALUE_WITH_SINGLE_VALUED_KEY = "FORANYVALUE_WITH_SINGLE_VALUED_KEY"
    DENY_BREAKS_DEPENDENT_APIS = "DENY_BREAKS_DEPENDENT_APIS"
    MISSING_DEPENDENCY = "MISSING_DEPENDENCY"

    @property
    def severity(self) -> Severity:
        return SEVERITY[self]

    @property
    def summary(self) -> str:
        return TITLE[self]


_E, _S, _W, _G = (
    Severity.ERROR,
    Severity.SECURITY_WARNING,
    Severity.WARNING,
    Severity.SUGGESTION,
)

# code -> (severity, one-line title used by SARIF rules and the checks reference)
_TABLE: dict[Code, tuple[Severity, str]] = {
    Code.JSON_SYNTAX_ERROR: (_E, "The text is not valid JSON"),
    Code.DUPLICATE_KEY: (_E, "A key appears twice in one JSON object"),
    Code.MISSING_VERSION: (_E, "The policy has no Version"),
    Code.INVALID_VERSION: (_E, 'Version is not "5.0"'),
    Code.MISSING_STATEMENT: (_E, "The policy has no statement"),
    Code.INVALID_POLICY_ELEMENT: (_E, "Unknown element or wrong JSON type"),
    Code.UNSUPPORTED_PRINCIPAL: (_E, "Principal is not supported in this kind of policy"),
    Code.MISSING_EFFECT: (_E, "A statement has no Effect"),
    Code.INVALID_EFFECT: (_E, 'Effect is neither "Allow" nor "Deny"'),
    Code.MISSING_ACTION: (_E, "A statement has neither Action nor NotAction"),
    Code.UNSUPPORTED_ELEMENT_COMBINATION: (
        _E,
        "Action with NotAction, or Resource with NotResource",
    ),
    Code.INVALID_ACTION_FORMAT: (_E, "An action is not service:resourceType:operation"),
    Code.INVALID_ACTION: (_E, "The catalog's service has no such action"),
    Code.ACTION_WILDCARD_MATCHES_NOTHING: (_E, "An action wildcard matches no action"),
    Code.SCP_ALLOW_NOT_SUPPORTED: (_E, "Custom SCPs may only deny"),
    Code.SCP_NOTACTION_NOT_SUPPORTED: (_E, "NotAction is not supported here"),
    Code.SCP_NOTRESOURCE_NOT_SUPPORTED: (_E, "NotResource is not supported here"),
    Code.SCP_ALLOW_RESOURCE: (_E, 'An Allow in an SCP must have Resource "*"'),
    Code.SCP_ALLOW_CONDITION: (_E, "An Allow in an SCP cannot have a Condition"),
    Code.SCP_ACTION_WILDCARD: (_E, "SCPs do not accept a wildcard service in an action"),
    Code.INVALID_URN: (_E, "A resource is not a well-formed URN"),
    Code.INVALID_URN_REGION: (_E, "A URN's region part cannot be a region id"),
    Code.MISSING_URN_REGION: (_E, "A URN of a regional service has an empty region"),
    Code.URN_SERVICE_MISMATCH: (_E, "A URN names a service none of the actions belongs to"),
    Code.INVALID_RESOURCE_TYPE: (_E, "The service defines no such resource type"),
    Code.UNSUPPORTED_RESOURCE_URN: (
        _E,
        "A specific URN for an action without resource-level permissions",
    ),
    Code.NO_APPLICABLE_RESOURCE: (_E, "No resource of the statement applies to an action"),
    Code.INVALID_CONDITION_OPERATOR: (_E, "Unknown condition operator"),
    Code.NULL_WITH_IF_EXISTS: (_E, "Null cannot take IfExists"),
    Code.INVALID_CONDITION_KEY: (_E, "Unknown condition key"),
    Code.DATA_TYPE_MISMATCH: (_E, "The operator does not fit the key's type"),
    Code.INVALID_CONDITION_VALUE: (_E, "A condition value does not fit the operator"),
    Code.POLICY_SIZE_EXCEEDS_QUOTA: (_E, "The policy is too large even minified"),
    Code.NUMBER_OUT_OF_RANGE: (_E, "A number no JSON reader keeps as written"),
    Code.POLICY_LIMIT_EXCEEDED: (_E, "The policy is larger than SCP Studio reads"),
    Code.FORALLVALUES_WITH_SINGLE_VALUED_KEY: (_S, "ForAllValues on a single-valued key"),
    Code.FORALLVALUES_WITH_ABSENT_KEY: (_S, "ForAllValues holds when the key is absent"),
    Code.ALLOW_WITH_NOTACTION: (_S, "Allow with NotAction grants every other action"),
    Code.INVALID_SERVICE: (_W, "The catalog does not hold this service"),
    Code.UNKNOWN_URN_REGION: (_W, "A URN names a region the catalog does not list"),
    Code.CONDITION_KEY_NOT_SUPPORTED_BY_ACTION: (
        _W,
        "A condition key is never present for an action",
    ),
    Code.MISSING_QUALIFIER: (_W, "A multivalued key without ForAnyValue or ForAllValues"),
    Code.POLICY_SIZE_NEEDS_MINIFYING: (_W, "The policy fits the quota only minified"),
    Code.DUPLICATE_SID: (_W, "Two statements share a Sid"),
    Code.INVALID_SID: (_W, "A Sid has characters outside letters and digits"),
    Code.WILDCARD_IN_SERVICE_NAME: (_W, "A wildcard in the service part of an action"),
    Code.SERVICE_NOT_GOVERNED_BY_SCP: (_W, "SCPs do not govern the action's service"),
    Code.FINDINGS_NOT_LISTED: (_W, "More findings of one kind than are listed"),
    Code.ACTION_CASE: (_G, "An action is spelt in a different case than the catalog's"),
    Code.ACTION_ALIAS: (_G, "An action is written by another name of it"),
    Code.REDUNDANT_ACTION: (_G, "An action is already covered by another"),
    Code.REDUNDANT_RESOURCE: (_G, "A resource is already covered by another"),
    Code.REDUNDANT_STATEMENT: (_G, "A statement is already covered by another"),
    Code.EMPTY_ARRAY_ACTION: (_G, "Action is an empty array"),
    Code.EMPTY_ARRAY_RESOURCE: (_G, "Resource is an empty array"),
    Code.EMPTY_OBJECT_CONDITION: (_G, "Condition is an empty object"),
    Code.NULL_WITH_QUALIFIER: (_G, "A qualifier on Null means nothing"),
    Code.FORANYVALUE_WITH_SINGLE_VALUED_KEY: (_G, "ForAnyValue on a single-valued key"),
    Code.DENY_BREAKS_DEPENDENT_APIS: (_G, "A Deny also blocks APIs that depend on the action"),
    Code.MISSING_DEPENDENCY: (_G, "An Allow grants an action but not its dependency"),
}
SEVERITY: dict[Code, Severity] = {code: sev for code, (sev, _) in _TABLE.items()}
TITLE: dict[Code, str] = {code: title for code, (_, title) in _TABLE.items()}


@dataclass(frozen=True, slots=True)
class Position:
    """A place in the text: 1-based line and column (in characters), 0-based offset."""

    line: int
    column: int
    offset: int

    def to_json(self) -> dict[str, int]:
        return {"line": self.line, "column": self.column, "offset": self.offset}


@dataclass(frozen=True, slots=True)
class Span:
    start: Position
    end: Position

    def to_json(self) -> dict[str, dict[str, int]]:
        return {"start": self.start.to_json(), "end": self.end.to_json()}


@dataclass(frozen=True, slots=True)
class Fix:
    """A certain repair, as one JSON Patch (RFC 6902) operation on the decoded policy.

    `op` is `replace`, `add`, `remove` or `move` (a key rename: `from_path` -> `path`).
    """

    op: str
    path: str
    value: Any = None
    from_path: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.op, "path": self.path}
        if self.op in ("replace", "add"):
            out["value"] = self.value
        if self.from_path is not None:
            out["from"] = self.from_path
        return out


@dataclass(frozen=True, slots=True)
class Finding:
    code: Code
    message: str
    path: str
    span: Span | None = None
    fix: Fix | None = None
    suggestions: tuple[str, ...] = field(default=())
    # Repairs to choose from when none is certain: each one a JSON Patch operation.
    choices: tuple[Fix, ...] = field(default=())

    @property
    def severity(self) -> Severity:
        return SEVERITY[self.code]

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code.value,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
            "span": self.span.to_json() if self.span else None,
            "fix": self.fix.to_json() if self.fix else None,
            "suggestions": list(self.suggestions),
            "choices": [c.to_json() for c in self.choices],
        }


def escape(part: str | int) -> str:
    """One JSON pointer segment, with `~` and `/` escaped as RFC 6901 says."""
    text = str(part)
    if "~" in text or "/" in text:
        return text.replace("~", "~0").replace("/", "~1")
    return text


def pointer(*parts: str | int) -> str:
    """A JSON pointer from path parts: pointer("Statement", 0) is "/Statement/0"."""
    return "".join("/" + escape(p) for p in parts)


def sort_and_dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (code, path), in document order, worst first at the same place."""
    seen: set[tuple[Code, str]] = set()
    unique: list[Finding] = []
    for f in findings:
        key = (f.code, f.path)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    unique.sort(key=lambda f: (f.span.start.offset if f.span else -1, -f.severity.rank))
    return unique

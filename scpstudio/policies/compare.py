"""Compare two versions of a saved policy, or a version with an unsaved draft: the text
(line by line, side by side and as a unified diff) and the meaning (every API whose
outcome changes, before and after as the preview spells them, and the statement that
explains the change)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalog.snapshot import catalog_snapshot
from scpstudio.engine.diff import OutcomeChange, diff_policies
from scpstudio.engine.document import ParseResult, parse_policy
from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.limits import policy_limit_problem
from scpstudio.engine.preview import PreviewContext
from scpstudio.policies.models import Policy, PolicyVersion
from scpstudio.policies.rules import PolicyInputError, clean_document

DRAFT = "draft"
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


@dataclass(frozen=True, slots=True)
class TextRow:
    """One row of a side-by-side view: `same`, `changed`, `removed` or `added`."""

    kind: str
    before_line: int | None
    before: str | None
    after_line: int | None
    after: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "before_line": self.before_line,
            "before": self.before,
            "after_line": self.after_line,
            "after": self.after,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    from_number: int
    to_number: int | None  # None: the draft
    rows: tuple[TextRow, ...]
    text_diff: str
    apis: tuple[OutcomeChange, ...]
    conditional_links: tuple[OutcomeChange, ...]
    # Why the meaning could not be compared (a side that is not JSON or passes a limit).
    problem: str = ""

    @property
    def to_label(self) -> int | str:
        return DRAFT if self.to_number is None else self.to_number

    @property
    def text_changed(self) -> bool:
        return any(row.kind != "same" for row in self.rows)

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.from_number,
            "to": self.to_label,
            "text_diff": self.text_diff,
            "apis": [api_change_json(c) for c in self.apis],
            "conditional_links": [api_change_json(c) for c in self.conditional_links],
            "rows": [row.to_json() for row in self.rows],
            "problem": self.problem or None,
        }


def api_change_json(change: OutcomeChange) -> dict[str, Any]:
    deciding = change.decided_by
    out: dict[str, Any] = {
        "method": change.method,
        "path": change.path,
        "before": change.before.value,
        "after": change.after.value,
    }
    if change.kind == "conditional_link":
        out.update(action=change.action, note=change.note)
    out["decided_by"] = (
        None if deciding is None else {**deciding.to_json(), "side": change.decided_by_side}
    )
    return out


def compare(
    policy: Policy,
    from_n: Any,
    to_n: Any = None,
    draft_text: Any = None,
    context: PreviewContext | Mapping[str, Any] | None = None,
    *,
    full_access: bool = True,
) -> Comparison:
    """Version `from_n` against version `to_n`, or against `draft_text` when given, or
    against the latest version. The caller got `policy` through `selectors.policy_for`.

    Raises PolicyInputError (field `from`, `to`, `draft` or `context`) for what cannot be
    compared at all; a side that is not a policy the preview reads gives `problem`.
    """
    before = _version(policy, from_n, "from")
    if draft_text is not None:
        after_text = clean_document(draft_text, "draft")
        to_number = None
    else:
        after = _version(policy, policy.latest_version if to_n is None else to_n, "to")
        after_text, to_number = after.document, after.number
    if context is not None and not isinstance(context, PreviewContext):
        try:
            context = PreviewContext.from_json(context)
        except EngineInputError as exc:
            raise PolicyInputError(str(exc), "context") from exc
    rows, unified = text_diff(
        before.document,
        after_text,
        f"version {before.number}",
        DRAFT if to_number is None else f"version {to_number}",
    )
    apis: tuple[OutcomeChange, ...] = ()
    links: tuple[OutcomeChange, ...] = ()
    parsed_before, parsed_after = parse_policy(before.document), parse_policy(after_text)
    problem = _unreadable(parsed_before, f"Version {before.number}") or _unreadable(
        parsed_after, "The draft" if to_number is None else f"Version {to_number}"
    )
    if not problem:
        try:
            changes = diff_policies(
                parsed_before,
                parsed_after,
                catalog_snapshot(),
                policy.profile,
                context,
                full_access=full_access,
            )
        except EngineInputError as exc:
            raise PolicyInputError(str(exc), "context") from exc
        apis = tuple(changes.of_kind("api"))
        links = tuple(changes.of_kind("conditional_link"))
    return Comparison(before.number, to_number, rows, unified, apis, links, problem)


def text_diff(
    before: str, after: str, before_name: str, after_name: str
) -> tuple[tuple[TextRow, ...], str]:
    """Side-by-side rows and a unified diff of two texts, line by line (lines end at
    "\\n" only, so a U+2028 inside a JSON string does not split one)."""
    a, b = _LINE.findall(before), _LINE.findall(after)
    rows: list[TextRow] = []
    matcher = difflib.SequenceMatcher(None, a, b)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                TextRow("same", i + 1, _bare(a[i]), j + 1, _bare(b[j]))
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):
            rows.append(
                TextRow("changed", i1 + k + 1, _bare(a[i1 + k]), j1 + k + 1, _bare(b[j1 + k]))
            )
        rows.extend(
            TextRow("removed", i + 1, _bare(a[i]), None, None) for i in range(i1 + paired, i2)
        )
        rows.extend(
            TextRow("added", None, None, j + 1, _bare(b[j])) for j in range(j1 + paired, j2)
        )
    unified = "".join(
        difflib.unified_diff(_ended(a), _ended(b), before_name, after_name, lineterm="\n")
    )
    return tuple(rows), unified


def _bare(line: str) -> str:
    return line[:-1] if line.endswith("\n") else line


def _ended(lines: list[str]) -> list[str]:
    """Lines for `unified_diff`, the last one marked when the text has no final newline."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n\\ No newline at end of file\n"]
    return lines


def _version(policy: Policy, number: Any, field: str) -> PolicyVersion:
    n = number
    if isinstance(n, str) and n.isascii() and n.isdigit() and len(n) <= 9:
        n = int(n)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise PolicyInputError(f"{field} must be a version number (1 or more).", field)
    version = PolicyVersion.objects.filter(policy=policy, number=n).first()
    if version is None:
        raise PolicyInputError(
            f"This policy has no version {n}; its versions are 1 to {policy.latest_version}.",
            field,
        )
    return version


def _unreadable(parsed: ParseResult, which: str) -> str:
    """Why the preview cannot read one side, in a sentence; "" when it can."""
    if parsed.error is not None:
        return f"{which} is not valid JSON: {parsed.error.message} No API outcome is compared."
    limit = policy_limit_problem(parsed)
    if limit is not None:
        return f"{which} is past a limit: {limit.message} No API outcome is compared."
    return ""

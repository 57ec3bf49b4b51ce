"""Compare two versions of a saved policy, or a version with an unsaved draft: the text
(line by line, side by side and as a unified diff) and the meaning, by the engine's exact
diff (`engine.diff.diff_policies`): every API some request matching the context treats
differently, which way (newly allowed, newly denied, both), a witness request showing it,
before and after as the preview spells them under the context, and the statement that
explains the change."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    # The requests compared: those matching this context (an empty one: every request).
    context: PreviewContext = field(default_factory=PreviewContext)
    full_access: bool = True
    # Actions answered differently (what an API needing several actions may not show).
    actions: tuple[OutcomeChange, ...] = ()

    @property
    def to_label(self) -> int | str:
        return DRAFT if self.to_number is None else self.to_number

    @property
    def text_changed(self) -> bool:
        return any(row.kind != "same" for row in self.rows)


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
    actions: tuple[OutcomeChange, ...] = ()
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
        actions = tuple(changes.of_kind("action"))
    return Comparison(
        before.number, to_number, rows, unified, apis, links, problem,
        context or PreviewContext(), full_access, actions,
    )  # fmt: skip


def text_diff(
    before: str, after: str, before_name: str, after_name: str
) -> tuple[tuple[TextRow, ...], str]:
    """Side-by-side rows and a unified diff of two texts, line by line (lines end at
    "\\n" only, so a U+2028 inside a JSON string does not split one)."""
    a, b = _LINE.findall(before), _LINE.findall(after)
    opcodes = line_opcodes(a, b)
    rows: list[TextRow] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            rows.extend(
                TextRow("same", i + 1, _bare(a[i]), j + 1, _bare(b[j]))
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        rows.extend(
            TextRow("changed", i1 + k + 1, _bare(a[i1 + k]), j1 + k + 1, _bare(b[j1 + k]))
            for k in range(paired)
        )
        rows.extend(
            TextRow("removed", i + 1, _bare(a[i]), None, None) for i in range(i1 + paired, i2)
        )
        rows.extend(
            TextRow("added", None, None, j + 1, _bare(b[j])) for j in range(j1 + paired, j2)
        )
    return tuple(rows), _unified(a, b, opcodes, before_name, after_name)


# Past this many line pairs between the first and the last difference, difflib's matching
# (quadratic on hostile text: 30,000 alternating lines take half a minute) gives way to
# one block replaced. A policy within the 5,120-character quota is far below it.
MAX_MATCHED_PAIRS = 4_000_000
Opcode = tuple[str, int, int, int, int]


def line_opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    """difflib's opcodes for two lists of lines, in bounded time."""
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a_end, b_end = len(a) - tail, len(b) - tail
    if (a_end - head) * (b_end - head) <= MAX_MATCHED_PAIRS:
        middle = difflib.SequenceMatcher(None, a[head:a_end], b[head:b_end], autojunk=False)
        inner = [
            (tag, i1 + head, i2 + head, j1 + head, j2 + head)
            for tag, i1, i2, j1, j2 in middle.get_opcodes()
        ]
    else:
        inner = [("replace", head, a_end, head, b_end)]
    ops: list[Opcode] = [("equal", 0, head, 0, head)] if head else []
    ops += [op for op in inner if op[1] != op[2] or op[3] != op[4]]
    if tail:
        ops.append(("equal", a_end, len(a), b_end, len(b)))
    merged: list[Opcode] = []
    for op in ops:  # neighbouring equal runs (prefix, matcher's edges, suffix) become one
        if merged and op[0] == "equal" and merged[-1][0] == "equal":
            merged[-1] = ("equal", merged[-1][1], op[2], merged[-1][3], op[4])
        else:
            merged.append(op)
    return merged


def _unified(a: list[str], b: list[str], opcodes: list[Opcode], old: str, new: str) -> str:
    """A unified diff (three lines of context) written from `opcodes`."""
    if not any(op[0] != "equal" for op in opcodes):
        return ""
    matcher = difflib.SequenceMatcher(None, (), ())
    matcher.opcodes = list(opcodes)  # the matcher only groups what was matched above
    out = [f"--- {old}\n", f"+++ {new}\n"]
    for group in matcher.get_grouped_opcodes(3):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(f"@@ -{_range(i1, i2)} +{_range(j1, j2)} @@\n")
        for tag, x1, x2, y1, y2 in group:
            if tag == "equal":
                out.extend(" " + line for line in _ended(a[x1:x2], x2 == len(a)))
                continue
            out.extend("-" + line for line in _ended(a[x1:x2], x2 == len(a)))
            out.extend("+" + line for line in _ended(b[y1:y2], y2 == len(b)))
    return "".join(out)


def _range(start: int, stop: int) -> str:
    length = stop - start
    first = start + 1 if length else start
    return str(first) if length == 1 else f"{first},{length}"


def _ended(lines: list[str], at_end: bool) -> list[str]:
    """Each line with its newline; the text's last line marked when it has none."""
    out = list(lines)
    if at_end and out and not out[-1].endswith("\n"):
        out[-1] += "\n\\ No newline at end of file\n"
    return out


def _bare(line: str) -> str:
    return line[:-1] if line.endswith("\n") else line


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
        return f"{which} cannot be read. {parsed.error.message} No API outcome is compared."
    limit = policy_limit_problem(parsed)
    if limit is not None:
        return f"{which} is past a limit: {limit.message} No API outcome is compared."
    return ""

"""Findings and previews as plain text, for the terminal."""

from __future__ import annotations

from collections.abc import Sequence

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.decision import Outcome
from scpstudio.engine.diff import OutcomeChange
from scpstudio.engine.diff_words import change_in_words, changes_counted, context_text
from scpstudio.engine.evaluate import DecidedBy
from scpstudio.engine.policy import FULL_ACCESS_NAME
from scpstudio.engine.preview import Preview
from scpstudio.engine.validate import ValidationResult


def findings_text(name: str, result: ValidationResult) -> str:
    """`file:line:column: severity CODE message [path]`, one line per finding, then the size."""
    lines = []
    for f in result.findings:
        where = f"{f.span.start.line}:{f.span.start.column}" if f.span else "1:1"
        lines.append(
            f"{name}:{where}: {f.severity.value} {f.code.value} {f.message} [{f.path or '/'}]"
        )
    size = result.size
    minified = "?" if size.minified_characters is None else str(size.minified_characters)
    lines.append(
        f"{name}: {len(result.findings)} finding(s); {size.characters} characters as written, "
        f"{minified} minified, limit {size.limit} ({result.profile})"
    )
    return printable("\n".join(lines))


def printable(text: str) -> str:
    """The text with lone surrogates (invalid in UTF-8) written as escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _by(decided: DecidedBy | None) -> str:
    if decided is None:
        return ""
    if decided.statement is None:
        return f"{decided.action}: no statement allows it"
    if decided.policy == FULL_ACCESS_NAME:
        return f"{decided.action}: {FULL_ACCESS_NAME}"
    who = f'"{decided.sid}"' if decided.sid else f"#{decided.statement + 1}"
    policy = f" of {decided.policy}" if decided.policy else ""
    level = f" at {decided.level}" if decided.level else ""
    return f"{decided.action}: statement {who}{policy}{level}"


def preview_text(preview: Preview) -> str:
    """One line per API with its outcome and what decided it, "required only" links below."""
    width = max((len(row.label) for row in preview.apis), default=0)
    lines = []
    for row in preview.apis:
        lines.append(f"{row.label:<{width}}  {row.outcome.value:<11}  {_by(row.decided_by)}")
        if row.deciding is not None and row.outcome.value == "conditional":
            lines.extend(f"{'':<{width}}  {'':<11}  {c}" for c in row.deciding.conditions)
        for link in row.conditional_links:
            by = _by(link.deciding.decided_by if link.deciding else None)
            note = f" ({link.note})" if link.note else ""
            lines.append(f"{'':<{width}}  {link.outcome.value:<11}  {link.action}{note}: {by}")
    summary = preview.summary
    lines.append(", ".join(f"{k}: {v}" for k, v in summary.items()))
    return printable("\n".join(lines))


def outcome_changes_text(
    changes: Sequence[OutcomeChange], old: str, new: str, catalog: Catalog, *, narrowed: bool
) -> str:
    """Per API some request treats differently: method and path, before -> after under the
    context, the way it changed and the statement that explains it, of the old text (`old`)
    or the new one (`new`); below, each witness request in words and as a context to paste
    (or why the change was not decided). `narrowed`: a context was given, and the claim
    when nothing differs is about the requests matching it."""
    if not changes:
        under = " under the context given" if narrowed else ""
        return f"No request is treated differently by the two versions{under}."
    width = max(len(f"{c.method} {c.path}") for c in changes)
    lines = []
    for c in changes:
        side = new if c.decided_by_side == "after" else old
        by = _by(c.decided_by)
        before, after = c.before.value, c.after.value
        if before == after and c.before_possible != c.after_possible:
            # conditional both times, but what it may turn out to be changed
            before += f" ({_either(c.before_possible)})"
            after += f" ({_either(c.after_possible)})"
        lines.append(
            f"{c.method + ' ' + c.path:<{width}}  {before} -> {after}  {c.change.replace('_', ' ')}"
            + (f"  {by} (in {side})" if by else "")
        )
        words = change_in_words(c, catalog)
        for sentence, witness in zip(words, c.witnesses, strict=False):
            lines.append(f"    {sentence}")
            lines.append(f"    context: {context_text(witness.context)}")
        lines.extend(f"    {sentence}" for sentence in words[len(c.witnesses) :])
    lines.append(
        f"{len(changes)} API(s) treat some request differently: {changes_counted(changes)}."
    )
    return printable("\n".join(lines))


def _either(possible: frozenset[Outcome]) -> str:
    """`denied or allowed`: what a conditional outcome may turn out to be."""
    order = (Outcome.DENIED, Outcome.NOT_ALLOWED, Outcome.ALLOWED)
    return " or ".join(o.value for o in order if o in possible)

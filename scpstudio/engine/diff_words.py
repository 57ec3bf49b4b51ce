"""An exact diff's witnesses in words, for a reviewer.

"newly allowed: sharing images (POST /v2/images/{image_id}/members) when
ims:TargetOrgPaths is o-abc123/r-xyz/ou-dev/example (denied before, allowed now)": what the
API does, in the catalog's words for its action, and the request that shows the change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from scpstudio.engine.api_plans import api_plans
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.diff import BOTH, UNDECIDED, OutcomeChange, Witness
from scpstudio.engine.diff_search import NEWLY_ALLOWED, NEWLY_DENIED, REFUSAL
from scpstudio.engine.evaluate import Outcome
from scpstudio.engine.preview import PreviewContext

_GRANTS = "grants permission to "
_VERBS = {
    NEWLY_ALLOWED: "newly allowed",
    NEWLY_DENIED: "newly denied",
    REFUSAL: "refused differently",
}
_VOWELS = "aeiou"
_ORDER = (Outcome.DENIED, Outcome.NOT_ALLOWED, Outcome.ALLOWED)
_OUTCOME_WORDS = {
    Outcome.ALLOWED: "allowed",
    Outcome.DENIED: "denied",
    Outcome.NOT_ALLOWED: "not allowed",
}


def gerund(verb: str) -> str:
    """`share` -> `sharing`, `get` -> `getting`, `view` -> `viewing`, `copy` -> `copying`."""
    word = verb.lower()
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")) and len(word) > 2:
        return word[:-1] + "ing"
    if (
        len(word) in (3, 4)
        and word[-1] not in _VOWELS + "wxy"
        and word[-2] in _VOWELS
        and word[-3] not in _VOWELS
    ):
        return word + word[-1] + "ing"  # a short closed syllable doubles: get, set, put
    return word + "ing"


def action_in_words(name: str, catalog: Catalog) -> str:
    """`ims:images:share` -> `sharing images`, from the catalog's description; the name
    itself when the catalog has no description in the usual form."""
    action = catalog.action(name)
    text = action.description.strip().rstrip(".") if action is not None else ""
    if not text.lower().startswith(_GRANTS):
        return name
    verb, _, rest = text[len(_GRANTS) :].partition(" ")
    return f"{gerund(verb)} {rest}".strip()


def _subject(change: OutcomeChange, catalog: Catalog) -> str:
    """What the entry is about: `sharing images (POST /v2/images/{image_id}/members)`."""
    if change.kind == "action":
        return f"{action_in_words(change.action, catalog)} ({change.action})"
    label = f"{change.method} {change.path}"
    if change.kind == "conditional_link":
        doing = action_in_words(change.action, catalog)
        return f"{label} {change.note or 'in its situation'} ({doing})"
    own = next(
        (
            need.action
            for plan in api_plans(catalog)
            if plan.method == change.method and plan.path == change.path
            for need in plan.needs
            if need.dependency_of is None
        ),
        "",
    )
    return f"{action_in_words(own, catalog)} ({label})" if own else label


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def request_in_words(witness: Witness) -> str:
    """The request's parts that were chosen: `in region cn-north-4, when g:SourceIp is
    203.0.113.10 and ims:Encrypted is absent`; `for any request` when none was needed."""
    ctx = witness.context
    where = []
    for rtype, rid in ctx.resource_ids.items():
        where.append(f"on {rtype} {rid}")
    if ctx.region is not None:
        where.append(f"in region {ctx.region or '(empty)'}")
    if ctx.account_id is not None:
        where.append(f"in account {ctx.account_id or '(empty)'}")
    conditions = []
    for key, given in ctx.keys.items():
        values = list(given) if isinstance(given, list | tuple) else [given]
        if not values:
            conditions.append(f"{key} is absent")
        elif len(values) == 1:
            conditions.append(f"{key} is {_shown(values[0])}")
        else:
            shown = ", ".join(_shown(v) for v in values[:-1])
            conditions.append(f"{key} holds {shown} and {_shown(values[-1])}")
    parts = where + (["when " + " and ".join(conditions)] if conditions else [])
    return ", ".join(parts) if parts else "for any request"


def _side(outcome: Outcome, possible: frozenset[Outcome]) -> str:
    """`denied`, or `denied or allowed` when a fact the catalog leaves open decides."""
    if len(possible) == 1:
        return _OUTCOME_WORDS.get(outcome, outcome.value)
    return " or ".join(_OUTCOME_WORDS[o] for o in _ORDER if o in possible)


def witness_in_words(change: OutcomeChange, witness: Witness, catalog: Catalog) -> str:
    """One sentence: the direction, what the API does, the request, both outcomes."""
    verb = _VERBS[witness.direction]
    before = _side(witness.before.outcome, witness.before.possible)
    after = _side(witness.after.outcome, witness.after.possible)
    return (
        f"{verb}: {_subject(change, catalog)} {request_in_words(witness)} "
        f"({before} before, {after} now)"
    )


def change_in_words(change: OutcomeChange, catalog: Catalog) -> list[str]:
    """A sentence per witness, and one saying what was left undecided."""
    lines = [witness_in_words(change, w, catalog) for w in change.witnesses]
    if change.exact.undecided:
        lines.append(f"{_subject(change, catalog)}: {change.exact.undecided}")
    return lines


_COUNTED = (
    (NEWLY_ALLOWED, "newly allowed"),
    (NEWLY_DENIED, "newly denied"),
    (BOTH, "newly allowed and denied"),
    (REFUSAL, "refused differently"),
    (UNDECIDED, "not decided"),
)


def changes_counted(changes: Sequence[OutcomeChange]) -> str:
    """`2 newly allowed, 1 not decided`: the entries by the way they changed."""
    counts = [(sum(1 for c in changes if c.change == way), words) for way, words in _COUNTED]
    return ", ".join(f"{n} {words}" for n, words in counts if n)


def context_text(context: PreviewContext) -> str:
    """A witness as JSON to paste where a context is read (`scp_preview --context`, the
    API's `context`, the pages' panel in its JSON form): only the parts it chose, a key
    given `[]` being absent from the request."""
    chosen = {k: v for k, v in context.to_json().items() if v not in (None, {})}
    return json.dumps(chosen, ensure_ascii=False)

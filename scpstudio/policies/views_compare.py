"""The compare page: what a change newly allows and denies, by the engine's exact diff, with
a witness request for each API, then the lines that changed. Shown for two versions
(`views.compare`) and for the editor's draft against its version (the editor's
`compare_draft`); on both the request-context panel narrows the question to the requests
matching it, and sends the page again (a GET for versions, the editor's POST for a draft).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog.snapshot import catalog_snapshot
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.diff import BOTH, UNDECIDED, OutcomeChange
from scpstudio.engine.diff_search import NEWLY_ALLOWED, NEWLY_DENIED, REFUSAL
from scpstudio.engine.diff_words import change_in_words, changes_counted, context_text
from scpstudio.engine.policy import FULL_ACCESS_NAME
from scpstudio.policies import selectors
from scpstudio.policies.compare import Comparison
from scpstudio.policies.models import Policy
from scpstudio.policies.request_context import PanelInput, context_in_words

OUTCOME_LABELS = {
    "allowed": "Allowed",
    "denied": "Denied",
    "not_allowed": "Not allowed",
    "conditional": "Conditional",
}
CHANGE_LABELS = {
    NEWLY_ALLOWED: "Newly allowed",
    NEWLY_DENIED: "Newly denied",
    BOTH: "Newly allowed and newly denied",
    REFUSAL: "Refused differently",
    UNDECIDED: "Not decided",
}


@dataclass(frozen=True, slots=True)
class PanelForm:
    """Where the page's request-context panel sends the question again, and the fields it
    carries besides the context (the versions, or the editor's draft)."""

    action: str
    method: str  # "get" or "post"
    hidden: dict[str, Any] = field(default_factory=dict)


def render_comparison(
    request: HttpRequest, policy: Policy, found: Comparison, asked: PanelInput, form: PanelForm
) -> HttpResponse:
    """The compare page for a comparison made under `asked.context`."""
    catalog = catalog_snapshot()
    apis = [_row(c, catalog) for c in found.apis]
    links = [_row(c, catalog) for c in found.conditional_links]
    to_label = "your draft" if found.to_number is None else f"version {found.to_number}"
    numbers = [n for n in (found.from_number, found.to_number) if n is not None]
    authors = [
        f"version {v.number} by {v.author_name}"
        for v in selectors.version_list(policy).filter(number__in=numbers).order_by("number")
    ]
    changed = apis + links
    return render(
        request,
        "policies/compare.html",
        {
            "nav": "policies",
            "policy": policy,
            "from_label": f"Version {found.from_number}",
            "to_label": to_label,
            "authors": "; ".join(authors),
            "apis": apis,
            "links": links,
            "counts": changes_counted([*found.apis, *found.conditional_links]),
            "undecided": sum(1 for row in changed if row["change"] == UNDECIDED),
            # what no API shows: an action answered differently where each API needing it
            # also needs an action refused alike on both sides
            "actions": [] if changed else [_row(c, catalog) for c in found.actions],
            "text_rows": found.rows if found.text_changed else [],
            "changed_lines": sum(1 for r in found.rows if r.kind != "same"),
            "problem": found.problem,
            "context_used": context_in_words(found.context),
            "full_access": found.full_access,
            "panel": asked,
            "form": form,
        },
    )


def _row(change: OutcomeChange, catalog: Catalog) -> dict[str, Any]:
    words = change_in_words(change, catalog)
    shown = len(change.witnesses)
    return {
        "method": change.method,
        "path": change.path,
        "action": change.action,
        "note": change.note,
        "change": change.change,
        "change_label": CHANGE_LABELS.get(change.change, change.change),
        "before": change.before.value,
        "after": change.after.value,
        "before_label": OUTCOME_LABELS.get(change.before.value, change.before.value),
        "after_label": OUTCOME_LABELS.get(change.after.value, change.after.value),
        "decided_by": _decided_by(change),
        "witnesses": [
            {"words": sentence, "context": context_text(w.context), "direction": w.direction}
            for sentence, w in zip(words, change.witnesses, strict=False)
        ],
        "undecided": " ".join(words[shown:]),
    }


def _decided_by(change: OutcomeChange) -> str:
    """`ims:images:get: statement “Sid” (now)`: the statement that explains the change."""
    d = change.decided_by
    if d is None:
        return ""
    if d.policy == FULL_ACCESS_NAME:
        where = FULL_ACCESS_NAME
    elif d.statement is not None:
        where = f"statement “{d.sid}”" if d.sid else f"statement #{d.statement + 1}"
    else:
        where = d.policy or ""
    side = "before" if change.decided_by_side == "before" else "now"
    return f"{d.action}: {where} ({side})" if where else d.action

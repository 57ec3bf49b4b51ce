"""The effective preview of an account or an OU, and the what-if page.

The preview shows every API of the catalog under all the SCPs on the node's path, the
level that decided (a link to that node), the policy and statement, "conditional" with
its deciding conditions as the editor says them, under the request context of the panel
(`policies.request_context.read_panel`, the editor's and the compare page's reader).

The what-if page is reached from the editor (its "What if I attach this…" button posts
the unsaved draft as `json`), from a node's page (attach a saved version, detach, move),
and posts to itself; with htmx only the answer is redrawn, with an indicator while the
engine works.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from catalog.snapshot import catalog_snapshot
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.decision import DecidedBy
from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.policy import FULL_ACCESS_NAME
from scpstudio.org.asking import read_change
from scpstudio.org.evaluation import APPLY_NOTE, Effective, effective_preview
from scpstudio.org.models import FULL_ACCESS
from scpstudio.org.rules import OrgInputError
from scpstudio.org.selectors import Tree, attachments_by_node, node_for
from scpstudio.org.what_if import WhatIf, what_if
from scpstudio.policies.request_context import read_panel
from scpstudio.policies.selectors import visible_policies
from scpstudio.policies.views_compare import CHANGE_LABELS, OUTCOME_LABELS


@login_required
@require_safe
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    node = node_for(pk)
    catalog = catalog_snapshot()
    asked = read_panel(request.GET, catalog)
    problem = ""
    try:
        found: Effective | None = effective_preview(node, catalog, asked.context)
    except EngineInputError as exc:
        found, problem = None, str(exc)
    rows = preview_rows(found) if found else []
    counts = {o: sum(1 for r in rows if r["outcome"] == o) for o in OUTCOME_LABELS}
    return render(
        request,
        "org/preview.html",
        {
            "nav": "org",
            "node": node,
            "path": found.path[:-1] if found else [],
            "rows": rows,
            "counts": counts,
            "note": found.note if found else "",
            "apply_note": APPLY_NOTE,
            "problem": problem,
            "panel": asked,
            "filter": str(request.GET.get("show", "")),
        },
        status=400 if problem else 200,
    )


def preview_rows(found: Effective) -> list[dict[str, Any]]:
    levels = found.by_level
    rows = []
    for api in found.preview.apis:
        d = api.decided_by
        rows.append(
            {
                "method": api.method,
                "path": api.path,
                "outcome": api.outcome.value,
                "label": OUTCOME_LABELS[api.outcome.value],
                "conditions": list(api.deciding.conditions) if api.deciding else [],
                "level": levels.get(d.level) if d and d.level else None,
                "decided": decided_words(d),
            }
        )
    return rows


def decided_words(d: DecidedBy | None) -> str:
    """`ims:images:share: statement “DenyShare” of Guardrails`: what decided, in words."""
    if d is None:
        return ""
    if d.policy == FULL_ACCESS_NAME:
        return f"{d.action}: {FULL_ACCESS}"
    if d.statement is None:
        return f"{d.action}: no attached SCP allows it"
    where = f"statement “{d.sid}”" if d.sid else f"statement #{d.statement + 1}"
    return f"{d.action}: {where}" + (f" of {d.policy}" if d.policy else "")


# -- what if -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def what_if_page(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    catalog = catalog_snapshot()
    asked = read_panel(data, catalog)
    fields = _fields(data)
    answer: WhatIf | None = None
    problem = ""
    if fields["node"]:
        try:
            change = read_change(request.user, catalog, **_change_args(fields))
            answer = what_if(change, catalog, asked.context)
        except (OrgInputError, EngineInputError) as exc:
            problem = getattr(exc, "message", str(exc))
    org = Tree.load()
    context = {
        "nav": "org",
        "fields": fields,
        "panel": asked,
        "nodes": org.ordered(),
        "policies": list(visible_policies(request.user).order_by("name", "id")[:500]),
        "attachments": _attachment_choices(org),
        "answer": answer,
        "groups": _groups(answer, catalog) if answer else [],
        "problem": problem,
        "apply_note": APPLY_NOTE,
    }
    template = "org/what_if.html#answer" if getattr(request, "htmx", False) else "org/what_if.html"
    return render(request, template, context, status=400 if problem else 200)


def _fields(data: Any) -> dict[str, str]:
    names = ("node", "action", "policy", "version", "parent", "attachment")
    fields = {name: str(data.get(name, "")).strip() for name in names}
    fields["json"] = str(data.get("json", data.get("draft", "")))
    fields["action"] = fields["action"] or "attach"
    return fields


def _change_args(fields: dict[str, str]) -> dict[str, Any]:
    draft = fields["json"] if fields["json"].strip() and not fields["policy"] else None
    return {
        "node": fields["node"],
        "action": fields["action"],
        "draft": draft if fields["action"] == "attach" else None,
        "policy": fields["policy"] or None,
        "version": fields["version"] or None,
        "parent": fields["parent"] or None,
        "attachment": fields["attachment"] or None,
    }


def _attachment_choices(org: Tree) -> list[tuple[int, str]]:
    rows = attachments_by_node()
    return [
        (a.pk, f"{a.policy_name} at {org.nodes[node_id].label}")
        for node_id, attached in rows.items()
        for a in attached
        if node_id in org.nodes
    ]


def _groups(answer: WhatIf, catalog: Catalog) -> list[dict[str, Any]]:
    """Accounts with the same changes (the same APIs, outcomes and deciding levels) shown
    once, so a change at the root over 2,000 accounts reads as one table."""
    groups: dict[Any, dict[str, Any]] = {}
    for account in answer.accounts:
        rows = [
            {
                "method": a.method,
                "path": a.path,
                "before": a.change.before.value,
                "after": a.change.after.value,
                "before_label": OUTCOME_LABELS[a.change.before.value],
                "after_label": OUTCOME_LABELS[a.change.after.value],
                "change": a.change.change,
                "change_label": CHANGE_LABELS.get(a.change.change, a.change.change),
                "level": a.level,
                "decided": decided_words(a.decided_by),
                "undecided": a.change.exact.undecided,
            }
            for a in account.apis
        ]
        key = (
            account.note,
            tuple(
                (r["method"], r["path"], r["before"], r["after"], r["change"], r["decided"],
                 r["level"].pk if r["level"] else None)
                for r in rows
            ),
        )  # fmt: skip
        group = groups.setdefault(key, {"accounts": [], "rows": rows, "note": account.note})
        group["accounts"].append(account.account)
    return list(groups.values())

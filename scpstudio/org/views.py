"""The organization's pages: the tree (with what each account can use), one node (its
attachments, rename, move, delete, management account) and the forms that change them.

Reading needs an account; every change needs `selectors.can_change_org` (staff, or the
`org.change_organization` permission). A change the rules refuse shows the page again
with the sentence (status 400); nothing typed is lost: the form shows it again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from catalog.snapshot import catalog_snapshot
from scpstudio.org import services
from scpstudio.org.evaluation import APPLY_NOTE, resolve, tree_summary
from scpstudio.org.models import FULL_ACCESS, Node, NodeKind
from scpstudio.org.rules import OrgInputError, max_attachments
from scpstudio.org.selectors import (
    Tree,
    attachment_of,
    attachments_by_node,
    can_change_org,
    node_for,
)
from scpstudio.policies.models import PolicyVersion
from scpstudio.policies.selectors import policy_for, version_of, visible_policies

INDENT = "· "  # one per level, before a node's name in a list of choices
NOT_ALLOWED = (
    "Changing the organization needs staff status or the “Can change the organization” "
    "permission; ask an administrator."
)
_DONE = {
    "created": "Node added, with FullAccess attached.",
    "renamed": "Name saved.",
    "moved": "Moved.",
    "management": "Management account updated.",
    "attached": "Attached. " + APPLY_NOTE,
    "attached_with_errors": "Attached, but the version attached has errors: Huawei refuses to "
    "create a policy with errors, so this attachment could not be made there. Fix the policy in "
    "the editor and save a new version. " + APPLY_NOTE,
    "detached": "Detached. " + APPLY_NOTE,
    "deleted": "Deleted.",
    "packed": "The packed documents are saved as new policies in your library: detach the "
    "policies they replace here, then attach them.",
}


def org_change(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, POST, and allowed to change the organization (else 403 with a sentence)."""

    @login_required
    @require_POST
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_change_org(request.user):
            return render_tree_page(request, problem=NOT_ALLOWED, status=403)
        return view(request, *args, **kwargs)

    return checked


@login_required
@require_safe
def tree(request: HttpRequest) -> HttpResponse:
    return render_tree_page(request, message=_DONE.get(str(request.GET.get("done", "")), ""))


def render_tree_page(
    request: HttpRequest, *, problem: str = "", message: str = "", status: int = 200
) -> HttpResponse:
    org = Tree.load()
    summary = tree_summary(catalog_snapshot(), org)
    attached = attachments_by_node()
    rows = [
        {
            "node": node,
            "depth": depth,
            "summary": summary[node.pk],
            "attachments": [a.policy_name for a in attached.get(node.pk, [])],
        }
        for node, depth in org.ordered()
    ]
    parents = [(n, INDENT * d) for n, d in org.ordered() if n.kind != NodeKind.ACCOUNT]
    total = next((r["summary"].own.total for r in rows if r["summary"].own), None)
    context = {
        "nav": "org",
        "rows": rows,
        "parents": parents,
        "total": total,
        "can_change": can_change_org(request.user),
        "problem": problem,
        "message": message,
        "form": request.POST if problem else {},
    }
    return render(request, "org/tree.html", context, status=status)


def _node_page(
    request: HttpRequest, node: Node, *, problem: str = "", message: str = "", status: int = 200
) -> HttpResponse:
    org = Tree.load()
    node = org.nodes[node.pk]
    attached = resolve(attachments_by_node([node.pk])).get(node.pk, [])
    worst = dict(
        PolicyVersion.objects.filter(
            pk__in=[a.version_id for a in attached if a.version_id is not None]
        ).values_list("pk", "worst_severity")
    )
    inside = {n.pk for n in org.below(node)} | {node.pk}
    context = {
        "nav": "org",
        "node": node,
        "path": org.path(node)[:-1],
        "children": [org.nodes[c] for c in org.children.get(node.pk, [])],
        "attached": attached,
        # each attachment with the worst finding of the version it stands for
        "attached_rows": [(a, worst.get(a.version_id, "")) for a in attached],
        "with_errors": [
            a.attachment.policy_name for a in attached if worst.get(a.version_id) == "error"
        ],
        "room": max_attachments() - len(attached),
        "max_attachments": max_attachments(),
        "policies": list(visible_policies(request.user).order_by("name", "id")[:500]),
        "full_access_attached": any(a.attachment.builtin == FULL_ACCESS for a in attached),
        "destinations": [
            (n, INDENT * d)
            for n, d in org.ordered()
            if n.kind != NodeKind.ACCOUNT and n.pk not in inside
        ],
        "can_change": can_change_org(request.user),
        "apply_note": APPLY_NOTE,
        "problem": problem,
        "message": message,
        "form": request.POST if problem else {},
    }
    return render(request, "org/node.html", context, status=status)


@login_required
@require_safe
def node(request: HttpRequest, pk: int) -> HttpResponse:
    found = node_for(pk)
    return _node_page(request, found, message=_DONE.get(str(request.GET.get("done", "")), ""))


def _back(node: Node, done: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('org:node', args=[node.pk])}?done={done}")


def _parent(value: Any) -> Node | None:
    try:
        return node_for(value)
    except Http404:
        return None


@org_change
def node_add(request: HttpRequest) -> HttpResponse:
    try:
        created = services.node_create(
            user=request.user,
            kind=str(request.POST.get("kind", "")),
            name=request.POST.get("name", ""),
            parent=_parent(request.POST.get("parent")),
            huawei_id=str(request.POST.get("huawei_id", "")).strip(),
        )
    except OrgInputError as exc:
        return render_tree_page(request, problem=exc.message, status=400)
    return _back(created, "created")


def _node_change(change: Callable[[HttpRequest, Node], str]) -> Callable[..., HttpResponse]:
    """A form on a node's page: the change, then the page again with what was done, or
    with the sentence refusing it."""

    @org_change
    @wraps(change)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        found = node_for(pk)
        try:
            done = change(request, found)
        except OrgInputError as exc:
            return _node_page(request, found, problem=exc.message, status=400)
        except Http404 as exc:
            return _node_page(request, found, problem=str(exc), status=400)
        if done == "deleted":
            return HttpResponseRedirect(f"{reverse('org:tree')}?done=deleted")
        return _back(found, done)

    return view


@_node_change
def node_rename(request: HttpRequest, node: Node) -> str:
    services.node_rename(user=request.user, node=node, name=request.POST.get("name", ""))
    huawei_id = str(request.POST.get("huawei_id", "")).strip()
    if huawei_id != node.huawei_id:
        services.node_set_huawei_id(user=request.user, node=node, huawei_id=huawei_id)
    return "renamed"


@_node_change
def node_move(request: HttpRequest, node: Node) -> str:
    services.node_move(user=request.user, node=node, parent=_parent(request.POST.get("parent")))
    return "moved"


@_node_change
def node_delete(request: HttpRequest, node: Node) -> str:
    services.node_delete(user=request.user, node=node)
    return "deleted"


@_node_change
def node_management(request: HttpRequest, node: Node) -> str:
    wanted = request.POST.get("management") == "1"
    services.node_set_management(user=request.user, node=node, management=wanted)
    return "management"


@_node_change
def attach(request: HttpRequest, node: Node) -> str:
    chosen = str(request.POST.get("policy", ""))
    if chosen == FULL_ACCESS:
        services.attachment_create(user=request.user, node=node, builtin=FULL_ACCESS)
        return "attached"
    if not chosen:
        raise OrgInputError("Choose the policy to attach.", "policy")
    policy = policy_for(request.user, chosen)
    number = str(request.POST.get("version", "")).strip()
    version = version_of(policy, number) if number else None
    services.attachment_create(user=request.user, node=node, policy=policy, version=version)
    held = (
        version or PolicyVersion.objects.filter(policy=policy, number=policy.latest_version).first()
    )
    return "attached_with_errors" if held and held.worst_severity == "error" else "attached"


@_node_change
def detach(request: HttpRequest, node: Node) -> str:
    found = attachment_of(node, request.POST.get("attachment"))
    services.attachment_delete(user=request.user, attachment=found)
    return "detached"

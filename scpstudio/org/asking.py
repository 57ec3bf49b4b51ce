"""A what-if as a person or a script asks it (the page's fields, the API's body), turned
into the `what_if.Change` the engine answers: the node, the action, and the policy (the
editor's unsaved draft, or a saved policy's version the person may see), the attachment
to detach, or the parent to move under. One reader for the page and the API, so both
refuse the same things with the same sentences."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import Http404

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.evaluate import full_access_policy
from scpstudio.engine.limits import MAX_POLICY_CHARS
from scpstudio.engine.policy import compile_policy
from scpstudio.org.evaluation import compiled_version
from scpstudio.org.models import FULL_ACCESS, Node
from scpstudio.org.rules import OrgInputError
from scpstudio.org.selectors import attachment_of, node_for
from scpstudio.org.what_if import ACTIONS, ATTACH, DETACH, MOVE, Change, check_move
from scpstudio.policies.selectors import latest_version, policy_for, version_of

DRAFT_NAME = "your draft"


def read_change(
    user: Any,
    catalog: Catalog,
    *,
    node: Any,
    action: Any,
    draft: Any = None,
    policy: Any = None,
    version: Any = None,
    parent: Any = None,
    attachment: Any = None,
) -> Change:
    """The change asked, or OrgInputError naming the field at fault (a node, policy or
    version the person cannot see is "not found" in words, as everywhere)."""
    target = _node(node, "node")
    if action not in ACTIONS:
        raise OrgInputError(f"action must be one of: {', '.join(ACTIONS)}.", "action")
    if action == MOVE:
        destination = _node(parent, "parent")
        check_move(target, destination)
        return Change(MOVE, target, parent=destination)
    if action == DETACH:
        return _detach(target, attachment, policy)
    if draft is not None and policy is not None:
        raise OrgInputError("Attach a draft or a saved policy, not both.", "policy")
    if draft is not None:
        return Change(ATTACH, target, *_draft(draft, catalog))
    if policy is None:
        raise OrgInputError("Say what to attach: a draft or a saved policy.", "policy")
    if policy == FULL_ACCESS:
        return Change(ATTACH, target, full_access_policy(catalog), FULL_ACCESS)
    try:
        saved = policy_for(user, policy)
        chosen = version_of(saved, version) if version is not None else latest_version(saved)
    except Http404 as exc:
        field = "version" if version is not None and "version" in str(exc) else "policy"
        raise OrgInputError(str(exc), field) from exc
    compiled = compiled_version(chosen.pk, saved.name, catalog, chosen.document)
    return Change(ATTACH, target, compiled, chosen.pk)


def _node(value: Any, field: str) -> Node:
    try:
        return node_for(value)
    except Http404 as exc:
        raise OrgInputError(str(exc), field) from exc


def _draft(text: Any, catalog: Catalog) -> tuple[Any, str]:
    if not isinstance(text, str):
        raise OrgInputError("The draft must be the policy's JSON text.", "draft")
    if len(text) > MAX_POLICY_CHARS:
        raise OrgInputError(
            f"The draft has {len(text):,} characters; at most {MAX_POLICY_CHARS:,} are read.",
            "draft",
        )
    compiled = compile_policy(text, catalog, name=DRAFT_NAME)
    if compiled.limit is not None:
        raise OrgInputError(compiled.limit.message, "draft")
    if compiled.parse is not None and compiled.parse.error is not None:
        raise OrgInputError(
            f"The draft cannot be read. {compiled.parse.error.message} Nothing was compared.",
            "draft",
        )
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return compiled, f"draft:{digest}"


def _detach(target: Node, attachment: Any, policy: Any) -> Change:
    if attachment is not None:
        try:
            found = attachment_of(target, attachment)
        except Http404 as exc:
            raise OrgInputError(str(exc), "attachment") from exc
        return Change(DETACH, target, detach=found.pk)
    rows = list(target.attachments.all())
    if policy == FULL_ACCESS:
        match = [a for a in rows if a.builtin == FULL_ACCESS]
    else:
        match = [a for a in rows if policy is not None and str(a.policy_id) == str(policy)]
    if not match:
        raise OrgInputError(f"That policy is not attached to {target.label}.", "policy")
    return Change(DETACH, target, detach=match[0].pk)

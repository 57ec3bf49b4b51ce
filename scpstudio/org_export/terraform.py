"""The organization's SCPs and attachments as Terraform for Huawei Cloud's provider:
`org_terraform(description) -> str`.

* a `variable` per node some policy is attached to (its Huawei id: the default when known,
  else Terraform asks), so the file names no id it cannot know;
* a `huaweicloud_organizations_policy` per policy text, its `content` the saved text byte
  for byte: a heredoc when the text allows one (the text ends with a newline: the heredoc
  as it is; otherwise `trimsuffix(<<EOT ..., "\\n")` takes back the newline a heredoc ends
  with), a quoted string when it holds a carriage return or another control character;
  `${` and `%{` are escaped in both, since Terraform would read them as templates.
  (`jsonencode` would not do: it writes the JSON again, minified and sorted, not the text.)
* a `huaweicloud_organizations_policy_attach` per attachment (`policy_id`, `entity_id`).

Two texts of one policy (one attachment pinned to an older version) are two policies at
Huawei, named with their version ("No sharing v2", "No sharing v3").

FullAccess (a builtin policy) is Huawei's own and attached by Huawei to every node: it is
not created, nor attached, here; a comment names the nodes it is not attached to, so
nobody is surprised that applying this file does not detach it there.

The output is deterministic (the description's order), so a diff between two exports shows
only what changed.
"""

from __future__ import annotations

import re

from scpstudio.org_export.description import ExportNode, ExportPolicy, OrgDescription

KIND = {"root": "the root", "ou": "the OU", "account": "the account"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def _label(text: str, taken: set[str], fallback: str) -> str:
    """A Terraform name (letters, digits, "_"; a letter first), unique among `taken`."""
    base = re.sub(r"[^A-Za-z0-9]+", "_", text.strip()).strip("_").lower()[:48] or fallback
    if not base[0].isalpha():
        base = f"{fallback}_{base}"
    label, n = base, 2
    while label in taken:
        label, n = f"{base}_{n}", n + 1
    taken.add(label)
    return label


def quoted(text: str) -> str:
    """A quoted HCL string holding exactly `text`."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif _CONTROL.fullmatch(ch):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + _templates("".join(out)) + '"'


def _templates(text: str) -> str:
    return text.replace("${", "$${").replace("%{", "%%{")


def content_expression(text: str) -> str:
    """An HCL expression whose value is exactly `text` (see the module's docstring)."""
    if _CONTROL.search(text) or "\r" in text or not text:
        return quoted(text)
    lines = text.split("\n")
    marker, n = "EOT", 2
    while any(line.strip() == marker for line in lines):
        marker, n = f"EOT{n}", n + 1
    body = _templates(text)
    if text.endswith("\n"):
        return f"<<{marker}\n{body}{marker}\n"
    return f'trimsuffix(<<{marker}\n{body}\n{marker}\n  , "\\n")\n'


def _policy_names(policies: list[ExportPolicy]) -> dict[str, str]:
    """Each policy's name at Huawei: its own, or, when two texts of one policy are attached
    (one pinned to an older version), the name and " v" and the version."""
    count: dict[str, int] = {}
    for p in policies:
        count[p.name] = count.get(p.name, 0) + 1
    return {
        p.id: f"{p.name} v{p.version}" if count[p.name] > 1 and p.version else p.name
        for p in policies
    }


def _policy_block(policy: ExportPolicy, name: str, label: str) -> str:
    content = content_expression(policy.text)
    ending = "" if content.endswith("\n") else "\n"
    return (
        f'resource "huaweicloud_organizations_policy" "{label}" {{\n'
        f"  name        = {quoted(name)}\n"
        f'  type        = "service_control_policy"\n'
        f"  description = {quoted(policy.description)}\n"
        f"  content     = {content}{ending}"
        "}\n"
    )


def _variable_block(node: ExportNode, label: str, names: dict[str, ExportNode]) -> str:
    parent = names.get(node.parent or "")
    where = f" (under {parent.name})" if parent is not None else ""
    lines = [
        f'variable "{label}" {{',
        f"  description = {quoted(f'Huawei id of {KIND[node.type]} {node.name}{where}')}",
        "  type        = string",
    ]
    if node.huawei_id:
        lines.append(f"  default     = {quoted(node.huawei_id)}")
    return "\n".join(lines) + "\n}\n"


def org_terraform(description: OrgDescription) -> str:
    """The Terraform file (see the module's docstring); ExportError for a description
    `check()` refuses."""
    description.check()
    nodes = {n.id: n for n in description.nodes}
    policies = {p.id: p for p in description.policies}
    managed = [a for a in description.attachments if not policies[a.policy].builtin]
    used_nodes = [n for n in description.nodes if any(a.node == n.id for a in managed)]
    used_policies = [
        p for p in description.policies if not p.builtin and any(a.policy == p.id for a in managed)
    ]
    names = _policy_names(used_policies)
    taken: set[str] = set()
    variables = {n.id: _label(f"{n.type} {n.name}", taken, n.type) for n in used_nodes}
    resources = {p.id: _label(names[p.id], taken, "scp") for p in used_policies}
    parts = [
        "# Written by SCP Studio: the organization's service control policies and their\n"
        "# attachments. Each policy's content is its saved text, byte for byte.\n",
        "terraform {\n  required_providers {\n    huaweicloud = {\n"
        '      source = "huaweicloud/huaweicloud"\n    }\n  }\n}\n',
    ]
    parts.extend(_variable_block(n, variables[n.id], nodes) for n in used_nodes)
    parts.extend(_policy_block(p, names[p.id], resources[p.id]) for p in used_policies)
    for a in managed:
        label = _label(f"{resources[a.policy]} {variables[a.node]}", taken, "attach")
        parts.append(
            f'resource "huaweicloud_organizations_policy_attach" "{label}" {{\n'
            f"  policy_id = huaweicloud_organizations_policy.{resources[a.policy]}.id\n"
            f"  entity_id = var.{variables[a.node]}\n"
            "}\n"
        )
    parts.append(_full_access_note(description))
    return "\n".join(p for p in parts if p)


def _full_access_note(description: OrgDescription) -> str:
    builtin = {p.id for p in description.policies if p.builtin}
    with_it = {a.node for a in description.attachments if a.policy in builtin}
    without = [n for n in description.nodes if n.id not in with_it]
    note = "# FullAccess is Huawei's system policy, attached by Huawei: it is not managed here.\n"
    if not without:
        return note
    names = ", ".join(f"{KIND[n.type]} {n.name}" for n in without)
    return note + f"# It is not attached to {names}: detach it there in the console.\n"

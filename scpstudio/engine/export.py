"""Writing a policy out: JSON as text a file can hold, and a Terraform resource.

The pure part of every export, shared by the editor's downloads and the policy library's
export endpoint, so that both write the same bytes for the same policy.
"""

from __future__ import annotations

import json
import re
from typing import Any

from scpstudio.engine.serialize import to_minified, to_pretty

_SURROGATE = re.compile("[\ud800-\udfff]")
# JSON escapes HCL does not have (`\b`, `\f`), when not themselves escaped backslashes.
_JSON_ONLY_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\([bf])")


def escape_surrogates(text: str) -> str:
    """JSON text with lone surrogates (decoded from `\\ud800`-style escapes) written back as
    escapes: they are not characters, and no UTF-8 file or response can hold them."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def export_text(value: Any, *, minified: bool) -> str:
    """A decoded policy as canonical JSON: pretty (with a final newline) or minified."""
    text = to_minified(value) if minified else to_pretty(value) + "\n"
    return escape_surrogates(text)


def slug(name: str) -> str:
    """A file name stem from a policy name: letters, digits, `_` and `-`, at most 64."""
    text = re.sub(r"[^A-Za-z0-9_-]+", "_", name.strip()).strip("_").lower()
    return text[:64] or "scp"


def _hcl_text(json_text: str) -> str:
    """JSON text as HCL source: same strings, with HCL's template sequences escaped."""
    text = escape_surrogates(json_text)
    text = _JSON_ONLY_ESCAPE.sub(
        lambda m: m.group(1) + ("\\u0008" if m.group(2) == "b" else "\\u000c"), text
    )
    return text.replace("${", "$${").replace("%{", "%%{")


def _hcl_string(text: str) -> str:
    return _hcl_text(json.dumps(text, ensure_ascii=False))


def terraform_label(name: str) -> str:
    """A resource name Terraform accepts: it must start with a letter or an underscore."""
    label = slug(name)
    return label if re.match(r"[A-Za-z_]", label) else f"scp_{label}"


def terraform_snippet(value: Any, *, name: str, description: str) -> str:
    """A `huaweicloud_organizations_policy` resource whose content is the policy."""
    body = _hcl_text(to_pretty(value))
    # split on "\n" only: `splitlines` also breaks at U+2028 and friends inside strings
    body = "\n".join("  " + line if i else line for i, line in enumerate(body.split("\n")))
    return (
        f'resource "huaweicloud_organizations_policy" "{terraform_label(name)}" {{\n'
        f"  name        = {_hcl_string(name or 'scp')}\n"
        f'  type        = "service_control_policy"\n'
        f"  description = {_hcl_string(description)}\n"
        f"  content     = jsonencode({body})\n"
        "}\n"
    )

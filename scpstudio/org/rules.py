"""What the organization's fields may hold and its quotas, checked before anything is
written. Each check returns the value to store or raises `OrgInputError` with a sentence
and the field it is about: the API answers it as `{"error", "field"}`, a page shows it.

The quotas are Huawei's, kept as settings (README, "Organization"):
`ORG_MAX_OU_DEPTH` (OUs nested at most 5 levels below the root), `ORG_MAX_OUS` (1,000),
`ORG_MAX_ACCOUNTS` (10,000: a bound on work, above Huawei's default quota) and
`ORG_MAX_ATTACHMENTS` (5 SCPs per node; at least 1 is Huawei's rule, not a setting).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings

from scpstudio.refusals import Refusal, json_kind

NAME_MAX = 64
HUAWEI_ID_MAX = 100
# Huawei's id shapes (the Organizations API's patterns): a root `r-` and 4 to 32 lowercase
# letters or digits; an OU `ou-`, the same, and optionally `-` and 8 to 32 more; an account
# id as Huawei gives it (a domain id: 32 hexadecimal digits; any 6 to 64 lowercase letters
# or digits are taken); a policy `p-` and up to 128 letters, digits or `_` (`p-FullAccess`).
ID_PATTERNS = {
    "root": r"^r-[0-9a-z]{4,32}$",
    "ou": r"^ou-[0-9a-z]{4,32}(-[0-9a-z]{8,32})?$",
    "account": r"^[0-9a-z]{6,64}$",
    "policy": r"^p-[0-9A-Za-z_]{1,128}$",
}
ID_EXAMPLES = {
    "root": "r-ab12",
    "ou": "ou-ab12-cd34ef56",
    "account": "0a1b2c3d4e5f67890a1b2c3d4e5f6789",
    "policy": "p-ab12cd34",
}
_ID_RES = {kind: re.compile(pattern) for kind, pattern in ID_PATTERNS.items()}
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
NAME_PATTERN = r"^[^\s\u0000-\u001f\u007f]([^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f])?$"


class OrgInputError(Refusal, ValueError):
    """A change the organization's rules refuse: a sentence, and the field it is about."""

    def __init__(self, message: str, field: str | None) -> None:
        super().__init__(message, field)


def max_ou_depth() -> int:
    return int(getattr(settings, "ORG_MAX_OU_DEPTH", 5))


def max_ous() -> int:
    return int(getattr(settings, "ORG_MAX_OUS", 1000))


def max_accounts() -> int:
    return int(getattr(settings, "ORG_MAX_ACCOUNTS", 10_000))


def max_attachments() -> int:
    return int(getattr(settings, "ORG_MAX_ATTACHMENTS", 5))


def clean_node_name(value: Any, field: str = "name") -> str:
    """1 to 64 characters, no control character, no space at either end."""
    if not isinstance(value, str):
        raise OrgInputError(f"The {field} must be text, not {json_kind(value)}.", field)
    if not value.strip():
        raise OrgInputError(f"Give the node a name of 1 to {NAME_MAX} characters.", field)
    if len(value) > NAME_MAX:
        raise OrgInputError(
            f"The {field} has {len(value):,} characters; a node's name has at most {NAME_MAX}.",
            field,
        )
    if _CONTROL.search(value):
        raise OrgInputError("A node's name holds no control characters.", field)
    if value != value.strip():
        raise OrgInputError("A node's name may not start or end with a space.", field)
    return value


def clean_huawei_id(value: Any, kind: str, field: str = "huawei_id") -> str:
    """Huawei's id for a node (`kind` root, ou or account) or a policy; "" or None: none."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise OrgInputError(f"The {field} must be text, not {json_kind(value)}.", field)
    if len(value) > HUAWEI_ID_MAX or not _ID_RES[kind].fullmatch(value):
        shown = value[:40] + ("…" if len(value) > 40 else "")
        what = {"root": "a root", "ou": "an OU", "account": "an account", "policy": "a policy"}
        raise OrgInputError(
            f"“{_printable(shown)}” is not {what[kind]}'s id as Huawei writes it "
            f"(like {ID_EXAMPLES[kind]}).",
            field,
        )
    return value


def _printable(text: str) -> str:
    return _CONTROL.sub("?", text)

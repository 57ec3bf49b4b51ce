"""Starting from JSON: what the editor's import box takes, and what it refuses.

A policy pasted or uploaded replaces the draft being edited; anything else (a Terraform
file, a CSV, JSON that is not a policy, a file that is not UTF-8) is refused with a
sentence, and the draft and its name stay as they were. A text that starts like a policy
but does not parse is taken: the editor shows where it breaks, so it can be mended there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from scpstudio.editor.document_io import textarea_text
from scpstudio.engine.document import JsonObject, parse_policy

MAX_IMPORT_BYTES = 1024 * 1024
DRAFT_FIELDS = ("json", "name", "description", "saved_policy", "base_version")
EXAMPLE = '{"Version": "5.0", "Statement": [...]}'
TERRAFORM = (
    "That is a Terraform file; the editor opens a JSON policy (a .json file, or the text "
    "pasted). Copy the policy out of the resource's jsonencode(...) and paste it."
)
TOO_LARGE = "The file is larger than 1 MB; a policy is at most a few thousand characters."
NOT_UTF8 = "The file is not UTF-8 text; save the policy as UTF-8 JSON and try again."
NOTHING = "Paste a policy or choose a file to import."
NOT_JSON = (
    f"That is not a JSON policy: the editor opens JSON like {EXAMPLE}, pasted or as a .json file."
)


class Upload(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Imported:
    """The text to edit (None when refused), the name a file gives it, why it was refused,
    and the pasted text to show again in the import box when it was."""

    text: str | None
    name: str = ""
    refused: str = ""
    pasted: str = ""


def read_import(pasted: object, upload: Upload | None) -> Imported:
    text = textarea_text(pasted)
    if upload is not None:
        filename = upload.name or ""
        if filename.lower().endswith((".tf", ".hcl", ".tfvars")):
            return Imported(None, refused=TERRAFORM)
        if upload.size and upload.size > MAX_IMPORT_BYTES:
            return Imported(None, refused=TOO_LARGE)
        try:
            text = upload.read(MAX_IMPORT_BYTES + 1).decode("utf-8-sig")
        except UnicodeDecodeError:
            return Imported(None, refused=NOT_UTF8)
        problem = not_a_policy(text)
        if problem:
            return Imported(None, refused=f"{filename[:100]}: {problem}")
        return Imported(text, name=policy_name_from_file(filename))
    problem = not_a_policy(text)
    return Imported(None, refused=problem, pasted=text) if problem else Imported(text)


def not_a_policy(text: str) -> str:
    """Why `text` is no policy to open, or "" when it is one (perhaps a broken one)."""
    start = text.lstrip()[:1]
    if not start:
        return NOTHING
    parsed = parse_policy(text)
    if start != "{" and not parsed.ok:
        return NOT_JSON
    if not parsed.ok:
        return ""  # a policy with a syntax error: the editor says where
    root = parsed.root
    if not isinstance(root, JsonObject):
        kind = "a list" if start == "[" else "a single value"
        return f"That JSON is {kind}, not a policy: a policy is an object like {EXAMPLE}."
    if root.get("Statement") is None and root.get("Version") is None:
        keys = ", ".join(m.key for m in root.members[:5]) or "nothing"
        return (
            f"That JSON is not a policy: a policy is an object with Version and Statement, "
            f"and this one has {keys[:200]}."
        )
    return ""


def policy_name_from_file(filename: str) -> str:
    """`deny-sharing.json` -> `deny-sharing`: the name a policy imported from a file keeps."""
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    cleaned = "".join(c if c.isalnum() or c in "_- " else "-" for c in stem).strip(" -")
    return cleaned[:64]

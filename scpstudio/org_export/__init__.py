"""Export the organization (issue 19, item 7), from plain data.

* `org_terraform(description) -> str` (`terraform`): the SCPs and their attachments for
  Huawei Cloud's Terraform provider, each policy's content its saved text byte for byte,
  node ids as variables;
* `org_json(description) -> str` and `read_org_json(text) -> OrgDescription`
  (`json_format`): our own versioned JSON format, round trip identical.

`OrgDescription` (`description`): the nodes, the policy texts and the attachments, which
the organization app builds from its tree. Nothing here touches the database; nothing
imports this package but the organization app.
"""

from scpstudio.org_export.description import (
    ExportAttachment,
    ExportError,
    ExportNode,
    ExportPolicy,
    OrgDescription,
)
from scpstudio.org_export.json_format import org_json, read_org_json
from scpstudio.org_export.terraform import org_terraform

__all__ = [
    "ExportAttachment",
    "ExportError",
    "ExportNode",
    "ExportPolicy",
    "OrgDescription",
    "org_json",
    "org_terraform",
    "read_org_json",
]

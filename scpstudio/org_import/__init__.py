"""Import an organization from Huawei Organizations, as plain data (issue 19, item 6).

Two sources, one walk (`answers`), one result:

* `read_org_files(folder) -> OrgSnapshot` (`files`): the JSON answers of Huawei's endpoints
  saved to files, in the layout `files` documents;
* `fetch_org(client) -> OrgSnapshot` (`live`): the same requests live, through the official
  SDK, with `org_client()` giving the client (credentials from the SDK's environment
  variables, endpoint and timeouts from the settings `ORG_IMPORT_*`).

`OrgSnapshot` (`snapshot`) holds the root, the OUs (each after its parent) and accounts with
their parents, the service control policies with their content exactly as Huawei gave it,
the attachments, and sentences for what was skipped (tag policies, counted). Whatever
cannot be read whole raises `OrgImportError`, whose `sentence` names the request (and file),
the page and the item: nothing of a failed import is to be applied.

This package writes nothing: the organization app turns a snapshot into its tree (dry run,
atomic apply). It may import the engine, the policies app and the SDK set-up it shares with
the catalog sync (`scpstudio.huawei_sdk`); nothing imports it but the organization app.
"""

from scpstudio.org_import.files import read_org_files
from scpstudio.org_import.live import LiveSettings, fetch_org, org_client
from scpstudio.org_import.snapshot import (
    ImportLimits,
    OrgAccount,
    OrgAttachment,
    OrgImportError,
    OrgPolicy,
    OrgRoot,
    OrgSnapshot,
    OrgUnit,
)

__all__ = [
    "ImportLimits",
    "LiveSettings",
    "OrgAccount",
    "OrgAttachment",
    "OrgImportError",
    "OrgPolicy",
    "OrgRoot",
    "OrgSnapshot",
    "OrgUnit",
    "fetch_org",
    "org_client",
    "read_org_files",
]

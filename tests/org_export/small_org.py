"""A small organization to export: a root, two OUs (one inside the other), three accounts,
FullAccess everywhere but on one OU (replaced there by an allow-list), a guardrail on an OU
in pretty text, the same guardrail pinned to an older version on an account, and a policy
whose text holds what Terraform must not read as a template (`${`, `%{`) and no final
newline."""

from __future__ import annotations

from scpstudio.org_export import ExportAttachment, ExportNode, ExportPolicy, OrgDescription

FULL = '{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}'
GUARD_V3 = (
    "{\n"
    '  "Version": "5.0",\n'
    '  "Statement": [\n'
    "    {\n"
    '      "Sid": "NoShare",\n'
    '      "Effect": "Deny",\n'
    '      "Action": ["ims:images:share"],\n'
    '      "Condition": {"ForAnyValue:StringNotMatch": {"ims:TargetOrgPaths": ["o-1/r-1/*"]}}\n'
    "    }\n"
    "  ]\n"
    "}\n"
)
GUARD_V2 = '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ims:images:share"}]}'
ALLOW_LIST = (
    '{"Version":"5.0","Statement":[{"Sid":"OnlyImages","Effect":"Allow",'
    '"Action":["ims:*:get*","ims:*:list*"],"Resource":["*"],'
    '"Condition":{"StringMatch":{"g:UserAgent":["${tool}/%{v}\\\\x \\"q\\""]}}}]}'
)


def small_organization() -> OrgDescription:
    nodes = (
        ExportNode("1", "root", "Root", None, "r-abcd1234"),
        ExportNode("2", "ou", "Dev", "1", "ou-dev00001"),
        ExportNode("3", "ou", "Sandbox", "2", ""),
        ExportNode("4", "account", "management", "1", "0a1b2c3d4e5f60718293a4b5c6d7e8f9", True),
        ExportNode("5", "account", "dev-one", "2", "1a1b2c3d4e5f60718293a4b5c6d7e8f9"),
        ExportNode("6", "account", "sandbox-one", "3", ""),
    )
    policies = (
        ExportPolicy("full", "FullAccess", FULL, "System policy", True, "p-FullAccess"),
        ExportPolicy("7@3", "No sharing", GUARD_V3, "Images stay in the organization", False,
                     "", 3, "7"),
        ExportPolicy("7@2", "No sharing", GUARD_V2, "Images stay in the organization", False,
                     "p-noshare001", 2, "7"),
        ExportPolicy("8@1", "Images only", ALLOW_LIST, "", False, "", 1),
    )  # fmt: skip
    attachments = (
        *[ExportAttachment(n, "full") for n in ("1", "2", "4", "5", "6")],
        ExportAttachment("2", "7@3"),
        ExportAttachment("3", "8@1"),
        ExportAttachment("5", "7@2", pinned=True),
    )
    return OrgDescription(nodes, policies, attachments)

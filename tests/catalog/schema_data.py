"""Catalogs in the shape of IAM's authorization-schema API, built for tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

IMS_SCHEMA = Path(__file__).resolve().parent / "fixtures" / "ims-schema.json"


def ims_schema() -> dict[str, Any]:
    """IMS as IAM's schema would give it, written to match Huawei's IMS page."""
    return json.loads(IMS_SCHEMA.read_text(encoding="utf-8"))


def ecs_schema() -> dict[str, Any]:
    """A small ECS: aliases, a permission-only action, per-type keys, an unknown level."""
    return copy.deepcopy(
        {
            "version": "2.3",
            "actions": [
                {
                    "name": "ecs:cloudServers:list",
                    "access_level": "list",
                    "permission_only": False,
                    "description": {"en_US": "List servers.", "zh_CN": "查询云服务器列表"},
                    "aliases": ["ecs:servers:list"],
                    "resources": [],
                    "condition_keys": ["g:EnterpriseProjectId"],
                },
                {
                    "name": "ecs:cloudServers:delete",
                    "access_level": "write",
                    "permission_only": False,
                    "description": {"en_US": "Delete servers.", "zh_CN": ""},
                    "aliases": [],
                    "resources": [
                        {
                            "urn_template": "ecs:<region>:<account-id>:instance:<instance-id>",
                            "required": True,
                            "condition_keys": ["ecs:InstanceFlavor", "g:ResourceTag/<tag-key>"],
                        }
                    ],
                    "condition_keys": ["g:EnterpriseProjectId"],
                },
                {
                    "name": "ecs:cloudServers:vncConsole",
                    "access_level": "permission_management",
                    "permission_only": True,
                    "description": {"en_US": "Open the remote console.", "zh_CN": ""},
                    "aliases": [],
                    "resources": [],
                    "condition_keys": [],
                },
                {
                    "name": "ecs:cloudServers:migrate",
                    "access_level": "operate",
                    "permission_only": False,
                    "description": {"en_US": "Migrate a server.", "zh_CN": ""},
                    "aliases": [],
                    "resources": [],
                    "condition_keys": [],
                },
            ],
            "resources": [
                {
                    "type_name": "instance",
                    "urn_template": "ecs:<region>:<account-id>:instance:<instance-id>",
                }
            ],
            "conditions": [
                {
                    "key": "ecs:InstanceFlavor",
                    "value_type": "String",
                    "multi_valued": False,
                    "description": {"en_US": "Flavor of the server.", "zh_CN": ""},
                },
                {
                    "key": "g:ResourceOrgId",
                    "value_type": "String",
                    "multi_valued": False,
                    "description": {"en_US": "", "zh_CN": ""},
                },
            ],
            "operations": [
                {
                    "operation_id": "ListServersDetails",
                    "operation_action": "ecs:cloudServers:list",
                    "dependent_actions": [],
                },
                {
                    "operation_id": "DeleteServers",
                    "operation_action": "ecs:cloudServers:delete",
                    "dependent_actions": ["evs:volumes:delete", "vpc:publicIps:delete"],
                },
            ],
        }
    )


def as_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False)

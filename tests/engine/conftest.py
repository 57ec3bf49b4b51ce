"""The shipped catalog (IMS, global keys, regions), read once per session without a database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.catalog_json import catalog_from_json

DATA = Path(__file__).resolve().parents[2] / "catalog" / "data"


def load_shipped_catalog() -> Catalog:
    docs = [
        json.loads((DATA / name).read_text())
        for name in ("global-keys.json", "ims.json", "regions.json")
    ]
    return catalog_from_json(docs)


@pytest.fixture(scope="session")
def ims() -> Catalog:
    return load_shipped_catalog()


# A service as IAM's schema describes it: an alias, and SCPs do not govern it.
SCHEMA_SERVICE = {
    "services": [
        {
            "prefix": "ecs",
            "name": "Elastic Cloud Server",
            "scp_governed": False,
            "resource_types": [
                {"name": "instance", "urn_pattern": "ecs:<region>:<account-id>:instance:<id>"}
            ],
            "actions": [
                {
                    "name": "ecs:cloudServers:list",
                    "access_level": "list",
                    "aliases": ["ecs:servers:list"],
                },
                {"name": "ecs:cloudServers:delete", "access_level": "write"},
            ],
            "operations": [
                {"operation_id": "ListServersDetails", "action": "ecs:cloudServers:list"},
                {
                    "operation_id": "DeleteServers",
                    "action": "ecs:cloudServers:delete",
                    "dependent_actions": ["evs:volumes:delete"],
                },
            ],
        }
    ]
}


@pytest.fixture(scope="session")
def ims_and_ecs() -> Catalog:
    """The shipped catalog and an ECS synced from IAM's schema, which SCPs do not govern."""
    docs = [
        json.loads((DATA / name).read_text())
        for name in ("global-keys.json", "ims.json", "regions.json")
    ]
    return catalog_from_json([*docs, SCHEMA_SERVICE])

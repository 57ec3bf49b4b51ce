"""A stand-in for Huawei Organizations' read API, served on loopback for tests (the server,
paging and faults are `tests.huawei_standin`'s): the real SDK talks to it over HTTP, and it
answers in the documented shapes, a few items a page.

`GET /v1/organizations/roots`, `organizational-units?parent_id=`, `accounts?parent_id=`,
`policies`, `policies/{id}`, `policies/{id}/attached-entities`; paging with `limit`/`marker`
and `page_info{current_count, next_marker}`. A fault can be set per path: an HTTP status with
Huawei's error body (for a number of answers, or every one), a slow answer, another body.
`save(folder)` writes every answer, every page, in the layout `read_org_files` reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.huawei_standin import Fault, HuaweiStandIn, NotFound

__all__ = ["API", "GOOD_AK", "Fault", "StandIn", "small_org"]

API = "/v1/organizations"
GOOD_AK = "AKORGSTANDIN00000000"


def small_org() -> dict[str, Any]:
    """A root, three OUs (one two levels down), five accounts, two service control policies
    (FullAccess everywhere, a guardrail on Dev) and a tag policy."""
    content = (
        '{\n    "Version": "5.0",\n    "Statement": [{"Sid": "NoShare", "Effect": "Deny",'
        ' "Action": ["ims:images:share"]}]\n}'
    )
    full = '{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}'
    nodes = ["r-abcd1234", "ou-dev00001", "ou-prod0001", "ou-team0001"]
    accounts = [
        ("0a1b2c3d4e5f60718293a4b5c6d7e8f9", "management", "r-abcd1234"),
        ("1a1b2c3d4e5f60718293a4b5c6d7e8f9", "dev-one", "ou-dev00001"),
        ("2a1b2c3d4e5f60718293a4b5c6d7e8f9", "team-a-one", "ou-team0001"),
        ("3a1b2c3d4e5f60718293a4b5c6d7e8f9", "prod-one", "ou-prod0001"),
        ("4a1b2c3d4e5f60718293a4b5c6d7e8f9", "prod-two", "ou-prod0001"),
    ]
    return {
        "root": {
            "id": "r-abcd1234",
            "urn": "organizations::0a1b2c3d4e5f60718293a4b5c6d7e8f9:root:o-x/r-abcd1234",
            "name": "Root",
            "policy_types": [{"status": "enabled", "type": "service_control_policy"}],
        },
        "units": [
            {"id": "ou-dev00001", "urn": "urn:ou:dev", "name": "Dev", "parent": "r-abcd1234",
             "created_at": "2025-01-02T03:04:05Z"},
            {"id": "ou-prod0001", "urn": "urn:ou:prod", "name": "Prod", "parent": "r-abcd1234",
             "created_at": "2025-01-02T03:04:06Z"},
            {"id": "ou-team0001", "urn": "urn:ou:team", "name": "Team A",
             "parent": "ou-dev00001", "created_at": "2025-01-02T03:04:07Z"},
        ],
        "accounts": [
            {"id": i, "urn": f"urn:account:{n}", "name": n, "parent": p, "join_method": "created",
             "joined_at": "2025-02-01T00:00:00Z", "status": "active"}
            for i, n, p in accounts
        ],
        "policies": [
            {"id": "p-FullAccess", "urn": "urn:p:full", "name": "FullAccess",
             "type": "service_control_policy", "description": "System policy",
             "is_builtin": True, "content": full},
            {"id": "p-noshare001", "urn": "urn:p:noshare", "name": "No sharing",
             "type": "service_control_policy", "description": "", "is_builtin": False,
             "content": content},
            {"id": "p-tags000001", "urn": "urn:p:tags", "name": "Tag rules",
             "type": "tag_policy", "description": "", "is_builtin": False, "content": "{}"},
        ],
        "attachments": [
            *[("p-FullAccess", n) for n in nodes],
            *[("p-FullAccess", i) for i, _, _ in accounts],
            ("p-noshare001", "ou-dev00001"),
            ("p-tags000001", "r-abcd1234"),
        ],
    }  # fmt: skip


@dataclass
class StandIn(HuaweiStandIn):
    good_ak = GOOD_AK
    marker_prefix = "mk-"
    default_limit = 200

    org: dict[str, Any] = field(default_factory=small_org)

    # -- what the organization holds ------------------------------------------------------

    def kind_of(self, node: str) -> str:
        if node == self.org["root"]["id"]:
            return "root"
        if any(u["id"] == node for u in self.org["units"]):
            return "organizational_unit"
        return "account"

    def listing(self, path: str, query: dict[str, str]) -> tuple[str, list[Any]] | None:
        """(list name, every item) for a listing path, or None."""
        org = self.org
        if path == f"{API}/roots":
            return "roots", [org["root"]]
        if path == f"{API}/organizational-units":
            parent = query.get("parent_id")
            found = [u for u in org["units"] if u["parent"] == parent]
            keys = ("id", "urn", "name", "created_at")
            return "organizational_units", [{k: u[k] for k in keys} for u in found]
        if path == f"{API}/accounts":
            parent = query.get("parent_id")
            keys = ("id", "urn", "name", "join_method", "joined_at", "status")
            found = [a for a in org["accounts"] if a["parent"] == parent]
            return "accounts", [{k: a[k] for k in keys} for a in found]
        if path == f"{API}/policies":
            keys = ("id", "urn", "name", "type", "description", "is_builtin")
            return "policies", [{k: p[k] for k in keys} for p in org["policies"]]
        if path.startswith(f"{API}/policies/") and path.endswith("/attached-entities"):
            policy = path.split("/")[4]
            names = {org["root"]["id"]: org["root"]["name"]}
            names.update({u["id"]: u["name"] for u in org["units"]})
            names.update({a["id"]: a["name"] for a in org["accounts"]})
            found = [n for p, n in org["attachments"] if p == policy]
            return "attached_entities", [
                {"id": n, "name": names.get(n, n), "type": self.kind_of(n)} for n in found
            ]
        return None

    def page(self, path: str, query: dict[str, str]) -> str | None:
        found = self.listing(path, query)
        if found is None:
            policy = path.removeprefix(f"{API}/policies/")
            for p in self.org["policies"]:
                if path.startswith(f"{API}/policies/") and p["id"] == policy:
                    keys = ("id", "urn", "name", "type", "description", "is_builtin")
                    summary = {k: p[k] for k in keys}
                    return json.dumps(
                        {"policy": {"content": p["content"], "policy_summary": summary}}
                    )
            return None
        name, items = found
        return self.page_of(name, items, query)

    def route(self, path: str, query: dict[str, str]) -> tuple[str, str]:
        body = self.page(path, query)
        if body is None:
            raise NotFound("Organizations.1002", "not found")
        return path, body

    # -- the same answers saved to files ---------------------------------------------------

    def save(self, folder: Path) -> None:
        """Every answer the walk asks for, every page, in `read_org_files`' layout."""
        org = self.org
        parents = [org["root"]["id"], *[u["id"] for u in org["units"]]]
        files: dict[str, tuple[str, dict[str, str]]] = {"roots.json": (f"{API}/roots", {})}
        for parent in parents:
            for kind in ("organizational-units", "accounts"):
                files[f"{kind}/{parent}.json"] = (f"{API}/{kind}", {"parent_id": parent})
        files["policies.json"] = (f"{API}/policies", {})
        for p in org["policies"]:
            if p["type"] == "service_control_policy":
                files[f"policies/{p['id']}.json"] = (f"{API}/policies/{p['id']}", {})
                files[f"policies/{p['id']}/attached-entities.json"] = (
                    f"{API}/policies/{p['id']}/attached-entities",
                    {},
                )
        for name, (path, query) in files.items():
            pages = [json.loads(self.page(path, query) or "null")]
            while isinstance(pages[-1], dict) and (pages[-1].get("page_info") or {}).get(
                "next_marker"
            ):
                marker = pages[-1]["page_info"]["next_marker"]
                pages.append(json.loads(self.page(path, {**query, "marker": marker}) or "null"))
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            value = pages if len(pages) > 1 else pages[0]
            target.write_text(json.dumps(value, indent=2, ensure_ascii=False))

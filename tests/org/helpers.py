"""What the organization's tests share: an organizer (a user allowed to change it), a
reader, small trees built through the services, and guardrail documents."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission

from scpstudio.org import services
from scpstudio.org.models import FULL_ACCESS, Node, NodeKind
from scpstudio.org.selectors import Tree, org_root
from scpstudio.policies import services as library
from tests.policies.library import deny, make_user, policy_text

DELETE_DENIED = policy_text(deny(["ims:images:deleteImage"], Sid="NoDelete"))
SHARE_DENIED = policy_text(deny(["ims:images:share"], Sid="NoShare"))
DELETE_API = "DELETE /v2/images/{image_id}"
SHARE_API = "POST /v2/images/{image_id}/members"
LIST_API = "GET /v2/cloudimages"


def organizer_user(name: str = "organizer") -> Any:
    """A user an administrator granted "Can change the organization" (not staff)."""
    user = make_user(name)
    user.user_permissions.add(Permission.objects.get(codename="change_organization"))
    return user


@pytest.fixture
def organizer(db):
    return organizer_user()


@pytest.fixture
def reader(db):
    return make_user("reader")


def ou(user: Any, name: str, parent: Node | None = None, huawei_id: str = "") -> Node:
    return services.node_create(
        user=user, kind=NodeKind.OU, name=name, parent=parent or org_root(), huawei_id=huawei_id
    )


def account(user: Any, name: str, parent: Node | None = None, huawei_id: str = "") -> Node:
    return services.node_create(
        user=user,
        kind=NodeKind.ACCOUNT,
        name=name,
        parent=parent or org_root(),
        huawei_id=huawei_id,
    )


def guardrail(user: Any, name: str = "No delete", document: str = DELETE_DENIED) -> Any:
    return library.create_policy(owner=user, name=name, document=document)


def attach(user: Any, node: Node, policy: Any, version: Any = None) -> Any:
    return services.attachment_create(user=user, node=node, policy=policy, version=version)


@pytest.fixture
def small_org(organizer) -> dict[str, Any]:
    """The journey's organization: a root, two OUs (Prod with a guardrail denying image
    deletion, Dev), three accounts (two in Prod, one in Dev)."""
    prod = ou(organizer, "Prod", huawei_id="ou-ab12-cd34ef56")
    dev = ou(organizer, "Dev")
    guard = guardrail(organizer)
    attach(organizer, prod, guard)
    return {
        "root": org_root(),
        "prod": prod,
        "dev": dev,
        "web": account(organizer, "web", prod),
        "db": account(organizer, "db", prod),
        "lab": account(organizer, "lab", dev),
        "guard": guard,
        "user": organizer,
    }


def shape() -> list[tuple[str, str, str, str, bool, list[str]]]:
    """Every node with its parent, Huawei id, management flag and attached SCPs' names."""
    tree = Tree.load()
    rows = []
    for node, _ in tree.ordered():
        parent = tree.nodes[node.parent_id].name if node.parent_id else ""
        attached = sorted(a.policy_name for a in node.attachments.select_related("policy"))
        rows.append((node.kind, node.name, parent, node.huawei_id, node.management, attached))
    return rows


# the stand-in's organization (tests/org_import/standin.py) as the tree page orders it
EXPECTED_TREE = [
    ("root", "Root", "", "r-abcd1234", False, [FULL_ACCESS]),
    ("ou", "Dev", "Root", "ou-dev00001", False, [FULL_ACCESS, "No sharing"]),
    ("ou", "Team A", "Dev", "ou-team0001", False, [FULL_ACCESS]),
    ("account", "team-a-one", "Team A", "2a1b2c3d4e5f60718293a4b5c6d7e8f9", False,
     [FULL_ACCESS]),
    ("account", "dev-one", "Dev", "1a1b2c3d4e5f60718293a4b5c6d7e8f9", False, [FULL_ACCESS]),
    ("ou", "Prod", "Root", "ou-prod0001", False, [FULL_ACCESS]),
    ("account", "prod-one", "Prod", "3a1b2c3d4e5f60718293a4b5c6d7e8f9", False, [FULL_ACCESS]),
    ("account", "prod-two", "Prod", "4a1b2c3d4e5f60718293a4b5c6d7e8f9", False, [FULL_ACCESS]),
    ("account", "management", "Root", "0a1b2c3d4e5f60718293a4b5c6d7e8f9", True,
     [FULL_ACCESS]),
]  # fmt: skip

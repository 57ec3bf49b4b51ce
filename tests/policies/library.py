"""What the policy library's tests share: users, documents, a policy saved through the
services."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from scpstudio.policies import services


def policy_text(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "5.0", "Statement": list(statements)}, indent=2) + "\n"


def deny(action: Any, **elements: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": "*", **elements}


SHARE_DENIED = policy_text(deny(["ims:images:share"]))
GET_DENIED = policy_text(deny(["ims:images:share", "ims:images:get"]))


def make_user(name: str) -> Any:
    return get_user_model().objects.create_user(name, f"{name}@example.com", f"pw-{name}-123")


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def carol(db):
    return make_user("carol")


def saved(owner: Any, name: str = "Guardrails", document: str = SHARE_DENIED, **kw: Any):
    return services.create_policy(owner=owner, name=name, document=document, **kw)


def share_guard(*org_paths: str) -> str:
    """Issue 17's example: images may be shared only into the org paths given."""
    return policy_text(
        deny(
            ["ims:images:share"],
            Sid="ShareInsideOrg",
            Condition={"ForAnyValue:StringNotMatch": {"ims:TargetOrgPaths": list(org_paths)}},
        )
    )


PROD = "o-abc123/r-xyz/ou-prod/*"
DEV = "o-abc123/r-xyz/ou-dev/*"
SHARE_GUARD = share_guard(PROD)  # version 1
SHARE_GUARD_WITH_DEV = share_guard(PROD, DEV)  # version 2: images may now go to ou-dev
SHARE_API = "POST /v2/images/{image_id}/members"

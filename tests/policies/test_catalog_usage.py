"""Which saved policies name a catalog name: what a catalog sync asks before a removal."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from scpstudio.policies.catalog_usage import policies_naming
from scpstudio.policies.services import create_policy, save_version

pytestmark = pytest.mark.django_db


def _policy(owner, name: str, *statements: dict) -> object:
    document = json.dumps({"Version": "5.0", "Statement": list(statements)})
    return create_policy(owner=owner, name=name, document=document)


@pytest.fixture
def alice():
    return get_user_model().objects.create_user("alice", password="pw-alice-123")


def test_actions_keys_and_resource_types_named_literally_are_found(alice):
    _policy(
        alice,
        "Guard",
        {
            "Effect": "Deny",
            "NotAction": ["ECS:cloudServers:Delete"],
            "Resource": ["ecs:*:*:instance:*"],
            "Condition": {"StringEquals": {"ecs:InstanceFlavor": ["x"]}},
        },
    )

    found = policies_naming(
        ["ecs:cloudServers:delete", "ecs:InstanceFlavor", "ecs:instance", "ecs:other:thing"]
    )

    assert found == {
        "ecs:cloudservers:delete": ["Guard (alice)"],
        "ecs:instanceflavor": ["Guard (alice)"],
        "ecs:instance": ["Guard (alice)"],
    }


def test_a_wildcard_names_no_one_action(alice):
    _policy(alice, "Broad", {"Effect": "Deny", "Action": ["ecs:cloudServers:*", "ecs:*:delete"]})

    assert policies_naming(["ecs:cloudServers:delete"]) == {}


def test_only_the_latest_version_counts(alice):
    policy = _policy(alice, "Moving", {"Effect": "Deny", "Action": "ecs:cloudServers:delete"})
    newer = json.dumps({"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ims:*"}]})
    save_version(user=alice, policy=policy, document=newer, base_version=1, message="")

    assert policies_naming(["ecs:cloudServers:delete"]) == {}


def test_a_saved_text_that_is_not_json_is_passed_over(alice):
    create_policy(owner=alice, name="Draft", document='{"Version": "5.0", "Statement": [')
    _policy(alice, "Good", {"Effect": "Deny", "Action": "ecs:cloudServers:delete"})

    assert policies_naming(["ecs:cloudServers:delete"]) == {
        "ecs:cloudservers:delete": ["Good (alice)"]
    }

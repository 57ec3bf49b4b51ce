"""The effective preview's quick paths (issue 19, item 9) answer what the plain per-API
preview answers: versions compiled for evaluation alone and kept by id, the actions no
statement on the path names decided in one step, on IMS and on a generated catalog."""

from __future__ import annotations

import json
from typing import Any

import pytest

from catalog.snapshot import catalog_snapshot
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.decision import Level
from scpstudio.engine.evaluate import full_access_policy
from scpstudio.engine.policy import compile_policy
from scpstudio.engine.preview import Preview, preview_levels
from scpstudio.org.evaluation import compiled_cache_clear, effective_preview
from scpstudio.org.models import Node
from scpstudio.org.selectors import org_root, path_attached
from scpstudio.policies.models import PolicyVersion
from tests.engine.generated_catalog import generated_catalog
from tests.org.helpers import account, attach, guardrail, ou

pytestmark = pytest.mark.django_db

GENERATED = generated_catalog()


def statement(effect: str, actions: list[str], **more: Any) -> dict[str, Any]:
    return {"Effect": effect, "Action": actions, **more}


def mfa(value: str = "false") -> dict[str, Any]:
    return {"Bool": {"g:MFAPresent": value}}


GUARDS = {
    # name: statements, over both catalogs' names
    "Deny a few": [
        statement("Deny", ["ims:images:share", "svc000:res0s:list0", "svc001:res1s:*"]),
    ],
    "Deny without MFA": [
        statement("Deny", ["ims:images:*", "svc002:*"], Condition=mfa()),
        statement("Deny", ["svc000:res1s:get1"], Resource="svc000:*:*:res1:*"),
    ],
    "Allow some": [statement("Allow", ["ims:images:list", "svc000:*", "obs:object:Get*"])],
    # a NotAction with a condition: every action's outcome depends on the request
    "Region lock": [
        {"Effect": "Deny", "NotAction": ["ims:quotas:get", "svc001:*"], "Condition": mfa()},
    ],
}


def saved(user: Any, name: str) -> Any:
    return guardrail(user, name, json.dumps({"Version": "5.0", "Statement": GUARDS[name]}))


def plain(node: Node, catalog: Catalog) -> Preview:
    """Every version compiled as the editor compiles it, every API evaluated on its own."""
    path, attached = path_attached(node)
    documents = dict(PolicyVersion.objects.values_list("pk", "document"))
    levels = [
        Level(
            n.label,
            [
                full_access_policy(catalog)
                if a.version_id is None
                else compile_policy(documents[a.version_id], catalog, name=a.policy_name)
                for a in attached[n.pk]
            ],
            False,
        )
        for n in path
    ]
    return preview_levels(levels, catalog, services=catalog.services)


@pytest.fixture
def org(organizer) -> dict[str, Node]:
    """Guardrails at every level, FullAccess replaced by an allow-list on one OU, and a
    region lock below another."""
    guards = {name: saved(organizer, name) for name in GUARDS}
    root = org_root()
    attach(organizer, root, guards["Deny a few"])
    prod, dev = ou(organizer, "Prod"), ou(organizer, "Dev")
    attach(organizer, prod, guards["Deny without MFA"])
    attach(organizer, dev, guards["Allow some"])
    for attached in dev.attachments.filter(builtin="FullAccess"):
        attached.delete()
    locked = ou(organizer, "Locked", prod)
    attach(organizer, locked, guards["Region lock"])
    return {
        "web": account(organizer, "web", prod),
        "lab": account(organizer, "lab", dev),
        "vault": account(organizer, "vault", locked),
    }


@pytest.mark.parametrize("which", ["IMS", "generated"])
@pytest.mark.parametrize("name", ["web", "lab", "vault"])
def test_the_effective_preview_equals_the_plain_preview_of_its_path(org, which, name):
    catalog = catalog_snapshot() if which == "IMS" else GENERATED
    compiled_cache_clear()

    found = effective_preview(org[name], catalog).preview

    expected = plain(org[name], catalog)
    assert list(found.apis) == list(expected.apis)
    assert dict(found.actions) == dict(expected.actions)
    assert found.to_json() == expected.to_json()
    assert len({a.outcome for a in found.apis}) > 1  # the guardrails decide something

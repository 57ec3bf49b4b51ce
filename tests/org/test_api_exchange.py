"""Packing, export and import over REST (issue 19, item 8): `POST /api/v1/org/pack` with the
node's free slots, `GET /api/v1/org/export?format=terraform|json`, `POST /api/v1/org/import`
(a dry run unless apply), and who may call them."""

from __future__ import annotations

import json

import hcl2
import pytest
from rest_framework.test import APIClient

from scpstudio.org.models import Node
from scpstudio.org.selectors import org_root
from scpstudio.policies.models import Policy
from tests.org.helpers import attach, guardrail
from tests.org.test_export import build_organization, empty_organization_and_library
from tests.policies.library import deny, make_user, policy_text

pytestmark = pytest.mark.django_db
BASE = "/api/v1/org/"


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def send(client, method, path, body=None):
    data = json.dumps(body) if body is not None else None
    return getattr(client, method.lower())(BASE + path, data, content_type="application/json")


def big_guardrail(user, name: str, letter: str):
    """A guardrail of about 3,000 characters minified: two do not share one document."""
    actions = [f"ims:images:{letter}{i:03d}{'x' * 20}" for i in range(100)]
    return guardrail(user, name, policy_text(deny(actions, Sid=f"Deny{letter.upper()}")))


def test_pack_says_the_policies_do_not_fit_the_nodes_one_free_slot(small_org):
    user, prod = small_org["user"], small_org["prod"]
    first, second = big_guardrail(user, "Big A", "a"), big_guardrail(user, "Big B", "b")
    for name in ("Two", "Three"):
        attach(user, prod, guardrail(user, name))  # FullAccess, No delete, Two, Three: 1 free

    answer = send(
        client_of(user), "POST", "pack", {"node": prod.pk, "policies": [first.pk, second.pk]}
    )

    found = answer.json()
    assert answer.status_code == 200
    assert (found["attached"], found["free_slots"], found["fits"]) == (4, 1, False)
    assert len(found["documents"]) == 2
    assert all(d["size"] <= 5120 for d in found["documents"])
    assert "they need 2 slots and the node has 1 free slot" in found["verdict"]


def test_pack_with_apply_saves_the_documents_as_new_policies(small_org):
    user = small_org["user"]
    first, second = (
        guardrail(user, "Small A"),
        guardrail(user, "Small B", policy_text(deny("ims:images:share"))),
    )

    body = {"node": small_org["dev"].pk, "policies": [first.pk, second.pk], "apply": True}
    answer = send(client_of(user), "POST", "pack", {**body, "name": "Packed"})

    found = answer.json()
    assert found["fits"] is True
    assert [p["name"] for p in found["created"]] == ["Packed"]
    assert Policy.objects.get(name="Packed").owner == user


def test_pack_refuses_a_policy_changed_since_the_proposal_with_409(small_org):
    user, guard = small_org["user"], small_org["guard"]

    answer = send(
        client_of(user),
        "POST",
        "pack",
        {"node": small_org["dev"].pk, "policies": [f"{guard.pk}@7"]},
    )

    assert answer.status_code == 409
    assert answer.json()["field"] == "policies"


def test_export_answers_terraform_that_parses(small_org):
    answer = send(client_of(small_org["user"]), "GET", "export?format=terraform")

    found = answer.json()
    assert (found["format"], found["filename"]) == ("terraform", "organization.tf")
    resources = hcl2.loads(found["content"])["resource"]
    assert any('"huaweicloud_organizations_policy_attach"' in r for r in resources)


def test_export_and_import_need_the_organization_permission(small_org, reader):
    exported = send(client_of(reader), "GET", "export?format=json")
    imported = send(client_of(reader), "POST", "import", {"format": "json", "content": "{}"})
    anonymous = send(APIClient(), "GET", "export?format=json")

    assert (exported.status_code, imported.status_code, anonymous.status_code) == (403, 403, 403)
    assert "every attached policy's text" in exported.json()["error"]


def test_an_unknown_export_format_is_refused_naming_the_parameter(small_org):
    answer = send(client_of(small_org["user"]), "GET", "export?format=yaml")

    assert (answer.status_code, answer.json()["field"]) == (400, "format")


def test_import_is_a_dry_run_unless_apply_and_round_trips(organizer):
    build_organization(organizer)
    exported = send(client_of(organizer), "GET", "export?format=json").json()["content"]
    empty_organization_and_library()
    newcomer = make_user("newcomer")
    newcomer.is_staff = True
    newcomer.save()
    client = client_of(newcomer)

    dry = send(client, "POST", "import", {"format": "json", "content": exported})
    untouched = Node.objects.count()
    applied = send(
        client,
        "POST",
        "import",
        {"format": "json", "content": exported, "apply": True, "digest": dry.json()["digest"]},
    )
    again = send(client, "GET", "export?format=json")

    assert dry.status_code == 200 and dry.json()["applied"] is False
    assert "OU Prod (ou-prod0001) under the root" in dry.json()["added"]
    assert untouched == 1
    assert applied.json()["applied"] is True
    assert again.json()["content"] == exported


def test_import_of_a_file_not_in_our_format_is_a_sentence_and_writes_nothing(small_org):
    before = Node.objects.count()

    answer = send(
        client_of(small_org["user"]),
        "POST",
        "import",
        {"format": "json", "content": {"format": "other"}, "apply": True},
    )

    assert answer.status_code == 400
    assert answer.json()["error"].startswith(
        "Nothing was imported: the content sent: The file is not an organization"
    )
    assert Node.objects.count() == before


def test_import_refuses_an_apply_when_the_organization_moved_since_the_dry_run(organizer):
    build_organization(organizer)
    client = client_of(organizer)
    exported = send(client, "GET", "export?format=json").json()["content"]
    renamed = exported.replace('"name": "web"', '"name": "web-1"')
    dry = send(client, "POST", "import", {"format": "json", "content": renamed}).json()
    send(client, "PATCH", f"nodes/{org_root().pk}/", {"name": "Elsewhere"})

    answer = send(
        client,
        "POST",
        "import",
        {"format": "json", "content": renamed, "apply": True, "digest": dry["digest"]},
    )

    assert answer.status_code == 409
    assert Node.objects.filter(name="web").exists()

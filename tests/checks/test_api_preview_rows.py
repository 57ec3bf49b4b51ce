"""The REST preview writes each row once while the engine keeps it (`_row_json`): an answer
must still be the engine's JSON for the policy asked, edit after edit."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from catalog.snapshot import catalog_snapshot
from scpstudio.checks.rendering import PreviewJsonRenderer
from scpstudio.checks.serializers import PreviewSerializer
from scpstudio.engine.preview import preview_policy
from scpstudio.rest.bodies import AsciiJsonRenderer

pytestmark = pytest.mark.django_db


def _deny(*actions: str, sid: str = "Guard") -> str:
    statement = {"Sid": sid, "Effect": "Deny", "Action": list(actions), "Resource": "*"}
    return json.dumps({"Version": "5.0", "Statement": [statement]})


def _preview(client, document: str) -> dict:
    body = json.dumps({"document": document})
    response = client.post(reverse("checks-api:preview"), body, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(
    "edited",
    [
        _deny("ims:images:share", "ims:images:get"),  # one more action: some rows change
        _deny("ims:images:share", sid="Renamed"),  # every decided row names the new Sid
        _deny("ims:images:list"),
    ],
)
def test_a_preview_after_another_is_the_engines_answer_for_the_policy_asked(client, edited):
    first = _deny("ims:images:share")
    _preview(client, first)

    answer = _preview(client, edited)

    assert answer == preview_policy(edited, catalog_snapshot()).to_json()
    assert answer != _preview(client, first)


def test_the_same_policy_previewed_again_answers_the_same(client):
    policy = _deny("ims:images:share", "ims:images:export")

    first, again = _preview(client, policy), _preview(client, policy)

    assert first == again == preview_policy(policy, catalog_snapshot()).to_json()
    assert first["summary"]["denied"] > 0


@pytest.mark.parametrize("sid", ["Guard", "Gärd\u2028line", "\u6d4b\u8bd5"])
def test_the_preview_is_encoded_as_the_api_encodes_every_answer(sid):
    preview = preview_policy(_deny("ims:images:share", sid=sid), catalog_snapshot())
    data = PreviewSerializer(preview).data

    first, again = PreviewJsonRenderer().render(data), PreviewJsonRenderer().render(data)

    assert first == again == AsciiJsonRenderer().render(data)
    sids = {row["decided_by"]["sid"] for row in json.loads(first)["apis"] if row["decided_by"]}
    assert sid in sids


def test_the_preview_of_a_policy_that_is_no_json_encodes_its_problem():
    data = PreviewSerializer(preview_policy("{", catalog_snapshot())).data

    encoded = PreviewJsonRenderer().render(data)

    assert encoded == AsciiJsonRenderer().render(data)
    assert json.loads(encoded)["apis"] == [] and json.loads(encoded)["problem"]


def test_a_preview_in_parts_is_encoded_as_the_engines_json_edit_after_edit():
    """A policy naming several services is previewed in parts, one per service, and each
    part's text is kept (`rendering._PARTS`): after an edit of one service, the answer is
    still the engine's JSON for the policy asked, the kept parts joined in order."""
    from tests.engine.generated_catalog import generated_catalog

    catalog = generated_catalog()

    def policy(action: str) -> str:
        actions = [action, "svc001:res2s:*", "svc002:res1s:delete4"]
        return json.dumps({"Statement": [{"Effect": "Deny", "Action": actions}]})

    answers = []
    for action in ("svc000:res1s:get1", "svc000:res0s:list0", "svc000:res1s:get1"):
        preview = preview_policy(policy(action), catalog)
        assert len(preview.parts) >= 3
        data = PreviewSerializer(preview).data
        encoded = PreviewJsonRenderer().render(data)
        assert encoded == AsciiJsonRenderer().render(data)
        assert json.loads(encoded)["apis"] == preview.to_json()["apis"]
        answers.append(encoded)
    assert answers[0] != answers[1] and answers[0] == answers[2]

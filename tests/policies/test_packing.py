"""Packing saved policies (issue 19, item 5), the library's face: the latest versions of
policies the person may see, the proposal on `/policies/pack/`, and saving it as new
policies, all or none; a policy changed after the proposal was shown is refused."""

from __future__ import annotations

import json

import pytest
from django.http import Http404
from django.urls import reverse

from scpstudio.engine.packing import PackSource, pack
from scpstudio.policies import services
from scpstudio.policies.models import Policy
from scpstudio.policies.packing import PackConflict, apply_pack, pack_names, pack_policies
from scpstudio.policies.rules import PolicyInputError
from tests.policies.library import deny, policy_text, saved

pytestmark = pytest.mark.django_db
URL = reverse("policies:pack")


def _big(prefix: str, count: int = 8) -> str:
    """A guardrail of `count` statements of about 370 characters, none mergeable: two of
    eight fit one document each, not one together."""
    return policy_text(
        *[deny(["ims:images:get"], Resource=[f"ims:*:*:image:{prefix}{i}-" + "x" * 300])
          for i in range(count)]
    )  # fmt: skip


def test_two_policies_that_no_longer_fit_one_slot_are_packed_from_their_latest_versions(alice):
    a = saved(alice, "Guard A", _big("a"))
    b = saved(alice, "Guard B", _big("b"))
    services.save_version(user=alice, policy=a, document=_big("a", 10), base_version=1)

    proposal = pack_policies(user=alice, sources=[a.pk, str(b.pk)], free_slots="4")

    assert [(s.policy.name, s.version) for s in proposal.sources] == [
        ("Guard A", 2),
        ("Guard B", 1),
    ]
    assert proposal.tokens == [f"{a.pk}@2", f"{b.pk}@1"]
    expected = pack([PackSource("Guard A", _big("a", 10)), PackSource("Guard B", _big("b"))],
                    free_slots=4)  # fmt: skip
    assert proposal.result.to_json() == expected.to_json()
    assert len(proposal.result.documents) == 2 and proposal.result.fits


def test_another_persons_private_policy_is_not_found(alice, bob):
    private = saved(bob, "Bobs")

    with pytest.raises(Http404):
        pack_policies(user=alice, sources=[private.pk], free_slots=4)


def test_an_identity_policy_is_not_packed(alice):
    identity = saved(alice, "Identity", profile="identity")

    with pytest.raises(PolicyInputError) as raised:
        pack_policies(user=alice, sources=[identity.pk], free_slots=4)

    assert raised.value.message == (
        "Identity is not a service control policy (its profile is identity); only SCPs are packed."
    )


def test_a_policy_changed_since_the_proposal_was_shown_is_refused(alice):
    a = saved(alice, "Guard A", _big("a"))
    services.save_version(user=alice, policy=a, document=_big("a", 3), base_version=1)

    with pytest.raises(PackConflict) as raised:
        pack_policies(user=alice, sources=[f"{a.pk}@1"], free_slots=4)

    assert raised.value.message == (
        "Guard A changed since the proposal was shown (version 1, now 2): look at the new "
        "proposal before saving it."
    )


def test_applying_saves_one_policy_per_document_named_in_order(alice):
    a, b = saved(alice, "Guard A", _big("a")), saved(alice, "Guard B", _big("b"))
    proposal = pack_policies(user=alice, sources=[a.pk, b.pk], free_slots=4)

    created = apply_pack(user=alice, proposal=proposal, name="Node guardrails")

    assert [p.name for p in created] == ["Node guardrails 1 of 2", "Node guardrails 2 of 2"]
    for policy, document in zip(created, proposal.result.documents, strict=True):
        version = policy.versions.get(number=1)
        assert version.document == document.text
        assert version.minified_size <= 5120
        assert policy.description == (
            f"Packed from Guard A (version 1), Guard B (version 1): document "
            f"{created.index(policy) + 1} of 2."
        )


def test_applying_saves_nothing_when_one_name_is_taken(alice):
    a, b = saved(alice, "Guard A", _big("a")), saved(alice, "Guard B", _big("b"))
    saved(alice, "Node guardrails 2 of 2")
    proposal = pack_policies(user=alice, sources=[a.pk, b.pk], free_slots=4)
    before = Policy.objects.count()

    with pytest.raises(PolicyInputError):
        apply_pack(user=alice, proposal=proposal, name="Node guardrails")

    assert Policy.objects.count() == before


def test_names_of_several_documents_fit_the_name_limit():
    names = pack_names("x" * 64, 3)

    assert names == ["x" * 57 + " 1 of 3", "x" * 57 + " 2 of 3", "x" * 57 + " 3 of 3"]


# -- the page ----------------------------------------------------------------------------------


def test_the_page_lists_the_scps_one_may_pack(client, alice, bob):
    saved(alice, "Mine")
    saved(alice, "An identity policy", profile="identity")
    saved(bob, "Bobs private")
    client.force_login(alice)

    page = client.get(URL).content.decode()

    assert "Mine" in page
    assert "An identity policy" not in page and "Bobs private" not in page


def test_the_page_shows_the_proposal_and_saving_it_creates_the_policies(client, alice):
    a, b = saved(alice, "Guard A", _big("a")), saved(alice, "Guard B", _big("b"))
    client.force_login(alice)

    shown = client.get(URL, {"policy": [a.pk, b.pk], "free_slots": "1"})
    applied = client.post(
        URL, {"policy": [f"{a.pk}@1", f"{b.pk}@1"], "free_slots": "1", "name": "On Dev"}
    )

    page = shown.content.decode()
    assert shown.status_code == 200
    assert "they need 2 slots and the node has 1 free slot" in page
    assert f'name="policy" value="{a.pk}@1"' in page
    assert applied.status_code == 302
    assert applied["Location"] == reverse("policies:list") + "?q=On+Dev"
    texts = [
        p.versions.get().document
        for p in Policy.objects.filter(name__startswith="On Dev").order_by("name")
    ]
    assert [json.loads(t)["Version"] for t in texts] == ["5.0", "5.0"]


def test_saving_a_proposal_whose_policy_changed_answers_409_and_saves_nothing(client, alice):
    a = saved(alice, "Guard A", _big("a"))
    services.save_version(user=alice, policy=a, document=_big("a", 2), base_version=1)
    client.force_login(alice)

    answer = client.post(URL, {"policy": [f"{a.pk}@1"], "free_slots": "4", "name": "New"})

    assert answer.status_code == 409
    assert "Guard A changed since the proposal was shown" in answer.content.decode()
    assert not Policy.objects.filter(name="New").exists()


@pytest.mark.parametrize(
    ("query", "sentence"),
    [
        ({"policy": "abc", "free_slots": "4"}, "&#x27;abc&#x27; is not a policy id"),
        ({"policy": "1", "free_slots": "many"}, "The free slots must be a whole number."),
        ({"policy": "1", "free_slots": "-3"}, "The free slots must be between 0 and 100."),
    ],
)
def test_bad_input_is_a_sentence_on_the_page(client, alice, query, sentence):
    saved(alice, "Guard A")  # id 1 in a fresh database or not: the sentence comes first
    query = {**query, "policy": query["policy"] if query["policy"] != "1" else
             str(Policy.objects.get().pk)}  # fmt: skip
    client.force_login(alice)

    answer = client.get(URL, query)

    assert answer.status_code == 400
    assert sentence in answer.content.decode()


def test_anonymous_people_are_sent_to_log_in(client):
    answer = client.get(URL)

    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]

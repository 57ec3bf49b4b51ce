"""Our JSON format for an organization (issue 19, item 7): versioned, every field written,
read back to the same description and written again to the same text; whatever is not as
documented is a sentence."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scpstudio.org_export import (
    ExportAttachment,
    ExportError,
    ExportNode,
    ExportPolicy,
    OrgDescription,
    org_json,
    read_org_json,
)
from tests.org_export.small_org import GUARD_V3, small_organization


def test_the_small_organization_is_written_with_every_field_in_order():
    value = json.loads(org_json(small_organization()))

    assert list(value) == ["format", "version", "nodes", "policies", "attachments"]
    assert (value["format"], value["version"]) == ("scpstudio-organization", 1)
    assert value["nodes"][3] == {
        "id": "4",
        "type": "account",
        "name": "management",
        "parent": "1",
        "huawei_id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "management": True,
    }
    assert value["policies"][1] == {
        "id": "7@3",
        "policy": "7",
        "name": "No sharing",
        "description": "Images stay in the organization",
        "builtin": False,
        "huawei_id": "",
        "version": 3,
        "text": GUARD_V3,
    }
    assert value["attachments"][-1] == {"node": "5", "policy": "7@2", "pinned": True}


def test_reading_the_export_gives_the_same_organization_and_the_same_text():
    text = org_json(small_organization())

    again = read_org_json(text)

    assert again == small_organization()
    assert org_json(again) == text


names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1)


@st.composite
def organizations(draw) -> OrgDescription:
    """A root, OUs and accounts under drawn parents, policies of any text, attachments."""
    nodes = [ExportNode("n0", "root", draw(names), None, draw(st.sampled_from(["", "r-ab12"])))]
    for i in range(1, draw(st.integers(1, 12))):
        parents = [n.id for n in nodes if n.type != "account"]
        nodes.append(
            ExportNode(
                f"n{i}", draw(st.sampled_from(["ou", "account"])), draw(names),
                draw(st.sampled_from(parents)), draw(st.sampled_from(["", f"ou-{i:08d}"])),
                draw(st.booleans()),
            )
        )  # fmt: skip
    policies = [
        ExportPolicy(
            f"p{i}", draw(names), draw(names), draw(st.text()), draw(st.booleans()),
            draw(st.sampled_from(["", f"p-{i:08d}"])), draw(st.none() | st.integers(1, 99)),
        )
        for i in range(draw(st.integers(0, 4)))
    ]  # fmt: skip
    pairs = [(n.id, p.id) for n in nodes for p in policies]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    attachments = tuple(ExportAttachment(n, p, draw(st.booleans())) for n, p in chosen)
    return OrgDescription(tuple(nodes), tuple(policies), attachments)


@settings(max_examples=100, deadline=None)
@given(organizations())
def test_any_organization_round_trips_identically(description):
    text = org_json(description)

    again = read_org_json(text)

    assert again == description
    assert org_json(again) == text


def _node0(v, **changes):
    return {**v, "nodes": [{**v["nodes"][0], **changes}, *v["nodes"][1:]]}


def _policy0(v, **changes):
    return {**v, "policies": [{**v["policies"][0], **changes}]}


BROKEN = {
    "not JSON": (
        lambda v: "[1, 2",
        "The file is not valid JSON (Expecting ',' delimiter at line 1, column 6).",
    ),
    "format": (
        lambda v: {**v, "format": "other"},
        'The file is not an organization of SCP Studio ("format": "scpstudio-organization").',
    ),
    "version": (
        lambda v: {**v, "version": 2},
        "The file is of version 2 of the format; this installation reads version 1.",
    ),
    "nodes": (lambda v: {**v, "nodes": {}}, '"nodes" must be a list.'),
    "node": (lambda v: {**v, "nodes": [*v["nodes"], 5]}, "nodes[6] must be an object."),
    "name": (lambda v: _node0(v, name=""), 'nodes[0]: "name" must be a non-empty string.'),
    "management": (
        lambda v: _node0(v, management="no"),
        'nodes[0]: "management" must be true or false.',
    ),
    "version number": (
        lambda v: _policy0(v, version=1.5),
        'policies[0]: "version" must be a whole number or null.',
    ),
    "text": (lambda v: _policy0(v, text=None), 'policies[0]: "text" must be a non-empty string.'),
    "pinned": (
        lambda v: {**v, "attachments": [{"node": "1", "policy": "full", "pinned": None}]},
        'attachments[0]: "pinned" must be true or false.',
    ),
    "versions of one policy": (
        lambda v: {**v, "policies": [{**p, "version": 3} for p in v["policies"]]},
        "The texts of the policy '7' need distinct version numbers ('7@2' has 3).",
    ),
    "attachment": (
        lambda v: {**v, "attachments": [{"node": "1", "policy": "nowhere", "pinned": False}]},
        "An attachment names the policy 'nowhere', which is not listed.",
    ),
}


@pytest.mark.parametrize(("change", "sentence"), BROKEN.values(), ids=BROKEN.keys())
def test_a_file_not_in_the_format_is_a_sentence_naming_where(change, sentence):
    value = json.loads(org_json(small_organization()))
    changed = change(value)
    text = changed if isinstance(changed, str) else json.dumps(changed)

    with pytest.raises(ExportError) as raised:
        read_org_json(text)

    assert str(raised.value) == sentence

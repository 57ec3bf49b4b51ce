"""An exact diff's witnesses in words."""

from __future__ import annotations

import pytest

from scpstudio.engine.diff import diff_policies
from scpstudio.engine.diff_words import action_in_words, change_in_words, gerund
from tests.engine.helpers import deny, policy


@pytest.mark.parametrize(
    "verb, written",
    [
        ("share", "sharing"),
        ("get", "getting"),
        ("set", "setting"),
        ("view", "viewing"),
        ("copy", "copying"),
        ("list", "listing"),
        ("add", "adding"),
        ("query", "querying"),
        ("replicate", "replicating"),
        ("see", "seeing"),
    ],
)
def test_gerund(verb, written):
    assert gerund(verb) == written


def test_an_action_is_said_with_the_catalogs_description(ims):
    assert action_in_words("ims:images:share", ims) == "sharing images"
    assert action_in_words("obs:object:GetObject", ims) == "obs:object:GetObject"


def test_a_witness_names_the_api_the_request_and_both_outcomes(ims):
    before = policy(deny("ims:images:get", Resource="ims:cn-north-4:*:image:*"))
    after = policy(deny("ims:images:get", Resource="ims:cn-north-4:*:image:keep-*"))

    diff = diff_policies(before, after, ims, budget_ms=60_000)
    [change] = [c for c in diff.of_kind("api") if c.path == "/v2/images/{image_id}"]

    [words] = change_in_words(change, ims)
    image = change.witness.context.resource_ids["image"]
    assert words == (
        "newly allowed: viewing details about a specified image (GET /v2/images/{image_id}) "
        f"on image {image}, in region cn-north-4 (denied before, allowed now)"
    )


def test_an_absent_key_and_several_values_are_said_plainly(ims):
    before = policy(
        deny("ims:images:create", Condition={"ForAllValues:StringEquals": {"g:TagKeys": ["a"]}})
    )
    after = policy(
        deny("ims:images:create", Condition={"ForAnyValue:StringEquals": {"g:TagKeys": ["a"]}})
    )

    diff = diff_policies(before, after, ims, budget_ms=60_000)
    [change] = [c for c in diff.of_kind("api") if c.path == "/v2/images"]

    lines = change_in_words(change, ims)
    assert any("when g:TagKeys is absent" in line for line in lines)
    assert any("when g:TagKeys holds" in line and " and " in line for line in lines)


def test_an_undecided_entry_says_why(ims):
    before = policy(deny("ims:images:get", Condition={"StringEquals": {"g:SourceVpc": "a"}}))
    after = policy(deny("ims:images:get", Condition={"StringEquals": {"g:SourceVpc": "b"}}))

    diff = diff_policies(before, after, ims, budget_ms=0)
    [change] = [c for c in diff.of_kind("api") if c.path == "/v2/images/{image_id}"]

    assert change_in_words(change, ims) == [
        "viewing details about a specified image (GET /v2/images/{image_id}): "
        "not decided: the diff's 0 ms were spent"
    ]

"""Comparing versions: the text line by line and the APIs whose outcome changes."""

from __future__ import annotations

import pytest

from scpstudio.policies import services
from scpstudio.policies.compare import compare, text_diff
from scpstudio.policies.rules import PolicyInputError
from tests.policies.library import GET_DENIED, SHARE_DENIED, deny, policy_text, saved

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(alice):
    policy = saved(alice)
    services.save_version(user=alice, policy=policy, document=GET_DENIED, base_version=1)
    return policy


def _apis(comparison) -> dict[str, dict]:
    return {f"{c['method']} {c['path']}": c for c in comparison.to_json()["apis"]}


def test_denying_get_also_denies_sharing_through_its_dependency_and_names_the_statement(
    two_versions,
):
    apis = _apis(compare(two_versions, 1, 2))

    get = apis["GET /v2/images/{image_id}"]
    assert (get["before"], get["after"]) == ("allowed", "denied")
    assert get["decided_by"]["action"] == "ims:images:get"
    assert get["decided_by"]["statement"] == 0
    assert get["decided_by"]["side"] == "after"
    # upload needs ims:images:get as a dependency
    upload = apis["PUT /v2/images/{image_id}/file"]
    assert (upload["before"], upload["after"]) == ("allowed", "denied")
    assert upload["decided_by"]["action"] == "ims:images:get"


def test_only_apis_whose_outcome_changes_are_listed(two_versions):
    apis = _apis(compare(two_versions, 1, 2))

    assert "POST /v2/images/{image_id}/members" not in apis  # denied in both
    assert "GET /v1/cloudimages/quota" not in apis
    assert all(c["before"] != c["after"] for c in apis.values())


def test_removing_a_deny_is_explained_by_the_statement_removed(two_versions):
    apis = _apis(compare(two_versions, 2, 1))

    get = apis["GET /v2/images/{image_id}"]
    assert (get["before"], get["after"]) == ("denied", "allowed")
    assert get["decided_by"]["side"] == "before"
    assert get["decided_by"]["action"] == "ims:images:get"


def test_to_defaults_to_the_latest_version(two_versions):
    comparison = compare(two_versions, 1)

    assert (comparison.from_number, comparison.to_number) == (1, 2)


def test_a_draft_is_compared_with_a_version(two_versions):
    draft = policy_text(deny("ims:images:deleteImage"))

    comparison = compare(two_versions, 2, draft_text=draft)
    apis = _apis(comparison)

    assert comparison.to_json()["to"] == "draft"
    assert apis["DELETE /v2/images/{image_id}"]["after"] == "denied"
    assert apis["GET /v2/images/{image_id}"]["after"] == "allowed"
    assert "+++ draft" in comparison.text_diff


def test_a_context_sharpens_a_conditional_change(alice):
    before = policy_text(deny("ims:quotas:get"))
    after = policy_text(
        deny("ims:images:copyInRegion", Condition={"Bool": {"ims:Encrypted": ["false"]}})
    )
    policy = saved(alice, document=before)
    services.save_version(user=alice, policy=policy, document=after, base_version=1)

    unknown = _apis(compare(policy, 1, 2))
    known = _apis(compare(policy, 1, 2, context={"keys": {"ims:Encrypted": ["false"]}}))

    assert unknown["POST /v1/cloudimages/{image_id}/copy"]["after"] == "conditional"
    assert known["POST /v1/cloudimages/{image_id}/copy"]["after"] == "denied"


def test_the_text_diff_has_side_by_side_rows_and_a_unified_diff(two_versions):
    comparison = compare(two_versions, 1, 2)
    rows = comparison.to_json()["rows"]

    changed = [r for r in rows if r["kind"] != "same"]
    assert changed, rows
    assert any('"ims:images:get"' in (r["after"] or "") for r in changed)
    assert comparison.text_diff.startswith("--- version 1\n+++ version 2\n")
    assert '\n+        "ims:images:get"\n' in comparison.text_diff


def test_text_rows_pair_changed_lines_and_number_both_sides():
    rows, unified = text_diff("a\nb\nc\n", "a\nB\nc\nd", "one", "two")

    assert [(r.kind, r.before_line, r.after_line) for r in rows] == [
        ("same", 1, 1),
        ("changed", 2, 2),
        ("same", 3, 3),
        ("added", None, 4),
    ]
    assert "\\ No newline at end of file" in unified


def test_a_line_separator_inside_a_string_does_not_split_a_line():
    rows, _ = text_diff('{"Sid": "a\u2028b"}\n', '{"Sid": "a\u2028b"}\n', "one", "two")

    assert len(rows) == 1


def test_a_side_that_is_not_json_gives_the_text_diff_and_a_problem(alice):
    policy = saved(alice)
    services.save_version(user=alice, policy=policy, document='{"Version": ', base_version=1)

    comparison = compare(policy, 1, 2)

    assert comparison.apis == ()
    assert comparison.problem.startswith("Version 2 is not valid JSON")
    assert comparison.text_changed


def test_a_side_past_a_limit_gives_a_problem_not_an_error(alice):
    many = policy_text(*[deny("ims:images:get", Sid=f"s{i}") for i in range(51)])
    policy = saved(alice, document=many)

    comparison = compare(policy, 1, draft_text=SHARE_DENIED)

    assert "past a limit" in comparison.problem


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"from_n": 9}, "from"),
        ({"from_n": "x"}, "from"),
        ({"from_n": 1, "to_n": 0}, "to"),
        ({"from_n": 1, "draft_text": 5}, "draft"),
        ({"from_n": 1, "context": {"keys": "no"}}, "context"),
    ],
)
def test_what_cannot_be_compared_is_a_sentence_naming_the_field(two_versions, kwargs, field):
    with pytest.raises(PolicyInputError) as caught:
        compare(two_versions, **kwargs)

    assert caught.value.field == field
    assert caught.value.message.endswith(".")

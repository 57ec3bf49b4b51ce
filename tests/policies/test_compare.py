"""Comparing versions: the text line by line and the APIs whose outcome changes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scpstudio.policies import services
from scpstudio.policies.compare import compare, text_diff
from scpstudio.policies.library_serializers import DiffSerializer
from scpstudio.policies.rules import PolicyInputError
from tests.policies.library import GET_DENIED, SHARE_DENIED, deny, policy_text, saved

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(alice):
    policy = saved(alice)
    services.save_version(user=alice, policy=policy, document=GET_DENIED, base_version=1)
    return policy


def _answer(comparison) -> dict:
    """The comparison as the API answers it."""
    return DiffSerializer(comparison).data


def _apis(comparison) -> dict[str, dict]:
    return {f"{c['method']} {c['path']}": c for c in _answer(comparison)["apis"]}


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

    assert _answer(comparison)["to"] == "draft"
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
    rows = _answer(comparison)["rows"]

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
    assert comparison.problem.startswith("Version 2 cannot be read. The policy is not valid JSON")
    assert comparison.text_changed


def test_a_side_past_a_limit_gives_a_problem_not_an_error(alice):
    many = policy_text(*[deny("ims:images:get", Sid=f"s{i}") for i in range(199)])
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


def _apply(unified: str, before: str) -> str:
    """The unified diff applied to `before` (what `patch` would do)."""
    old = re.findall(r"[^\n]*\n|[^\n]+", before)
    lines = unified.split("\n")[2:]
    out: list[str] = []
    at = 0
    k = 0
    while k < len(lines) and lines[k]:
        start = int(re.match(r"@@ -(\d+)", lines[k])[1])
        length = re.match(r"@@ -\d+(?:,(\d+))?", lines[k])[1]
        begin = start - 1 if length != "0" else start
        out.extend(old[at:begin])
        at = begin
        k += 1
        while k < len(lines) and lines[k] and not lines[k].startswith("@@"):
            tag, text = lines[k][0], lines[k][1:] + "\n"
            if k + 1 < len(lines) and lines[k + 1] == "\\ No newline at end of file":
                text = text[:-1]
                k += 1
            if tag in " -":
                at += 1
            if tag in " +":
                out.append(text)
            k += 1
    out.extend(old[at:])
    return "".join(out)


texts = st.lists(st.sampled_from(["a", "b", "c", "{", "}", ""]), max_size=30).map("\n".join)


@given(before=texts, after=texts)
def test_rows_hold_both_texts_and_the_unified_diff_turns_one_into_the_other(before, after):
    rows, unified = text_diff(before, after, "one", "two")

    assert "".join(r.before + "\n" for r in rows if r.before is not None) == _lines(before)
    assert "".join(r.after + "\n" for r in rows if r.after is not None) == _lines(after)
    assert _apply(unified, before) == after
    assert (unified == "") == (before == after)


def _lines(text: str) -> str:
    return "".join(line if line.endswith("\n") else line + "\n" for line in _split(text))


def _split(text: str) -> list[str]:
    return re.findall(r"[^\n]*\n|[^\n]+", text)


def test_hostile_text_is_diffed_in_bounded_time(deadline):
    # alternating lines defeat difflib's matching: 30,000 of them took half a minute
    before = "\n".join(str(i) if i % 2 else "a" for i in range(30_000))
    after = "\n".join(str(i) if i % 3 else "a" for i in range(30_000))

    with deadline():
        rows, unified = text_diff(before, after, "one", "two")

    assert "".join(r.after + "\n" for r in rows if r.after is not None) == after + "\n"
    assert _apply(unified, before) == after


@pytest.mark.parametrize(
    "before, after",
    [("", "a\n"), ("a\n", ""), ("a\nb\nc\n", "a\nB\nc\n"), ("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n8\n")],
)
def test_the_unified_diff_reads_as_difflib_writes_it(before, after):
    import difflib

    expected = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), "one", "two"
        )
    )

    assert text_diff(before, after, "one", "two")[1] == expected

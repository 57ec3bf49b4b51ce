"""Hostile input: each reported input first, then every limit, refused before any work."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scpstudio.engine import limits
from scpstudio.engine.analysis import analyze_policy
from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.findings import Code
from scpstudio.engine.preview import PreviewContext, preview_policy
from scpstudio.engine.validate import validate_policy
from tests.engine.helpers import deny, policy

SHARE = "POST /v2/images/{image_id}/members"


def _row(preview, label: str):
    return next(r for r in preview.apis if r.label == label)


# -- the inputs as reported --------------------------------------------------------------------


def test_a_40000_character_user_agent_is_refused_naming_the_limit(ims):
    document = policy(
        deny("ims:images:*", Condition={"StringMatch": {"g:UserAgent": "*" + "a" * 400 + "b"}})
    )

    with pytest.raises(EngineInputError) as refused:
        preview_policy(document, ims, "scp", {"keys": {"g:UserAgent": ["a" * 40_000]}})

    assert str(refused.value) == (
        "The context gives g:UserAgent a value of 40,000 characters; at most 1,024 are read "
        "in one value."
    )


def test_the_long_pattern_against_a_value_at_the_limit_is_decided(ims):
    pattern = "*" + "a" * 400 + "b"
    document = policy(deny("ims:images:*", Condition={"StringMatch": {"g:UserAgent": pattern}}))

    missed = preview_policy(document, ims, "scp", {"keys": {"g:UserAgent": ["a" * 1_024]}})
    matched = preview_policy(document, ims, "scp", {"keys": {"g:UserAgent": ["a" * 1_023 + "b"]}})

    assert _row(missed, SHARE).outcome.value == "allowed"
    assert _row(matched, SHARE).outcome.value == "denied"


def test_a_thousand_ips_are_refused_and_two_hundred_cidrs_are_decided(ims):
    cidrs = [f"172.16.{i}.0/24" for i in range(200)]
    document = policy(deny("ims:images:*", Condition={"IpAddress": {"g:SourceIp": cidrs}}))
    thousand = [f"10.0.{i // 256}.{i % 256}" for i in range(1_000)]

    with pytest.raises(EngineInputError, match="1,000 values for g:SourceIp; at most 100"):
        preview_policy(document, ims, "scp", {"keys": {"g:SourceIp": thousand}})
    inside = preview_policy(document, ims, "scp", {"keys": {"g:SourceIp": ["172.16.199.7"]}})
    outside = preview_policy(document, ims, "scp", {"keys": {"g:SourceIp": ["172.16.200.7"]}})

    assert _row(inside, SHARE).outcome.value == "denied"
    assert _row(outside, SHARE).outcome.value == "allowed"


def test_eight_thousand_policy_values_are_refused_with_the_size_finding(ims):
    values = [f"v{i}" for i in range(8_000)]
    document = policy(deny("ims:images:*", Condition={"StringEquals": {"g:CalledVia": values}}))

    result = validate_policy(json.dumps(document), ims)

    found = {f.code: f for f in result.findings}
    assert sorted((f.code, f.path) for f in result.findings) == [
        (Code.POLICY_LIMIT_EXCEEDED, ""),
        (Code.POLICY_SIZE_EXCEEDS_QUOTA, ""),
    ]
    assert found[Code.POLICY_LIMIT_EXCEEDED].message == (
        "The policy holds more than 3,072 values (strings, numbers, lists and objects), more "
        "than a policy of 6,144 characters, the largest quota, can hold; at most that many "
        "are read."
    )
    assert found[Code.POLICY_LIMIT_EXCEEDED].span is not None
    with pytest.raises(EngineInputError, match="at most that many are read"):
        preview_policy(document, ims)


def test_a_40000_character_image_id_is_refused(ims):
    document = policy(deny("ims:images:*", Resource=["ims:*:*:image:*" + "a" * 400 + "b"]))

    with pytest.raises(EngineInputError, match="the image id 40,000 characters; at most 1,024"):
        preview_policy(document, ims, "scp", {"resource_ids": {"image": "a" * 40_000}})


# -- every limit -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("context", "sentence"),
    [
        (
            {"keys": {f"g:PrincipalTag/k{i}": ["x"] for i in range(51)}},
            "The context gives 51 condition keys; at most 50 are read.",
        ),
        (
            {"keys": {"g:CalledVia": ["x"] * 101}},
            "The context gives 101 values for g:CalledVia; at most 100 are read for one key.",
        ),
        (
            {"keys": {"g:UserAgent": ["x" * 1_025]}},
            "The context gives g:UserAgent a value of 1,025 characters; at most 1,024 are read "
            "in one value.",
        ),
        (
            {"keys": {"g:" + "k" * 1_100: ["x"]}},
            "The context names a key of 1,102 characters; at most 1,024 are read.",
        ),
        (
            {"region": "r" * 1_025},
            "The context gives the region 1,025 characters; at most 1,024 are read.",
        ),
        (
            {"account_id": "1" * 2_000},
            "The context gives the account id 2,000 characters; at most 1,024 are read.",
        ),
        (
            {"resource_ids": {f"t{i}": "x" for i in range(51)}},
            "The context gives 51 resource ids; at most 50 are read.",
        ),
    ],
    ids=["keys", "values", "value", "key", "region", "account", "ids"],
)
def test_a_context_past_a_limit_is_refused_with_its_sentence(ims, context, sentence):
    with pytest.raises(EngineInputError) as refused:
        PreviewContext.from_json(context)

    assert str(refused.value) == sentence


def test_a_context_at_every_limit_is_read(ims):
    context = {
        "region": "r" * 1_024,
        "keys": {f"g:PrincipalTag/k{i}": ["x" * 1_024] * 100 for i in range(50)},
        "resource_ids": {"image": "i" * 1_024},
    }

    preview = preview_policy(policy(deny("ims:images:share")), ims, "scp", context)

    assert _row(preview, SHARE).outcome.value == "denied"


def _values(document: Any) -> int:
    """How many JSON values the document holds, itself included."""
    if isinstance(document, dict):
        return 1 + sum(_values(v) for v in document.values())
    if isinstance(document, list):
        return 1 + sum(_values(v) for v in document)
    return 1


def _filled(make: Any, quota: int) -> str:
    """`make(n)` minified, with the largest `n` that keeps it within `quota` characters."""
    n = 1
    while len(json.dumps(make(n * 2), separators=(",", ":"))) <= quota:
        n *= 2
    step = n // 2
    while step:
        if len(json.dumps(make(n + step), separators=(",", ":"))) <= quota:
            n += step
        step //= 2
    return json.dumps(make(n), separators=(",", ":"))


@pytest.mark.parametrize(
    ("document", "path", "words"),
    [
        (policy(*[deny()] * 199), "/Statement", "199 statements; at most 198 are read"),
        (
            policy(deny([f"ims:images:x{i}" for i in range(3_100)])),
            "",
            "more than 3,072 values",
        ),
        (
            policy(
                deny(Condition={"StringEquals": {f"g:PrincipalTag/k{i}": 0 for i in range(3_100)}})
            ),
            "",
            "more than 3,072 values",
        ),
        (policy(deny("ims:images:" + "g" * 6_200)), "/Statement/0/Action", "6,211 characters"),
        (
            policy(*[deny("ims:images:share", Sid="s" * 200 + str(i)) for i in range(120)]),
            "",
            "characters minified; at most 24,576 are read",
        ),
        (
            policy(*[deny([f"ims:images:g{i}{j}*" for j in range(3)]) for i in range(34)]),
            "/Statement/33/Action",
            "more than 100 action patterns with a wildcard",
        ),
    ],
    ids=["statements", "list", "object", "string", "minified", "wildcards"],
)
def test_a_policy_past_a_limit_gets_a_sentence_and_its_size_finding_and_no_preview(
    ims, document, path, words
):
    text = json.dumps(document)

    analysis = analyze_policy(text, ims, "identity")

    refused = [f for f in analysis.findings if f.code is Code.POLICY_LIMIT_EXCEEDED]
    others = {f.code for f in analysis.findings} - {Code.POLICY_LIMIT_EXCEEDED}
    assert [f.path for f in refused] == [path]
    assert words in refused[0].message
    minified = analysis.validation.size.minified_characters
    assert minified is not None
    if minified > 6_144:
        assert others == {Code.POLICY_SIZE_EXCEEDS_QUOTA}
    else:
        assert others <= {Code.POLICY_SIZE_NEEDS_MINIFYING}
    assert analysis.preview.apis == ()
    assert analysis.preview.problem == f"{refused[0].message} Nothing was previewed."


def test_a_policy_text_past_the_character_limit_is_refused_and_told_it_fits_minified(ims):
    text = json.dumps(policy(deny())) + " " * limits.MAX_POLICY_CHARS

    found = {f.code: f for f in validate_policy(text, ims).findings}

    assert set(found) == {Code.POLICY_LIMIT_EXCEEDED, Code.POLICY_SIZE_NEEDS_MINIFYING}
    assert found[Code.POLICY_LIMIT_EXCEEDED].message.endswith(
        "characters; at most 100,000 are read."
    )


def test_the_limits_are_derived_from_the_largest_quota():
    assert limits.LARGEST_QUOTA == 6_144
    assert (limits.MAX_VALUES, limits.MAX_STRING_CHARS) == (3_072, 6_142)
    assert limits.MAX_STATEMENTS == 198
    assert limits.MAX_MINIFIED_CHARS == 24_576


def test_a_policy_of_four_times_the_largest_quota_is_read_whole_however_it_is_laid_out(ims):
    def make(n: int) -> dict[str, Any]:
        return policy(*[deny("ims:images:share", Sid=f"S{i}" + "s" * 300) for i in range(n)])

    minified = _filled(make, limits.MAX_MINIFIED_CHARS)
    pretty = json.dumps(json.loads(minified), indent=8)

    analysis = analyze_policy(pretty, ims, "identity")

    found = {f.code for f in analysis.findings}
    assert len(pretty) > limits.MAX_MINIFIED_CHARS
    assert Code.POLICY_LIMIT_EXCEEDED not in found
    assert Code.POLICY_SIZE_EXCEEDS_QUOTA in found
    assert _row(analysis.preview, SHARE).outcome.value == "denied"


def test_the_shortest_statement_is_accepted_by_a_profile(ims):
    text = '{"Version":"5.0","Statement":[' + limits.SHORTEST_STATEMENT + "]}"

    assert not validate_policy(text, ims, "identity").has_errors


def test_the_largest_quota_filled_with_the_shortest_statement_is_read_whole(ims):
    shortest = json.loads(limits.SHORTEST_STATEMENT)
    text = _filled(lambda n: {"Statement": [shortest] * n}, limits.LARGEST_QUOTA)

    found = {f.code for f in validate_policy(text, ims, "identity").findings}

    # the limit is what the quota holds, not far above it
    assert limits.MAX_STATEMENTS - 2 <= len(json.loads(text)["Statement"]) <= limits.MAX_STATEMENTS
    assert Code.POLICY_LIMIT_EXCEEDED not in found


def test_the_largest_quota_policy_with_the_most_statements_is_read_whole(ims):
    text = _filled(lambda n: policy(*[deny("ims:images:share")] * n), limits.LARGEST_QUOTA)
    statements = len(json.loads(text)["Statement"])

    analysis = analyze_policy(text, ims, "identity")

    assert statements > 100
    assert Code.POLICY_LIMIT_EXCEEDED not in {f.code for f in analysis.findings}
    assert _row(analysis.preview, SHARE).outcome.value == "denied"
    redundant = [f for f in analysis.findings if f.code is Code.REDUNDANT_STATEMENT]
    assert redundant  # the statements were compared, not skipped


def test_the_largest_quota_policy_with_the_most_values_is_read_whole(ims):
    def make(n: int) -> dict[str, Any]:
        values = [0] * (n - 1) + ["123456789012"]
        return policy(
            deny("ims:images:share", Condition={"StringEquals": {"g:PrincipalAccount": values}})
        )

    text = _filled(make, limits.LARGEST_QUOTA)

    analysis = analyze_policy(
        text, ims, "identity", {"keys": {"g:PrincipalAccount": ["123456789012"]}}
    )

    assert _values(json.loads(text)) > 3_000
    assert Code.POLICY_LIMIT_EXCEEDED not in {f.code for f in analysis.findings}
    assert _row(analysis.preview, SHARE).outcome.value == "denied"


def test_the_densest_document_of_the_largest_quota_is_read_whole(ims):
    text = "[" + ",".join(["0"] * ((limits.LARGEST_QUOTA - 1) // 2)) + "]"

    found = {f.code for f in validate_policy(text, ims, "identity").findings}

    assert len(text) <= limits.LARGEST_QUOTA
    assert Code.POLICY_LIMIT_EXCEEDED not in found
    assert Code.INVALID_POLICY_ELEMENT in found


def test_a_string_as_long_as_the_largest_quota_holds_is_read(ims):
    sid = "s" * (limits.LARGEST_QUOTA - 100)

    analysis = analyze_policy(
        json.dumps(policy(deny("ims:images:share", Sid=sid))), ims, "identity"
    )

    assert Code.POLICY_LIMIT_EXCEEDED not in {f.code for f in analysis.findings}
    assert _row(analysis.preview, SHARE).outcome.value == "denied"

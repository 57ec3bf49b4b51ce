"""Hostile input: each reported input first, then every limit, refused before any work."""

from __future__ import annotations

import json

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


def test_eight_thousand_policy_values_are_refused_naming_the_list(ims):
    values = [f"v{i}" for i in range(8_000)]
    document = policy(deny("ims:images:*", Condition={"StringEquals": {"g:CalledVia": values}}))

    result = validate_policy(json.dumps(document), ims)

    assert [(f.code, f.path) for f in result.findings] == [
        (Code.POLICY_LIMIT_EXCEEDED, "/Statement/0/Condition/StringEquals/g:CalledVia")
    ]
    assert result.findings[0].message == (
        "/Statement/0/Condition/StringEquals/g:CalledVia lists 8,000 items; at most 200 are "
        "read in one list."
    )
    assert result.findings[0].span is not None
    with pytest.raises(EngineInputError, match="at most 200 are read in one list"):
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


@pytest.mark.parametrize(
    ("document", "path", "words"),
    [
        (policy(*[deny()] * 51), "/Statement", "51 statements; at most 50"),
        (
            policy(deny([f"ims:images:x{i}" for i in range(201)])),
            "/Statement/0/Action",
            "201 items",
        ),
        (
            policy(
                deny(Condition={"StringEquals": {f"g:PrincipalTag/k{i}": "x" for i in range(201)}})
            ),
            "/Statement/0/Condition/StringEquals",
            "201 members",
        ),
        (policy(deny("ims:images:" + "g" * 1_100)), "/Statement/0/Action", "1,111 characters"),
        (
            policy(*[deny([f"ims:images:g{i}{j}*" for j in range(3)]) for i in range(34)]),
            "/Statement/33/Action",
            "more than 100 action patterns with a wildcard",
        ),
    ],
    ids=["statements", "list", "object", "string", "wildcards"],
)
def test_a_policy_past_a_limit_is_one_error_and_no_preview(ims, document, path, words):
    text = json.dumps(document)

    analysis = analyze_policy(text, ims)

    [finding] = analysis.findings
    assert (finding.code, finding.path) == (Code.POLICY_LIMIT_EXCEEDED, path)
    assert words in finding.message
    assert analysis.preview.apis == ()
    assert analysis.preview.problem == f"{finding.message} Nothing was previewed."


def test_a_policy_text_past_the_character_limit_is_refused(ims):
    text = json.dumps(policy(deny())) + " " * limits.MAX_POLICY_CHARS

    [finding] = validate_policy(text, ims).findings

    assert finding.code is Code.POLICY_LIMIT_EXCEEDED
    assert finding.message.endswith("characters; at most 100,000 are read.")


def test_a_policy_at_every_limit_is_read(ims):
    statements = [
        deny(
            [f"ims:images:g{i}{j}" for j in range(198)] + ["ims:images:get", "ims:images:*"],
            Sid=f"S{i}",
        )
        for i in range(2)
    ] + [deny("ims:images:share", Sid="s" * 1_024)] * 48

    analysis = analyze_policy(json.dumps(policy(*statements)), ims)

    assert Code.POLICY_LIMIT_EXCEEDED not in {f.code for f in analysis.findings}
    assert _row(analysis.preview, SHARE).outcome.value == "denied"

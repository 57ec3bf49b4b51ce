"""Regions in URNs: a region part that cannot be one is an error at the region's place, an
empty region of a regional service is Huawei's MISSING_URN_REGION, and a well-formed region
the catalog does not list is a warning. Regional or global is read from the URN patterns."""

from __future__ import annotations

import dataclasses
import json

import pytest

from scpstudio.engine.catalog import Catalog, Region, ResourceType, Service
from scpstudio.engine.catalog_json import catalog_from_json
from scpstudio.engine.findings import Fix
from scpstudio.engine.validate import validate_policy
from tests.engine.helpers import deny, policy

REGION_CODES = {"INVALID_URN_REGION", "MISSING_URN_REGION", "UNKNOWN_URN_REGION"}


def _region_findings(resource: str, catalog: Catalog):
    text = json.dumps(policy(deny(Resource=resource)))
    found = validate_policy(text, catalog, "scp").findings
    return text, [f for f in found if f.code.value in REGION_CODES]


def _marked(text: str, finding) -> str:
    return text[finding.span.start.offset : finding.span.end.offset]


@pytest.mark.parametrize(
    ("urn", "region"),
    [
        ("ims:cn_north_4:*:image:*", "cn_north_4"),
        ("ims:North-4:0123456789abcdef:image:*", "North-4"),
        ("ims:CN-NORTH-4:*:image:*", "CN-NORTH-4"),
        ("ims:cn-north:*:image:*", "cn-north"),
        ("ims:CN-*:*:image:*", "CN-*"),
    ],
)
def test_a_region_that_cannot_be_one_is_an_error_at_the_region_part(ims, urn, region):
    text, [finding] = _region_findings(urn, ims)

    assert finding.code.value == "INVALID_URN_REGION"
    assert finding.severity.value == "error"
    assert _marked(text, finding) == region
    assert f"characters 5-{4 + len(region)}" in finding.message


def test_an_invalid_region_suggests_the_known_region_it_was_meant_to_be(ims):
    _, [finding] = _region_findings("ims:cn_north_4:*:image:*", ims)

    assert finding.suggestions[0] == "cn-north-4"


def test_a_respelt_known_region_is_a_certain_fix(ims):
    _, [finding] = _region_findings("ims:CN_North.4:*:image:*", ims)

    assert finding.fix == Fix("replace", "/Statement/0/Resource", "ims:cn-north-4:*:image:*")
    assert finding.choices == ()


def test_a_region_with_no_certain_meaning_offers_choices_and_no_fix(ims):
    _, [finding] = _region_findings("ims:North-4:0123456789abcdef:image:*", ims)

    assert finding.fix is None
    assert "cn-north-4" in finding.suggestions
    assert Fix("replace", "/Statement/0/Resource", "ims:cn-north-4:0123456789abcdef:image:*") in (
        finding.choices
    )


def test_without_a_region_list_a_respelling_of_the_right_shape_is_the_fix(ims):
    bare = dataclasses.replace(ims, regions=())

    _, [finding] = _region_findings("ims:xy_east_7:*:image:*", bare)

    assert finding.fix == Fix("replace", "/Statement/0/Resource", "ims:xy-east-7:*:image:*")


def test_an_empty_region_of_a_regional_service_is_missing_urn_region(ims):
    text, [finding] = _region_findings("ims::*:image:*", ims)

    assert finding.code.value == "MISSING_URN_REGION"
    assert _marked(text, finding) == "::"
    assert "ims:<region>:<account-id>:image:<image-id>" in finding.message
    assert finding.fix == Fix("replace", "/Statement/0/Resource", "ims:*:*:image:*")


def test_an_empty_region_of_a_global_service_is_fine():
    catalog = Catalog.build(
        services=[Service("cdn", "CDN")],
        resource_types=[ResourceType("cdn", "domain", "cdn::<account-id>:domain:<name>")],
    )
    text = json.dumps(policy(deny("cdn:domains:get", Resource="cdn::*:domain:*")))

    found = validate_policy(text, catalog, "scp").findings

    assert not {f.code.value for f in found} & REGION_CODES


def test_an_empty_region_of_a_service_the_catalog_lacks_is_not_guessed_about(ims):
    text = json.dumps(policy(deny("ecs:servers:get", Resource="ecs::*:instance:*")))

    found = validate_policy(text, ims, "scp").findings

    assert not {f.code.value for f in found} & REGION_CODES


@pytest.mark.parametrize(
    "urn",
    [
        "ims:*:*:image:*",
        "ims:cn-*:*:image:*",
        "ims:cn-north-?:*:image:*",
        "ims:cn-north-4:*:image:*",
        "ims:eu-west-101:0123456789abcdef:image:img-1",
        "ims:la-south-2:*:image:*",
        "*",
    ],
)
def test_known_regions_and_wildcards_are_silent(ims, urn):
    assert _region_findings(urn, ims)[1] == []


def test_a_well_formed_region_the_catalog_lacks_is_a_warning_with_close_ids(ims):
    text, [finding] = _region_findings("ims:cn-nort-4:*:image:*", ims)

    assert finding.code.value == "UNKNOWN_URN_REGION"
    assert finding.severity.value == "warning"
    assert _marked(text, finding) == "cn-nort-4"
    assert "cn-north-4" in finding.suggestions
    # the region may be newer than the list: close ids are choices, never a fix
    assert finding.fix is None
    assert Fix("replace", "/Statement/0/Resource", "ims:cn-north-4:*:image:*") in finding.choices


def test_a_wildcard_region_matching_no_known_region_is_a_warning(ims):
    _, [finding] = _region_findings("ims:xx-*:*:image:*", ims)

    assert finding.code.value == "UNKNOWN_URN_REGION"


def test_without_a_region_list_no_region_is_called_unknown(ims):
    bare = dataclasses.replace(ims, regions=())

    assert _region_findings("ims:cn-nort-4:*:image:*", bare)[1] == []
    assert _region_findings("ims:cn_north_4:*:image:*", bare)[1][0].code.value == (
        "INVALID_URN_REGION"
    )


def test_a_region_error_makes_the_urn_not_count_as_applicable(ims):
    text = json.dumps(policy(deny(Resource="ims:cn_north_4:*:image:*")))

    codes = {f.code.value for f in validate_policy(text, ims, "scp").findings}

    assert "NO_APPLICABLE_RESOURCE" not in codes
    assert "INVALID_URN_REGION" in codes


def test_an_escaped_urn_marks_the_whole_string(ims):
    text = (
        '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ims:images:get", '
        '"Resource": "ims:cn_north_4:*:image:\\u002a"}]}'
    )

    [finding] = [
        f for f in validate_policy(text, ims, "scp").findings if f.code.value in REGION_CODES
    ]

    assert _marked(text, finding).startswith('"ims:cn_north_4')


# -- the region list on the engine's catalog -------------------------------------------------


def test_catalog_regions_is_a_sorted_tuple_of_ids_and_names():
    catalog = catalog_from_json(
        [
            {
                "regions": [
                    {"id": "la-south-2", "name": "LA-Santiago"},
                    {"id": "cn-north-4", "name": "CN North-Beijing4"},
                ]
            }
        ]
    )

    assert catalog.regions == (
        Region("cn-north-4", "CN North-Beijing4"),
        Region("la-south-2", "LA-Santiago"),
    )
    assert catalog.region("cn-north-4") == Region("cn-north-4", "CN North-Beijing4")
    assert catalog.region("cn-north-9") is None


def test_shipped_catalog_lists_the_regions_of_the_examples(ims):
    ids = [r.id for r in ims.regions]

    assert ids == sorted(ids)
    assert {"cn-north-4", "ap-southeast-3", "la-south-2", "eu-west-101"} <= set(ids)


def test_regional_or_global_is_read_from_the_urn_patterns(ims):
    mixed = Catalog.build(
        resource_types=[
            ResourceType("obs", "bucket", "obs:::bucket:<bucket-name>"),
            ResourceType("obs", "object", "obs:<region>:<account-id>:object:<key>"),
        ]
    )

    assert ims.is_regional("ims", "image") is True
    assert ims.is_regional("ims", "*") is True
    assert mixed.is_regional("obs", "bucket") is False
    assert mixed.is_regional("obs", "*") is None
    assert ims.is_regional("nope") is None


@pytest.mark.parametrize(
    ("urn", "codes"),
    [
        ("ims:cn_north_4:*:images:*", {"INVALID_URN_REGION", "INVALID_RESOURCE_TYPE"}),
        ("ims::*:images:*", {"MISSING_URN_REGION", "INVALID_RESOURCE_TYPE"}),
    ],
)
def test_a_urn_with_several_problems_reports_all_and_each_fix_repairs_all(ims, urn, codes):
    text = json.dumps(policy(deny(Resource=urn)))

    found = [f for f in validate_policy(text, ims, "scp").findings if "Resource" in f.path]

    assert {f.code.value for f in found} == codes
    repaired = {f.fix.value for f in found if f.fix is not None}
    assert len(repaired) == 1
    (fixed,) = repaired
    again = json.dumps(policy(deny(Resource=fixed)))
    assert not [f for f in validate_policy(again, ims, "scp").findings if f.code.value in codes]

"""Validation behaviours beyond one-code-one-case: paths, spans, fixes, hints, profiles."""

import json

import pytest

from scpstudio.engine.catalog import Action, Catalog, ResourceType, ResourceTypeRef, Service
from scpstudio.engine.findings import Code
from scpstudio.engine.validate import validate_policy
from tests.engine.helpers import allow, codes, deny, findings, policy


def _only(found, code):
    hits = [f for f in found if f.code is code]
    assert len(hits) == 1, [f.code for f in found]
    return hits[0]


def test_lone_statement_object_is_addressed_by_index(ims):
    text = json.dumps(
        {
            "Version": "5.0",
            "Statement": {
                "Effect": "Deny",
                "Action": "ims:images:copyInRegion",
                "Condition": {"Bool": {"ims:Encrypted": "maybe"}},
            },
        },
        indent=2,
    )

    finding = _only(findings(text, ims), Code.INVALID_CONDITION_VALUE)

    assert finding.path == "/Statement/0/Condition/Bool/ims:Encrypted"
    assert finding.span is not None
    assert text[finding.span.start.offset : finding.span.end.offset] == '"maybe"'
    assert finding.span.start.line == 8


def test_finding_json_has_the_documented_shape(ims):
    text = json.dumps(policy({"Effect": "deny", "Action": "ims:images:get"}))

    (data,) = [f.to_json() for f in findings(text, ims) if f.code is Code.INVALID_EFFECT]

    assert data["severity"] == "error"
    assert set(data) == {
        "code",
        "severity",
        "message",
        "path",
        "span",
        "fix",
        "suggestions",
        "choices",
    }
    assert set(data["span"]["start"]) == {"line", "column", "offset"}
    assert data["fix"] == {"op": "replace", "path": "/Statement/0/Effect", "value": "Deny"}


def test_invalid_version_always_mentions_the_older_language(ims):
    found = findings({"Version": "2012-10-17", "Statement": [deny()]}, ims)

    assert "1.1" in _only(found, Code.INVALID_VERSION).message


def test_numeric_version_gets_a_certain_fix(ims):
    found = findings({"Version": 5.0, "Statement": [deny()]}, ims)

    fix = _only(found, Code.INVALID_VERSION).fix
    assert fix is not None and fix.value == "5.0"


def test_huawei_11_operator_gets_a_hint(ims):
    found = findings(policy(deny(Condition={"StringStartWith": {"g:PrincipalUrn": "iam"}})), ims)

    message = _only(found, Code.INVALID_CONDITION_OPERATOR).message
    assert "1.1" in message and "StringMatch" in message


def test_operator_case_typo_is_fixed_by_a_move(ims):
    found = findings(policy(deny(Condition={"bool": {"g:MFAPresent": "false"}})), ims)

    fix = _only(found, Code.INVALID_CONDITION_OPERATOR).fix
    assert fix is not None
    assert fix.to_json() == {
        "op": "move",
        "path": "/Statement/0/Condition/Bool",
        "from": "/Statement/0/Condition/bool",
    }


@pytest.mark.parametrize(
    ("operator", "key", "bad", "good"),
    [
        ("DateLessThan", "g:CurrentTime", "tomorrow", "2026-01-01T00:00:00Z"),
        ("IpAddress", "g:SourceIp", "10.0.0.300", "10.0.0.0/8"),
        ("NumberLessThan", "g:MFAAge", "ten", "3600"),
        ("Null", "g:SourceVpc", "yes", "true"),
    ],
)
def test_condition_values_must_fit_the_operator(ims, operator, key, bad, good):
    bad_found = codes(policy(deny(Condition={operator: {key: bad}})), ims)
    good_found = codes(policy(deny(Condition={operator: {key: good}})), ims)

    assert ("INVALID_CONDITION_VALUE", f"/Statement/0/Condition/{operator}/{key}") in bad_found
    assert "INVALID_CONDITION_VALUE" not in {c for c, _ in good_found}


def test_negated_operator_on_missing_key_says_the_deny_always_applies(ims):
    found = findings(
        policy(deny("ims:images:get", Condition={"StringNotEquals": {"ims:TargetOrgPaths": "x"}})),
        ims,
    )

    message = _only(found, Code.CONDITION_KEY_NOT_SUPPORTED_BY_ACTION).message
    assert "always holds" in message and "ims:images:get" in message


def test_key_support_is_checked_per_action_of_a_wildcard(ims):
    found = findings(
        policy(deny("ims:images:copy*", Condition={"Bool": {"ims:Encrypted": "false"}})), ims
    )

    message = _only(found, Code.CONDITION_KEY_NOT_SUPPORTED_BY_ACTION).message
    assert "ims:images:copyCrossRegion" in message
    assert "ims:images:copyInRegion" not in message
    assert "never applies" in message


def test_scp_2024_rejects_a_wildcard_inside_a_segment(ims):
    doc = policy(deny("ims:*:*Image"))

    assert ("INVALID_ACTION_FORMAT", "/Statement/0/Action") in codes(doc, ims, "scp-2024")
    assert "INVALID_ACTION_FORMAT" not in {c for c, _ in codes(doc, ims, "scp")}


@pytest.mark.parametrize("action", ["*:*:*", "*:images:get", "*"])
def test_scp_rejects_service_wildcards(ims, action):
    assert ("SCP_ACTION_WILDCARD", "/Statement/0/Action") in codes(policy(deny(action)), ims)


def test_identity_accepts_full_wildcard(ims):
    found = codes(policy(allow("*")), ims, "identity")

    assert not {c for c, _ in found} & {"SCP_ACTION_WILDCARD", "WILDCARD_IN_SERVICE_NAME"}


def test_unknown_action_suggests_same_operation_in_another_resource_type(ims):
    found = findings(policy(deny("ims:image:get")), ims)

    assert "ims:images:get" in _only(found, Code.INVALID_ACTION).suggestions


def test_resource_applies_if_any_resource_fits_each_action(ims):
    doc = policy(deny(["ims:images:get", "ims:images:list"], Resource=["ims:*:*:image:*", "*"]))

    found = {c for c, _ in codes(doc, ims)}

    assert "UNSUPPORTED_RESOURCE_URN" not in found
    assert "NO_APPLICABLE_RESOURCE" not in found


def test_wildcard_action_with_some_resource_level_actions_is_fine(ims):
    found = {c for c, _ in codes(policy(deny("ims:images:*", Resource="ims:*:*:image:*")), ims)}

    assert "UNSUPPORTED_RESOURCE_URN" not in found


def test_identical_entries_report_only_the_later_one(ims):
    found = codes(policy(deny(["ims:images:get", "IMS:images:get"])), ims)

    assert ("REDUNDANT_ACTION", "/Statement/0/Action/1") in found
    assert ("REDUNDANT_ACTION", "/Statement/0/Action/0") not in found


def test_equivalent_statements_report_only_the_later_one(ims):
    found = codes(policy(deny("ims:images:*"), deny("ims:images:*")), ims)

    assert ("REDUNDANT_STATEMENT", "/Statement/1") in found
    assert ("REDUNDANT_STATEMENT", "/Statement/0") not in found


def test_conditioned_statement_is_not_covered_by_a_differently_conditioned_one(ims):
    doc = policy(
        deny("ims:images:*", Condition={"Bool": {"g:MFAPresent": "false"}}),
        deny("ims:images:get", Condition={"Bool": {"g:SecureTransport": "false"}}),
    )

    assert "REDUNDANT_STATEMENT" not in {c for c, _ in codes(doc, ims)}


def test_findings_are_deduplicated_by_code_and_path(ims):
    doc = policy(deny(["ims:images:*", "ims:images:get", "ims:images:get"]))

    found = findings(doc, ims)
    keys = [(f.code, f.path) for f in found]

    assert len(keys) == len(set(keys))


def test_null_guard_silences_forallvalues_absent_key_for_allow(ims):
    guarded = policy(
        allow(
            "ims:images:create",
            Condition={
                "ForAllValues:StringEquals": {"g:TagKeys": ["owner"]},
                "Null": {"g:TagKeys": "false"},
            },
        )
    )
    unguarded = policy(
        allow(
            "ims:images:create", Condition={"ForAllValues:StringEquals": {"g:TagKeys": ["owner"]}}
        )
    )

    assert "FORALLVALUES_WITH_ABSENT_KEY" in {c for c, _ in codes(unguarded, ims, "identity")}
    assert "FORALLVALUES_WITH_ABSENT_KEY" not in {c for c, _ in codes(guarded, ims, "identity")}


def test_deny_breaks_names_the_apis(ims):
    found = findings(policy(deny("ims:images:get")), ims)

    message = _only(found, Code.DENY_BREAKS_DEPENDENT_APIS).message
    assert "POST /v2/images/{image_id}/members" in message
    assert "ims:images:share" in message


def test_missing_dependency_of_another_service(ims):
    found = findings(policy(allow("ims:images:export")), ims, "identity")

    message = _only(found, Code.MISSING_DEPENDENCY).message
    assert "obs:object:GetObject" in message and "obs:object:PutObject" in message


def test_size_is_reported(ims):
    doc = policy(deny())
    text = json.dumps(doc, indent=4)

    result = validate_policy(text, ims)

    assert result.to_json()["size"] == {
        "characters": len(text),
        "minified_characters": len(json.dumps(doc, separators=(",", ":"))),
        "limit": 5120,
    }
    assert validate_policy(text, ims, "identity").size.limit == 6144


@pytest.mark.parametrize(
    "source",
    [
        "",
        "null",
        "[]",
        '"x"',
        "{}",
        '{"Statement": 3}',
        '{"Statement": [null, 1, "x", []]}',
        '{"Version": "5.0", "Statement": [{"Effect": 1, "Action": {"a": 1}, "Resource": 2,'
        ' "Condition": []}]}',
        '{"Version": "5.0", "Statement": {"Effect": "Deny", "Action": [1, null],'
        ' "Condition": {"Bool": 3, "StringEquals": {"g:x": {"a": 1}}, "Null": {"k": []}}}}',
        '{"Version": "5.0", "Statement": {"Effect": "Deny", "Action": "a:b:c",'
        ' "Condition": {"ForAnyValue:": {"": ""}, ":": {"x": [[]]}, "IfExists": {}}}}',
        b"\xff\xfe",
        12,
        None,
        {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["*"], "Sid": 3}]},
    ],
)
def test_validation_never_raises_on_odd_input(ims, source):
    result = validate_policy(source, ims)

    assert result.findings
    assert all(
        f.severity.value in {"error", "security_warning", "warning", "suggestion"}
        for f in result.findings
    )


def test_redundant_entry_fix_removes_that_entry(ims):
    found = findings(policy(deny(["ims:images:*", "ims:images:get"])), ims)

    fix = _only(found, Code.REDUNDANT_ACTION).fix

    assert fix is not None
    assert fix.to_json() == {"op": "remove", "path": "/Statement/0/Action/1"}


def test_missing_dependency_fix_appends_the_dependency(ims):
    found = findings(policy(allow(["ims:images:share"])), ims, "identity")

    fix = _only(found, Code.MISSING_DEPENDENCY).fix

    assert fix is not None
    assert fix.to_json() == {
        "op": "add",
        "path": "/Statement/0/Action/-",
        "value": "ims:images:get",
    }


def test_specific_urns_must_name_a_required_resource_type():
    catalog = Catalog.build(
        services=[Service("evs", "EVS")],
        resource_types=[
            ResourceType("evs", "volume", "evs:<region>:<account-id>:volume:<id>"),
            ResourceType("evs", "snapshot", "evs:<region>:<account-id>:snapshot:<id>"),
        ],
        actions=[
            Action(
                "evs:volumes:attach",
                "evs",
                "",
                "write",
                (ResourceTypeRef("volume", True), ResourceTypeRef("snapshot", False)),
            )
        ],
    )

    snapshot_only = codes(
        policy(deny("evs:volumes:attach", Resource="evs:*:*:snapshot:*")), catalog
    )
    volume = codes(policy(deny("evs:volumes:attach", Resource="evs:*:*:volume:*")), catalog)

    assert ("NO_APPLICABLE_RESOURCE", "/Statement/0/Action") in snapshot_only
    assert "NO_APPLICABLE_RESOURCE" not in {c for c, _ in volume}

"""Every finding code: a policy that triggers it, and a near miss that does not."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from scpstudio.engine.findings import SEVERITY, Code, Severity
from scpstudio.engine.limits import MAX_VALUES
from tests.engine.helpers import allow, codes, deny, policy

IMAGE = "ims:*:*:image:*"


@dataclass(frozen=True)
class Case:
    code: Code
    path: str
    trigger: Any
    near_miss: Any
    profile: str = "scp"
    near_profile: str | None = None
    catalog: str = "ims"  # or "ims_and_ecs": with a service synced from IAM's schema


def _pad(value: dict[str, Any], indent: int) -> str:
    return json.dumps(value, indent=indent)


_BIG_ACTIONS = [f"ims:images:{op}" for op in ("get", "share", "export", "upload")]
_MANY = policy(
    *[
        deny(
            _BIG_ACTIONS,
            Sid=f"S{i}",
            Condition={"StringNotEquals": {"g:PrincipalAccount": [f"a{i}"]}},
        )
        for i in range(17)
    ]
)

CASES = [
    Case(Code.JSON_SYNTAX_ERROR, "", '{"Version": "5.0",}', json.dumps(policy(deny()))),
    Case(
        Code.DUPLICATE_KEY,
        "/Statement/0/Effect",
        '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Effect": "Deny", '
        '"Action": "ims:images:get"}]}',
        '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ims:images:get"}]}',
    ),
    Case(Code.MISSING_VERSION, "/Version", {"Statement": [deny()]}, policy(deny())),
    Case(
        Code.INVALID_VERSION,
        "/Version",
        {"Version": "1.1", "Statement": [deny()]},
        {"Version": "5.0", "Statement": [deny()]},
    ),
    Case(Code.MISSING_STATEMENT, "/Statement", {"Version": "5.0"}, policy(deny())),
    Case(
        Code.INVALID_POLICY_ELEMENT,
        "/Statement/0/Actions",
        policy({"Effect": "Deny", "Action": "ims:images:get", "Actions": "x"}),
        policy(deny()),
    ),
    Case(
        Code.UNSUPPORTED_PRINCIPAL,
        "/Statement/0/Principal",
        policy(deny(Principal="*")),
        policy(deny()),
    ),
    Case(
        Code.MISSING_EFFECT,
        "/Statement/0/Effect",
        policy({"Action": "ims:images:get"}),
        policy(deny()),
    ),
    Case(
        Code.INVALID_EFFECT,
        "/Statement/0/Effect",
        policy({"Effect": "deny", "Action": "ims:images:get"}),
        policy(deny()),
    ),
    Case(Code.MISSING_ACTION, "/Statement/0/Action", policy({"Effect": "Deny"}), policy(deny())),
    Case(
        Code.UNSUPPORTED_ELEMENT_COMBINATION,
        "/Statement/0/NotAction",
        policy(deny(NotAction="ims:images:list")),
        policy(deny()),
        profile="identity",
    ),
    Case(
        Code.INVALID_ACTION_FORMAT,
        "/Statement/0/Action",
        policy(deny("ims:images")),
        policy(deny("ims:images:get")),
    ),
    Case(
        Code.INVALID_ACTION,
        "/Statement/0/Action",
        policy(deny("ims:images:gett")),
        policy(deny("ims:images:get")),
    ),
    Case(
        Code.ACTION_WILDCARD_MATCHES_NOTHING,
        "/Statement/0/Action",
        policy(deny("ims:foo*:*")),
        policy(deny("ims:image*:*")),
    ),
    Case(
        Code.SCP_ALLOW_NOT_SUPPORTED,
        "/Statement/0/Effect",
        policy(allow()),
        policy(allow()),
        near_profile="identity",
    ),
    Case(
        Code.SCP_NOTACTION_NOT_SUPPORTED,
        "/Statement/0/NotAction",
        policy({"Effect": "Deny", "NotAction": "ims:images:get"}),
        policy({"Effect": "Deny", "NotAction": "ims:images:get"}),
        near_profile="scp-2024",
    ),
    Case(
        Code.SCP_NOTRESOURCE_NOT_SUPPORTED,
        "/Statement/0/NotResource",
        policy(deny(NotResource="ims:*:*:image:abc")),
        policy(deny(NotResource="ims:*:*:image:abc")),
        profile="scp-2024",
        near_profile="scp",
    ),
    Case(
        Code.SCP_ALLOW_RESOURCE,
        "/Statement/0/Resource",
        policy(allow(Resource=IMAGE)),
        policy(allow(Resource="*")),
        profile="scp-2024",
    ),
    Case(
        Code.SCP_ALLOW_CONDITION,
        "/Statement/0/Condition",
        policy(allow(Condition={"Bool": {"g:MFAPresent": "true"}})),
        policy(deny(Condition={"Bool": {"g:MFAPresent": "false"}})),
        profile="scp-2024",
    ),
    Case(
        Code.SCP_ACTION_WILDCARD,
        "/Statement/0/Action",
        policy(deny("*")),
        policy(deny("ims:*:*")),
    ),
    Case(
        Code.INVALID_URN,
        "/Statement/0/Resource",
        policy(deny(Resource="ims:cn-north-4:image:abc")),
        policy(deny(Resource="ims:cn-north-4:0a1b:image:abc")),
    ),
    Case(
        Code.URN_SERVICE_MISMATCH,
        "/Statement/0/Resource",
        policy(deny(Resource="obs:*:*:image:*")),
        policy(deny(Resource=IMAGE)),
    ),
    Case(
        Code.INVALID_RESOURCE_TYPE,
        "/Statement/0/Resource",
        policy(deny(Resource="ims:*:*:images:*")),
        policy(deny(Resource=IMAGE)),
    ),
    Case(
        Code.UNSUPPORTED_RESOURCE_URN,
        "/Statement/0/Action/0",
        policy(deny(["ims:images:list"], Resource=[IMAGE])),
        policy(deny(["ims:images:list"], Resource=["*"])),
    ),
    Case(
        Code.NO_APPLICABLE_RESOURCE,
        "/Statement/0/Action/0",
        policy(deny(["ims:images:get", "obs:object:GetObject"], Resource=["obs:*:*:object:*"])),
        policy(
            deny(
                ["ims:images:get", "obs:object:GetObject"],
                Resource=["obs:*:*:object:*", IMAGE],
            )
        ),
    ),
    Case(
        Code.INVALID_CONDITION_OPERATOR,
        "/Statement/0/Condition/StringLike",
        policy(deny(Condition={"StringLike": {"g:PrincipalUrn": "iam::*"}})),
        policy(deny(Condition={"StringMatch": {"g:PrincipalUrn": "iam::*"}})),
    ),
    Case(
        Code.NULL_WITH_IF_EXISTS,
        "/Statement/0/Condition/NullIfExists",
        policy(deny(Condition={"NullIfExists": {"g:SourceVpc": "true"}})),
        policy(deny(Condition={"Null": {"g:SourceVpc": "true"}})),
    ),
    Case(
        Code.INVALID_CONDITION_KEY,
        "/Statement/0/Condition/Bool/g:MFAPresence",
        policy(deny(Condition={"Bool": {"g:MFAPresence": "false"}})),
        policy(deny(Condition={"Bool": {"g:MFAPresent": "false"}})),
    ),
    Case(
        Code.DATA_TYPE_MISMATCH,
        "/Statement/0/Condition/StringEquals/ims:Encrypted",
        policy(
            deny("ims:images:copyInRegion", Condition={"StringEquals": {"ims:Encrypted": "false"}})
        ),
        policy(deny("ims:images:copyInRegion", Condition={"Bool": {"ims:Encrypted": "false"}})),
    ),
    Case(
        Code.INVALID_CONDITION_VALUE,
        "/Statement/0/Condition/Bool/ims:Encrypted",
        policy(deny("ims:images:copyInRegion", Condition={"Bool": {"ims:Encrypted": "no"}})),
        policy(deny("ims:images:copyInRegion", Condition={"Bool": {"ims:Encrypted": "false"}})),
    ),
    Case(
        Code.POLICY_SIZE_EXCEEDS_QUOTA,
        "",
        policy(deny(Condition={"StringEquals": {"g:PrincipalAccount": ["a" * 1000] * 6}})),
        policy(deny(Condition={"StringEquals": {"g:PrincipalAccount": ["a" * 1000] * 4}})),
    ),
    Case(
        Code.NUMBER_OUT_OF_RANGE,
        "",
        '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:get"], '
        '"Condition": {"NumberLessThan": {"g:MFAAge": 1e999}}}]}',
        '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:get"], '
        '"Condition": {"NumberLessThan": {"g:MFAAge": 1e300}}}]}',
    ),
    Case(
        Code.POLICY_LIMIT_EXCEEDED,
        "",
        # the policy's 10 other values and these pass the limit; 11 fewer are read
        policy(deny(Condition={"StringEquals": {"g:PrincipalAccount": ["a"] * MAX_VALUES}})),
        policy(deny(Condition={"StringEquals": {"g:PrincipalAccount": ["a"] * (MAX_VALUES - 11)}})),
    ),
    Case(
        Code.FORALLVALUES_WITH_SINGLE_VALUED_KEY,
        "/Statement/0/Condition/ForAllValues:StringEquals/g:PrincipalAccount",
        policy(deny(Condition={"ForAllValues:StringEquals": {"g:PrincipalAccount": ["a"]}})),
        policy(deny(Condition={"StringEquals": {"g:PrincipalAccount": ["a"]}})),
    ),
    Case(
        Code.FORALLVALUES_WITH_ABSENT_KEY,
        "/Statement/0/Condition/ForAllValues:StringNotEquals/g:TagKeys",
        policy(
            deny(
                "ims:images:create",
                Condition={"ForAllValues:StringNotEquals": {"g:TagKeys": ["owner"]}},
            )
        ),
        policy(
            deny(
                "ims:images:create",
                Condition={
                    "ForAllValues:StringNotEquals": {"g:TagKeys": ["owner"]},
                    "Null": {"g:TagKeys": "false"},
                },
            )
        ),
    ),
    Case(
        Code.ALLOW_WITH_NOTACTION,
        "/Statement/0/NotAction",
        policy({"Effect": "Allow", "NotAction": "ims:images:delete*"}),
        policy({"Effect": "Deny", "NotAction": "ims:images:delete*"}),
        profile="identity",
    ),
    Case(
        Code.INVALID_SERVICE,
        "/Statement/0/Action",
        policy(deny("xyz:images:get")),
        policy(deny("ims:images:get")),
    ),
    Case(
        Code.CONDITION_KEY_NOT_SUPPORTED_BY_ACTION,
        "/Statement/0/Condition/Bool/ims:Encrypted",
        policy(deny("ims:images:get", Condition={"Bool": {"ims:Encrypted": "false"}})),
        policy(deny("ims:images:copyInRegion", Condition={"Bool": {"ims:Encrypted": "false"}})),
    ),
    Case(
        Code.MISSING_QUALIFIER,
        "/Statement/0/Condition/StringEquals/g:TagKeys",
        policy(deny("ims:images:create", Condition={"StringEquals": {"g:TagKeys": ["owner"]}})),
        policy(
            deny(
                "ims:images:create",
                Condition={"ForAnyValue:StringEquals": {"g:TagKeys": ["owner"]}},
            )
        ),
    ),
    Case(
        Code.POLICY_SIZE_NEEDS_MINIFYING,
        "",
        _pad(_MANY, 12),
        _pad(_MANY, None),  # type: ignore[arg-type]
    ),
    Case(
        Code.DUPLICATE_SID,
        "/Statement/1/Sid",
        policy(deny(Sid="A"), deny("ims:quotas:get", Sid="A")),
        policy(deny(Sid="A"), deny("ims:quotas:get", Sid="B")),
    ),
    Case(
        Code.INVALID_SID,
        "/Statement/0/Sid",
        policy(deny(Sid="deny share")),
        policy(deny(Sid="DenyShare")),
    ),
    Case(
        Code.WILDCARD_IN_SERVICE_NAME,
        "/Statement/0/Action",
        policy(deny("*:images:get")),
        policy(deny("ims:images:get")),
        profile="identity",
    ),
    Case(
        Code.ACTION_CASE,
        "/Statement/0/Action",
        policy(deny("IMS:Images:Get")),
        policy(deny("ims:images:get")),
    ),
    Case(
        Code.REDUNDANT_ACTION,
        "/Statement/0/Action/1",
        policy(deny(["ims:images:*", "ims:images:get"])),
        policy(deny(["ims:images:*", "ims:quotas:get"])),
    ),
    Case(
        Code.REDUNDANT_RESOURCE,
        "/Statement/0/Resource/1",
        policy(deny(Resource=[IMAGE, "ims:cn-north-4:*:image:*"])),
        policy(deny(Resource=["ims:cn-north-1:*:image:*", "ims:cn-north-4:*:image:*"])),
    ),
    Case(
        Code.REDUNDANT_STATEMENT,
        "/Statement/1",
        policy(deny("ims:images:*"), deny("ims:images:get", Resource=IMAGE)),
        policy(deny("ims:images:*"), deny("ims:quotas:get")),
    ),
    Case(
        Code.EMPTY_ARRAY_ACTION,
        "/Statement/0/Action",
        policy(deny([])),
        policy(deny(["ims:images:get"])),
    ),
    Case(
        Code.EMPTY_ARRAY_RESOURCE,
        "/Statement/0/Resource",
        policy(deny(Resource=[])),
        policy(deny(Resource=[IMAGE])),
    ),
    Case(
        Code.EMPTY_OBJECT_CONDITION,
        "/Statement/0/Condition",
        policy(deny(Condition={})),
        policy(deny(Condition={"Bool": {"g:MFAPresent": "false"}})),
    ),
    Case(
        Code.NULL_WITH_QUALIFIER,
        "/Statement/0/Condition/ForAnyValue:Null",
        policy(deny(Condition={"ForAnyValue:Null": {"g:SourceVpc": "true"}})),
        policy(deny(Condition={"Null": {"g:SourceVpc": "true"}})),
    ),
    Case(
        Code.FORANYVALUE_WITH_SINGLE_VALUED_KEY,
        "/Statement/0/Condition/ForAnyValue:StringEquals/g:PrincipalAccount",
        policy(deny(Condition={"ForAnyValue:StringEquals": {"g:PrincipalAccount": ["a"]}})),
        policy(deny(Condition={"StringEquals": {"g:PrincipalAccount": ["a"]}})),
    ),
    Case(
        Code.DENY_BREAKS_DEPENDENT_APIS,
        "/Statement/0/Action",
        policy(deny("ims:images:get")),
        policy(deny(["ims:images:get", "ims:images:share", "ims:images:upload"])),
    ),
    Case(
        Code.MISSING_DEPENDENCY,
        "/Statement/0/Action",
        policy(allow("ims:images:share")),
        policy(allow(["ims:images:share", "ims:images:get"])),
        profile="identity",
    ),
    # regions in URNs
    Case(
        Code.INVALID_URN_REGION,
        "/Statement/0/Resource",
        policy(deny(Resource="ims:cn_north_4:*:image:*")),
        policy(deny(Resource="ims:cn-north-4:*:image:*")),
    ),
    Case(
        Code.MISSING_URN_REGION,
        "/Statement/0/Resource",
        policy(deny(Resource="ims::*:image:*")),
        policy(deny(Resource=IMAGE)),
    ),
    Case(
        Code.UNKNOWN_URN_REGION,
        "/Statement/0/Resource",
        policy(deny(Resource="ims:cn-nort-4:*:image:*")),
        policy(deny(Resource="ims:cn-*:*:image:*")),
    ),
    # services synced from IAM's schema
    Case(
        Code.SERVICE_NOT_GOVERNED_BY_SCP,
        "/Statement/0/Action",
        policy(deny("ecs:cloudServers:delete")),
        policy(allow("ecs:cloudServers:delete")),
        profile="scp",
        near_profile="identity",
        catalog="ims_and_ecs",
    ),
    Case(
        Code.ACTION_ALIAS,
        "/Statement/0/Action",
        policy(deny("ecs:servers:list")),
        policy(deny("ECS:cloudServers:list")),
        catalog="ims_and_ecs",
    ),
    # the 101st finding of one code in a statement is counted, not listed
    Case(
        Code.FINDINGS_NOT_LISTED,
        "/Statement/0/Action/100",
        policy(deny([f"x{i}" for i in range(101)])),
        policy(deny([f"x{i}" for i in range(100)])),
    ),
]


def test_every_code_has_a_case():
    assert {c.code for c in CASES} == set(Code)


def test_severities_are_as_specified():
    assert SEVERITY[Code.ALLOW_WITH_NOTACTION] is Severity.SECURITY_WARNING
    assert SEVERITY[Code.POLICY_SIZE_NEEDS_MINIFYING] is Severity.WARNING
    assert SEVERITY[Code.MISSING_DEPENDENCY] is Severity.SUGGESTION
    assert SEVERITY[Code.UNSUPPORTED_RESOURCE_URN] is Severity.ERROR


@pytest.mark.parametrize("case", CASES, ids=[c.code.value for c in CASES])
def test_code_is_triggered(case, request):
    found = codes(case.trigger, request.getfixturevalue(case.catalog), case.profile)

    assert (case.code.value, case.path) in found


@pytest.mark.parametrize("case", CASES, ids=[c.code.value for c in CASES])
def test_code_near_miss_is_silent(case, request):
    catalog = request.getfixturevalue(case.catalog)
    found = codes(case.near_miss, catalog, case.near_profile or case.profile)

    assert case.code.value not in {code for code, _ in found}

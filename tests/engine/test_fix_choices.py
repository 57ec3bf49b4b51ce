"""Repairs offered with findings: certain fixes, and choices when none is certain."""

from scpstudio.engine.findings import Code, Fix
from tests.engine.helpers import deny, findings, policy


def _one(found, code):
    hits = [f for f in found if f.code is code]
    assert len(hits) == 1, [f.code for f in found]
    return hits[0]


def test_unknown_action_offers_each_suggestion_as_a_choice(ims):
    finding = _one(findings(policy(deny("ims:images:shar")), ims), Code.INVALID_ACTION)

    assert finding.fix is None
    assert finding.choices[0] == Fix("replace", "/Statement/0/Action", "ims:images:share") or (
        finding.choices[0] == Fix("replace", "/Statement/0/Action/0", "ims:images:share")
    )
    assert [c.value for c in finding.choices] == list(finding.suggestions)


def test_missing_qualifier_offers_both_qualifiers_as_a_rename_of_the_operator(ims):
    statement = deny(
        ["ims:images:share"],
        Condition={"StringNotMatch": {"ims:TargetOrgPaths": ["o-1/r-1/*"]}},
    )

    finding = _one(findings(policy(statement), ims), Code.MISSING_QUALIFIER)

    base = "/Statement/0/Condition"
    assert finding.choices == (
        Fix("move", f"{base}/ForAnyValue:StringNotMatch", from_path=f"{base}/StringNotMatch"),
        Fix("move", f"{base}/ForAllValues:StringNotMatch", from_path=f"{base}/StringNotMatch"),
    )


def test_missing_qualifier_offers_no_rename_when_the_operator_holds_other_keys(ims):
    statement = deny(
        ["ims:images:share"],
        Condition={
            "StringNotMatch": {"ims:TargetOrgPaths": ["o-1/*"], "g:PrincipalOrgPath": ["o-1/*"]}
        },
    )

    finding = _one(findings(policy(statement), ims), Code.MISSING_QUALIFIER)

    assert finding.choices == ()


def test_urns_for_actions_without_resource_permissions_can_be_replaced_by_star(ims):
    statement = deny(["ims:quotas:get"], Resource=["ims:*:*:image:*"])

    finding = _one(findings(policy(statement), ims), Code.UNSUPPORTED_RESOURCE_URN)

    assert finding.fix == Fix("replace", "/Statement/0/Resource", ["*"])


def test_no_star_fix_when_another_action_of_the_statement_takes_urns(ims):
    statement = deny(["ims:quotas:get", "ims:images:get"], Resource=["ims:*:*:image:*"])

    finding = _one(findings(policy(statement), ims), Code.UNSUPPORTED_RESOURCE_URN)

    assert finding.fix is None

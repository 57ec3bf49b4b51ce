"""SARIF and plain-text renderings of findings."""

import json

from scpstudio.engine.plain_text import findings_text
from scpstudio.engine.sarif import findings_to_sarif
from scpstudio.engine.validate import validate_policy
from tests.engine.helpers import deny, policy

TEXT = json.dumps(policy({"Effect": "deny", "Action": "IMS:quotas:get"}), indent=2)


def test_sarif_has_rules_results_and_regions(ims):
    result = validate_policy(TEXT, ims)

    sarif = findings_to_sarif([("policy.json", result.findings)])

    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids == sorted({"INVALID_EFFECT", "ACTION_CASE"})
    effect = next(r for r in run["results"] if r["ruleId"] == "INVALID_EFFECT")
    assert effect["level"] == "error"
    assert rule_ids[effect["ruleIndex"]] == "INVALID_EFFECT"
    region = effect["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (5, 17)
    assert TEXT[region["charOffset"] : region["charOffset"] + region["charLength"]] == '"deny"'
    assert effect["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "policy.json"
    case = next(r for r in run["results"] if r["ruleId"] == "ACTION_CASE")
    assert case["level"] == "note"
    json.dumps(sarif)


def test_sarif_of_a_clean_file_has_no_results(ims):
    result = validate_policy(json.dumps(policy(deny("ims:quotas:get"))), ims)

    sarif = findings_to_sarif([("a.json", result.findings)])

    assert sarif["runs"][0]["results"] == []
    assert sarif["runs"][0]["artifacts"] == [{"location": {"uri": "a.json"}}]


def test_text_output_names_file_line_column_and_code(ims):
    text = findings_text("p.json", validate_policy(TEXT, ims))

    assert 'p.json:5:17: error INVALID_EFFECT Effect is "deny"' in text
    assert text.splitlines()[-1].startswith("p.json: 2 finding(s)")


def test_text_output_escapes_lone_surrogates(ims):
    result = validate_policy({"Version": "5.0", "Statement": [deny("ims:images:\ud800")]}, ims)

    text = findings_text("p.json", result)

    assert "\\ud800" in text
    text.encode("utf-8")

"""The guardrail templates: data that validates and does what its explanation says."""

from __future__ import annotations

import json

import pytest

from catalog.snapshot import catalog_snapshot
from scpstudio.engine.document import parse_policy
from scpstudio.engine.evaluate import Outcome
from scpstudio.engine.preview import preview_policy
from scpstudio.engine.validate import validate_policy
from scpstudio.policies.library_templates import TEMPLATES_FILE, policy_template, policy_templates

pytestmark = pytest.mark.django_db

TEMPLATES = policy_templates()
SLUGS = [t.slug for t in TEMPLATES]


def test_the_seven_guardrails_of_the_issue_are_there():
    assert SLUGS == [
        "deny-image-sharing-outside-org",
        "deny-unencrypted-image-copies",
        "deny-cross-region-copies",
        "protect-golden-images",
        "require-owner-tag",
        "deny-image-export-outside-org",
        "deny-ims-outside-allowed-regions",
    ]
    assert len(set(SLUGS)) == len(SLUGS)


def test_templates_are_data_in_a_json_file():
    data = json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))

    assert [t["slug"] for t in data["templates"]] == SLUGS


@pytest.mark.parametrize("template", TEMPLATES, ids=SLUGS)
def test_each_template_validates_without_errors_under_its_profile(template):
    result = validate_policy(template.document, catalog_snapshot(), template.profile)

    assert [f.message for f in result.findings if f.severity.value == "error"] == []
    assert [
        f.code for f in result.findings if f.severity.value in {"warning", "security_warning"}
    ] == []


@pytest.mark.parametrize("template", TEMPLATES, ids=SLUGS)
def test_each_template_denies_what_its_explanation_says(template):
    preview = preview_policy(
        template.document, catalog_snapshot(), template.profile, template.example_context
    )
    rows = {row.label: row for row in preview.apis}

    assert template.denies
    for api in template.denies:
        assert rows[api].outcome is Outcome.DENIED, api
        assert rows[api].decided_by is not None and rows[api].decided_by.statement is not None
        assert api.split(" ", 1)[1] in template.explanation or template.slug in {
            "require-owner-tag",
            "deny-ims-outside-allowed-regions",
        }


@pytest.mark.parametrize("template", TEMPLATES, ids=SLUGS)
def test_each_template_leaves_other_apis_alone(template):
    preview = preview_policy(
        template.document, catalog_snapshot(), template.profile, template.example_context
    )

    allowed = [row.label for row in preview.apis if row.outcome is Outcome.ALLOWED]

    if template.slug != "deny-ims-outside-allowed-regions":
        assert "GET /v1/cloudimages/quota" in allowed


def test_the_region_guardrail_allows_everything_inside_the_allowed_regions():
    template = policy_template("deny-ims-outside-allowed-regions")
    assert template is not None

    preview = preview_policy(
        template.document,
        catalog_snapshot(),
        template.profile,
        {"keys": {"g:RequestedRegion": ["cn-north-4"]}},
    )

    assert {row.outcome for row in preview.apis} == {Outcome.ALLOWED}


def test_the_sharing_guardrail_allows_sharing_inside_the_chosen_paths():
    template = policy_template("deny-image-sharing-outside-org")
    assert template is not None
    inside = "o-a1b2c3d4e5/r-f6g7h8i9/ou-j0k1l2m3/ou-team/123456"

    preview = preview_policy(
        template.document,
        catalog_snapshot(),
        template.profile,
        {"keys": {"ims:TargetOrgPaths": [inside]}},
    )

    [share] = [r for r in preview.apis if r.label == "POST /v2/images/{image_id}/members"]
    assert share.outcome is Outcome.ALLOWED


def test_the_owner_tag_guardrail_denies_tags_without_owner_and_allows_them_with_it():
    template = policy_template("require-owner-tag")
    assert template is not None

    def outcome(keys):
        preview = preview_policy(template.document, catalog_snapshot(), "scp", {"keys": keys})
        return {r.label: r.outcome for r in preview.apis}["POST /v2/images"]

    assert outcome({"g:RequestTag/owner": ["team-a"], "g:TagKeys": ["env"]}) is Outcome.DENIED
    assert outcome({"g:RequestTag/owner": ["team-a"], "g:TagKeys": ["owner"]}) is Outcome.ALLOWED


def test_each_template_names_only_actions_and_keys_the_catalog_has():
    catalog = catalog_snapshot()
    for template in TEMPLATES:
        for statement in parse_policy(template.document).value()["Statement"]:
            for action in statement["Action"]:
                assert catalog.action(action) or action == "ims:*:*", action
            for keys in statement.get("Condition", {}).values():
                for key in keys:
                    assert catalog.condition_key(key) is not None, key


def test_an_unknown_slug_is_none():
    assert policy_template("no-such-template") is None

"""Per-API preview (policy-language.md §6) and diff."""

import json

from scpstudio.engine.analysis import analyze_policy
from scpstudio.engine.diff import diff_policies
from scpstudio.engine.evaluate import Level, Outcome
from scpstudio.engine.plain_text import preview_text
from scpstudio.engine.policy import compile_policy
from scpstudio.engine.preview import PreviewContext, preview_levels, preview_policy
from tests.engine.helpers import allow, deny, policy

SHARE = "POST /v2/images/{image_id}/members"
EXPORT = "POST /v1/cloudimages/{image_id}/file"
PATCH = "PATCH /v2/cloudimages/{image_id}"
GET = "GET /v2/images/{image_id}"


def rows(preview):
    return {row.label: row for row in preview.apis}


def test_every_api_of_the_catalog_has_one_row(ims):
    preview = preview_policy(policy(deny("ims:quotas:get")), ims)

    assert len(preview.apis) == 29
    assert preview.summary == {
        "apis": 29,
        "allowed": 28,
        "denied": 1,
        "not_allowed": 0,
        "conditional": 0,
    }


def test_scp_not_denying_an_api_shows_it_allowed_through_full_access(ims):
    row = rows(preview_policy(policy(deny("ims:quotas:get")), ims))[GET]

    assert row.outcome is Outcome.ALLOWED
    assert row.decided_by is not None and row.decided_by.policy == "FullAccess"


def test_denied_dependency_denies_the_api_and_says_which_action_decided(ims):
    preview = preview_policy(policy(deny("ims:images:get", Sid="NoGet")), ims)

    row = rows(preview)[SHARE]

    assert row.outcome is Outcome.DENIED
    assert row.decided_by is not None
    assert (row.decided_by.action, row.decided_by.statement, row.decided_by.sid) == (
        "ims:images:get",
        0,
        "NoGet",
    )
    assert [(a.action, a.dependency_of) for a in row.actions] == [
        ("ims:images:share", None),
        ("ims:images:get", "ims:images:share"),
    ]


def test_dependency_of_another_service_denies_the_api(ims):
    preview = preview_policy(policy(deny("obs:object:PutObject")), ims)

    row = rows(preview)[EXPORT]

    assert row.outcome is Outcome.DENIED
    assert row.decided_by is not None and row.decided_by.action == "obs:object:PutObject"
    assert len(preview.apis) == 1  # only APIs needing an obs action are previewed


def test_required_only_links_are_reported_apart(ims):
    preview = preview_policy(policy(deny("ims:serverImages:create")), ims)

    row = rows(preview)[PATCH]

    assert row.outcome is Outcome.ALLOWED
    (link,) = row.conditional_links
    assert link.action == "ims:serverImages:create"
    assert link.note == "required only for enterprise project migration"
    assert link.outcome is Outcome.DENIED


def test_allow_list_scp_without_full_access(ims):
    doc = policy(allow("ims:images:list"))

    with_fa = rows(preview_policy(doc, ims, "scp-2024"))
    without = rows(preview_policy(doc, ims, "scp-2024", full_access=False))

    assert with_fa["GET /v1/cloudimages/quota"].outcome is Outcome.ALLOWED
    assert without["GET /v1/cloudimages/quota"].outcome is Outcome.NOT_ALLOWED
    assert without["GET /v2/cloudimages"].outcome is Outcome.ALLOWED


def test_identity_policy_is_previewed_alone(ims):
    preview = preview_policy(policy(allow("ims:images:share")), ims, "identity")

    row = rows(preview)[SHARE]

    assert row.outcome is Outcome.NOT_ALLOWED
    assert row.decided_by is not None
    assert row.decided_by.action == "ims:images:get" and row.decided_by.statement is None


def test_context_sharpens_conditional_rows(ims):
    doc = policy(deny("ims:images:get", Resource="ims:cn-north-4:*:image:*"))

    unknown = rows(preview_policy(doc, ims))[GET]
    there = rows(preview_policy(doc, ims, context={"region": "cn-north-4"}))[GET]
    elsewhere = rows(preview_policy(doc, ims, context={"region": "ap-southeast-1"}))[GET]

    assert unknown.outcome is Outcome.CONDITIONAL
    assert there.outcome is Outcome.DENIED
    assert elsewhere.outcome is Outcome.ALLOWED


def test_resource_ids_and_keys_in_the_context(ims):
    doc = policy(
        deny(
            "ims:images:copyInRegion",
            Resource="ims:*:*:image:secret-*",
            Condition={"Bool": {"ims:Encrypted": "false"}},
        )
    )
    copy = "POST /v1/cloudimages/{image_id}/copy"

    unknown = rows(preview_policy(doc, ims))[copy]
    context = PreviewContext(resource_ids={"image": "secret-1"}, keys={"ims:Encrypted": ["false"]})
    known = rows(preview_policy(doc, ims, context=context))[copy]

    assert unknown.outcome is Outcome.CONDITIONAL
    assert unknown.deciding is not None
    (condition,) = unknown.deciding.conditions
    assert "ims:Encrypted is false" in condition and "secret-*" in condition
    assert known.outcome is Outcome.DENIED


def test_preview_json_has_the_documented_shape(ims):
    data = preview_policy(policy(deny("ims:images:get", Sid="NoGet")), ims).to_json()

    row = next(
        r
        for r in data["apis"]
        if (r["method"], r["path"]) == ("POST", "/v2/images/{image_id}/members")
    )

    assert row["outcome"] == "denied"
    assert {"action", "statement", "sid"} <= set(row["decided_by"])
    assert row["decided_by"]["sid"] == "NoGet"
    assert row["actions"][1]["dependency_of"] == "ims:images:share"
    assert row["conditional_links"] == []
    assert data["summary"]["apis"] == 29
    json.dumps(data)


def test_org_path_preview_names_the_level(ims):
    ou = compile_policy(policy(deny("ims:quotas:get", Sid="NoQuota")), ims, name="guardrail")

    preview = preview_levels([Level("root", []), Level("ou-dev", [ou])], ims)
    row = rows(preview)["GET /v1/cloudimages/quota"]

    assert row.outcome is Outcome.DENIED
    assert row.decided_by is not None
    assert (row.decided_by.level, row.decided_by.policy) == ("ou-dev", "guardrail")


def test_a_policy_that_does_not_parse_is_not_previewed_and_says_why(ims):
    preview = preview_policy('{"Version": "5.0", "Statement": [', ims)

    assert preview.apis == ()
    assert preview.summary["allowed"] == 0
    assert preview.to_json()["problem"] == (
        "The policy is not valid JSON: Expecting value at line 1, column 34. Nothing was previewed."
    )


def test_a_valid_policy_has_no_preview_problem(ims):
    preview = preview_policy(policy(deny("ims:images:share")), ims)

    assert preview.to_json()["problem"] is None


def test_preview_text_lists_every_api(ims):
    text = preview_text(preview_policy(policy(deny("ims:serverImages:create")), ims))

    assert "POST /v2/cloudimages/action" in text
    assert "ims:serverImages:create (required only for enterprise project migration)" in text
    assert text.splitlines()[-1].startswith("apis: 29")


def test_analysis_shares_one_parse(ims):
    analysis = analyze_policy(json.dumps(policy(deny("ims:quotas:get"))), ims)

    data = analysis.to_json()

    assert data["validation"]["valid"] is True
    assert data["preview"]["summary"]["denied"] == 1


# -- diff ---------------------------------------------------------------------------------


def test_diff_lists_apis_and_actions_whose_outcome_changes(ims):
    before = policy(deny("ims:quotas:get"))
    after = policy(deny(["ims:quotas:get", "ims:images:get"]))

    changes = diff_policies(before, after, ims).to_json()

    apis = {(c["method"], c["path"]): (c["from"], c["to"]) for c in changes["apis"]}
    assert apis[("GET", "/v2/images/{image_id}")] == ("allowed", "denied")
    assert apis[("POST", "/v2/images/{image_id}/members")] == ("allowed", "denied")
    assert ("GET", "/v1/cloudimages/quota") not in apis
    old_fields = ("action", "from", "to", "from_possible", "to_possible", "change")
    assert [{k: c[k] for k in old_fields} for c in changes["actions"]] == [
        {
            "action": "ims:images:get",
            "from": "allowed",
            "to": "denied",
            "from_possible": ["allowed"],
            "to_possible": ["denied"],
            "change": "newly_denied",
        }
    ]


def test_diff_of_identical_policies_is_empty(ims):
    doc = policy(deny("ims:images:*"))

    assert diff_policies(doc, json.dumps(doc), ims).changes == ()


def test_diff_reports_required_only_links(ims):
    changes = diff_policies(
        policy(deny("ims:quotas:get")), policy(deny("ims:serverImages:create")), ims
    )

    links = changes.of_kind("conditional_link")

    assert any(c.path == "/v2/cloudimages/{image_id}" and c.after is Outcome.DENIED for c in links)


def test_a_dependency_the_api_marks_required_only_is_reported_apart(ims):
    # images:import lists serverImages:create as a dependency, but the quick-import API
    # says it is needed only for system disk images: the API's own note wins.
    preview = preview_policy(policy(deny("ims:serverImages:create")), ims)

    row = rows(preview)["POST /v2/cloudimages/quickimport/action"]

    assert row.outcome is Outcome.ALLOWED
    [link] = [c for c in row.conditional_links if c.action == "ims:serverImages:create"]
    assert link.outcome is Outcome.DENIED
    assert "system disk" in link.note


def test_an_undefined_key_of_a_known_service_is_never_present(ims):
    statement = deny("ims:images:copyInRegion", Condition={"Bool": {"ims:Encryptd": "false"}})

    row = rows(preview_policy(policy(statement), ims))["POST /v1/cloudimages/{image_id}/copy"]

    assert row.outcome is Outcome.ALLOWED


def test_a_diff_names_the_statement_that_explains_each_change(ims):
    before = policy(deny("ims:quotas:get"))
    after = policy(deny("ims:quotas:get"), deny("ims:images:get", Sid="NoGet"))

    added = {c.path: c for c in diff_policies(before, after, ims).of_kind("api")}
    removed = {c.path: c for c in diff_policies(after, before, ims).of_kind("api")}

    share = added["/v2/images/{image_id}/members"]  # denied through its dependency
    assert (share.decided_by.sid, share.decided_by.action) == ("NoGet", "ims:images:get")
    assert share.decided_by_side == "after"
    assert share.to_json()["decided_by"]["sid"] == "NoGet"
    back = removed["/v2/images/{image_id}/members"]
    assert (back.before, back.after) == (Outcome.DENIED, Outcome.ALLOWED)
    assert (back.decided_by.statement, back.decided_by_side) == (1, "before")


def test_a_conditional_row_names_five_open_conditions_and_counts_the_rest(ims):
    keys = {f"g:PrincipalTag/k{i}": "x" for i in range(8)}
    doc = policy(deny("ims:images:share", Condition={"StringEquals": keys}))

    row = rows(preview_policy(doc, ims))["POST /v2/images/{image_id}/members"]

    assert row.outcome is Outcome.CONDITIONAL
    assert row.deciding is not None
    (condition,) = row.deciding.conditions
    assert [f"g:PrincipalTag/k{i}" in condition for i in range(8)] == [True] * 5 + [False] * 3
    assert "3 more conditions hold" in condition


def test_a_conditional_row_names_ten_statements_and_counts_the_rest(ims):
    statements = [
        deny("ims:images:share", Condition={"StringEquals": {f"g:PrincipalTag/k{i}": "x"}})
        for i in range(12)
    ]

    row = rows(preview_policy(policy(*statements), ims))["POST /v2/images/{image_id}/members"]

    assert row.deciding is not None
    assert len(row.deciding.conditions) == 11
    assert row.deciding.conditions[-1] == "and 2 more statements like these"


# -- services synced from IAM's schema ---------------------------------------------------------


def test_an_api_known_only_by_operation_id_is_a_row_labelled_by_its_id(ims_and_ecs):
    preview = preview_policy(policy(deny("evs:volumes:delete")), ims_and_ecs, services=["ecs"])

    row = rows(preview)["DeleteServers (ecs)"]
    assert (row.method, row.path, row.operation_ids) == ("", "", ("DeleteServers",))
    assert row.outcome is Outcome.DENIED
    assert row.to_json()["operation_ids"] == ["DeleteServers"]


def test_the_preview_says_an_scp_has_no_effect_on_a_service_scps_do_not_govern(ims_and_ecs):
    scp = preview_policy(policy(deny("ecs:cloudServers:delete")), ims_and_ecs)
    identity = preview_policy(
        policy(allow("ecs:cloudServers:delete")), ims_and_ecs, profile="identity"
    )
    governed = preview_policy(policy(deny("ims:images:get")), ims_and_ecs)

    assert "SCPs do not govern ecs" in rows(scp)["DeleteServers (ecs)"].note
    assert "has no effect" in scp.to_json()["apis"][0]["note"]
    assert rows(identity)["DeleteServers (ecs)"].note == ""
    assert all(row.note == "" for row in governed.apis)


def test_a_deny_of_an_alias_denies_the_operations_of_its_action(ims_and_ecs):
    preview = preview_policy(policy(deny("ecs:servers:*")), ims_and_ecs, services=["ecs"])

    assert [r.label for r in preview.apis if r.outcome is Outcome.DENIED] == [
        "ListServersDetails (ecs)"
    ]
    assert ims_and_ecs.action("ecs:servers:list").name == "ecs:cloudServers:list"
    assert [a.name for a in ims_and_ecs.match_actions("ecs:servers:*")] == ["ecs:cloudServers:list"]


def test_the_exact_diff_names_an_api_known_only_by_operation_id(ims_and_ecs):
    before = policy(deny("ims:images:get"))
    after = policy(deny("ims:images:get"), deny("evs:volumes:delete"))

    changes = diff_policies(before, after, ims_and_ecs).of_kind("api")

    assert [c.path for c in changes if c.method == ""] == ["DeleteServers (ecs)"]

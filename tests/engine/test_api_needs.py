"""Which APIs need an action, and how (issue #9 item 6): read from the preview's own plans, so
the answer is what a Deny of the action does in the preview."""

from __future__ import annotations

import json

import pytest

from scpstudio.engine.api_needs import DEPENDENCY, DIRECT, SITUATION, ApiNeed, apis_needing
from scpstudio.engine.catalog import Action, Api, ApiLink, Catalog
from scpstudio.engine.findings import Code
from scpstudio.engine.preview import preview_policy
from tests.engine.helpers import deny, findings, policy


def _how(catalog: Catalog, action: str) -> dict[str, tuple[str, str | None, tuple[str, ...]]]:
    return {n.label: (n.how, n.dependency_of, n.situations) for n in apis_needing(catalog, action)}


def test_get_image_is_needed_directly_once_and_through_a_dependency_three_times(ims):
    assert _how(ims, "ims:images:get") == {
        "GET /v2/images/{image_id}": (DIRECT, None, ()),
        "POST /v2/images/{image_id}/members": (DEPENDENCY, "ims:images:share", ()),
        "PUT /v1/cloudimages/{image_id}/upload": (DEPENDENCY, "ims:images:upload", ()),
        "PUT /v2/images/{image_id}/file": (DEPENDENCY, "ims:images:upload", ()),
    }


def test_a_name_that_only_shares_a_prefix_is_not_the_action(ims):
    labels = {n.label for n in apis_needing(ims, "ims:images:get")}

    assert "GET /v1/cloudimages/job/{job_id}" not in labels  # ims:images:getJob
    assert "GET /v1/cloudimages/tags" not in labels  # ims:images:getTags


def test_links_that_hold_only_in_a_situation_say_which(ims):
    assert _how(ims, "ims:serverImages:create") == {
        "POST /v2/cloudimages/action": (DIRECT, None, ()),
        "POST /v1/cloudimages/{image_id}/copy": (
            SITUATION,
            None,
            ("required only by enterprise project users",),
        ),
        "POST /v2/cloudimages/quickimport/action": (
            SITUATION,
            None,
            ("required only for quickly importing a system disk image",),
        ),
        "PATCH /v2/cloudimages/{image_id}": (
            SITUATION,
            None,
            ("required only for enterprise project migration",),
        ),
    }


@pytest.mark.parametrize(
    ("name", "labels"),
    [
        ("obs:object:GetObject", {"POST /v1/cloudimages/{image_id}/file"}),
        (
            "ims:images:update",
            {"PUT /v1/cloudimages/{image_id}/upload", "PUT /v2/images/{image_id}/file"},
        ),
    ],
)
def test_dependencies_outside_the_catalog_are_answered_too(ims, name, labels):
    needs = apis_needing(ims, name)

    assert {n.label for n in needs} == labels
    assert {n.how for n in needs} == {DEPENDENCY}


def test_names_compare_case_insensitively_and_whole(ims):
    assert apis_needing(ims, "IMS:Images:GET") == apis_needing(ims, "ims:images:get")
    assert apis_needing(ims, "ims:images:ge") == ()
    assert apis_needing(ims, "ims:images:*") == ()


def test_how_narrows_the_answer(ims):
    only = apis_needing(ims, "ims:images:get", DEPENDENCY)

    assert len(only) == 3
    assert all(n.how == DEPENDENCY for n in only)
    assert apis_needing(ims, "ims:images:get", SITUATION) == ()


def test_a_dependency_of_a_situational_link_is_needed_in_that_situation_through_it():
    catalog = Catalog.build(
        actions=[
            Action("x:things:make", "x", "", "write"),
            Action("x:things:copy", "x", "", "write", dependencies=("x:things:read",)),
            Action("x:things:read", "x", "", "read", dependencies=("x:things:peek",)),
            Action("x:things:peek", "x", "", "read"),
        ],
        apis=[
            Api(
                "x",
                "POST",
                "/things",
                (
                    ApiLink("x:things:make"),
                    ApiLink("x:things:copy", "required only when copying", conditional=True),
                ),
            )
        ],
    )

    [read] = apis_needing(catalog, "x:things:read")
    [peek] = apis_needing(catalog, "x:things:peek")

    assert (read.how, read.dependency_of, read.situations) == (
        SITUATION,
        "x:things:copy",
        ("required only when copying",),
    )
    assert (peek.how, peek.dependency_of) == (SITUATION, "x:things:read")


def test_what_an_api_always_needs_wins_over_a_situation():
    catalog = Catalog.build(
        actions=[
            Action("x:things:make", "x", "", "write"),
            Action("x:things:tag", "x", "", "tagging"),
        ],
        apis=[
            Api("x", "POST", "/things", (ApiLink("x:things:make"), ApiLink("x:things:tag"))),
            Api("x", "POST", "/things", (ApiLink("x:things:tag", "only sometimes", True),)),
        ],
    )

    assert apis_needing(catalog, "x:things:tag") == (ApiNeed("POST", "/things", "x", DIRECT),)


def _denied_in_preview(catalog: Catalog, action: str) -> dict[str, str]:
    """API label -> how a Deny of the action alone shows in the preview."""
    text = json.dumps(policy(deny(action, Resource="*")))
    out = {}
    for row in preview_policy(text, catalog).apis:
        if row.outcome.value == "denied":
            denied = [a for a in row.actions if a.decision.outcome.value == "denied"]
            out[row.label] = DIRECT if denied[0].dependency_of is None else DEPENDENCY
        elif any(link.outcome.value == "denied" for link in row.conditional_links):
            out[row.label] = SITUATION
    return out


def test_every_answer_is_what_the_preview_does_with_a_deny_of_the_action(ims):
    names = {a.name for a in ims.actions.values()}
    names |= {d for a in ims.actions.values() for d in a.dependencies}

    for name in sorted(names):
        assert {n.label: n.how for n in apis_needing(ims, name)} == _denied_in_preview(ims, name), (
            name
        )


@pytest.mark.parametrize(
    ("action", "blocked"),
    [
        ("ims:images:get", 3),
        # the copy and quick-import APIs need it only in a named situation: not "whenever"
        ("ims:serverImages:create", 0),
        ("ims:dataImages:create", 0),
        ("obs:object:GetObject", 1),
    ],
)
def test_the_deny_breaks_finding_names_the_apis_needing_it_through_a_dependency(
    ims, action, blocked
):
    found = [
        f
        for f in findings(policy(deny(action, Resource="*")), ims)
        if f.code is Code.DENY_BREAKS_DEPENDENT_APIS
    ]

    expected = apis_needing(ims, action, DEPENDENCY)
    assert len(expected) == blocked
    if blocked:
        [finding] = found
        assert f"{blocked} API(s)" in finding.message
        for need in expected:
            assert f"{need.label} (through {need.dependency_of})" in finding.message
    else:
        assert found == []

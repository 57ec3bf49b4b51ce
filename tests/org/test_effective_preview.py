"""The effective preview (issue 19, item 3): every API under all SCPs on the path from the
root, every level must allow, a Deny at any level wins; the management account is not
restricted; the tree's per-account counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.snapshot import catalog_snapshot
from scpstudio.org import services
from scpstudio.org.evaluation import (
    MANAGEMENT_NOTE,
    compiled_cache_clear,
    compiled_version,
    effective_preview,
    tree_summary,
)
from scpstudio.org.models import FULL_ACCESS
from scpstudio.org.selectors import org_root, path_attached
from scpstudio.policies import services as library
from tests.org.helpers import (
    DELETE_API,
    LIST_API,
    SHARE_API,
    SHARE_DENIED,
    account,
    attach,
    guardrail,
    ou,
)
from tests.policies.library import policy_text

pytestmark = pytest.mark.django_db


def outcomes(node, context=None) -> dict[str, str]:
    found = effective_preview(node, catalog_snapshot(), context)
    return {api.label: api.outcome.value for api in found.preview.apis}


def test_every_api_of_the_catalog_is_previewed(small_org):
    found = outcomes(small_org["lab"])

    distinct = {(a.method.upper(), a.path) for a in catalog_snapshot().apis}
    assert len(found) == len(distinct)
    assert set(found.values()) == {"allowed"}


def test_a_deny_at_the_root_blocks_every_account(small_org):
    attach(small_org["user"], org_root(), guardrail(small_org["user"], "No share", SHARE_DENIED))

    for name in ("web", "db", "lab"):
        assert outcomes(small_org[name])[SHARE_API] == "denied", name


def test_a_deny_at_an_ou_affects_only_what_is_below_it(small_org):
    assert outcomes(small_org["web"])[DELETE_API] == "denied"
    assert outcomes(small_org["db"])[DELETE_API] == "denied"
    assert outcomes(small_org["lab"])[DELETE_API] == "allowed"
    assert outcomes(small_org["prod"])[DELETE_API] == "denied"  # an account placed in Prod


def test_the_level_policy_and_statement_that_decided_are_named(small_org):
    found = effective_preview(small_org["web"], catalog_snapshot())

    row = next(a for a in found.preview.apis if a.label == DELETE_API)
    decided = row.decided_by
    assert found.by_level[decided.level] == small_org["prod"]
    assert (decided.policy, decided.sid) == ("No delete", "NoDelete")


def test_replacing_full_access_with_an_allow_list_leaves_the_rest_not_allowed_below(organizer):
    dev = ou(organizer, "Dev")
    lab = account(organizer, "lab", dev)
    only_list = library.create_policy(
        owner=organizer,
        name="Only listing",
        profile="scp-2024",
        document=policy_text({"Effect": "Allow", "Action": ["ims:images:list"], "Resource": "*"}),
    )
    attach(organizer, dev, only_list)
    services.attachment_delete(user=organizer, attachment=dev.attachments.get(builtin=FULL_ACCESS))

    found = outcomes(lab)

    assert found[LIST_API] == "allowed"
    assert {v for k, v in found.items() if k != LIST_API} == {"not_allowed"}
    assert set(outcomes(account(organizer, "elsewhere")).values()) == {"allowed"}


def test_the_management_account_is_unaffected_and_the_preview_says_so(small_org):
    user, web = small_org["user"], small_org["web"]
    services.node_set_management(user=user, node=web, management=True)

    found = effective_preview(web, catalog_snapshot())

    assert {a.outcome.value for a in found.preview.apis} == {"allowed"}
    assert found.note == MANAGEMENT_NOTE


def test_a_conditional_outcome_names_its_deciding_conditions(organizer):
    guard = guardrail(
        organizer,
        "Share inside",
        policy_text(
            {
                "Effect": "Deny",
                "Action": ["ims:images:share"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"g:RequestedRegion": ["cn-north-4"]}},
            }
        ),
    )
    dev = ou(organizer, "Dev")
    attach(organizer, dev, guard)

    found = effective_preview(account(organizer, "lab", dev), catalog_snapshot())
    row = next(a for a in found.preview.apis if a.label == SHARE_API)

    assert row.outcome.value == "conditional"
    assert any("g:RequestedRegion" in c and "OU Dev" in c for c in row.deciding.conditions)


def test_the_request_context_decides_a_conditional_row(organizer):
    from scpstudio.engine.preview import PreviewContext

    guard = guardrail(
        organizer,
        "Region guard",
        policy_text(
            {
                "Effect": "Deny",
                "Action": ["ims:images:share"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"g:RequestedRegion": ["cn-north-4"]}},
            }
        ),
    )
    attach(organizer, org_root(), guard)
    lab = account(organizer, "lab")

    inside = outcomes(lab, PreviewContext(keys={"g:RequestedRegion": ["cn-north-4"]}))
    outside = outcomes(lab, PreviewContext(keys={"g:RequestedRegion": ["eu-west-0"]}))

    assert (inside[SHARE_API], outside[SHARE_API]) == ("allowed", "denied")


def test_an_attachment_follows_the_latest_version_or_keeps_its_pinned_one(organizer):
    guard = guardrail(organizer)
    follows, pinned = account(organizer, "follows"), account(organizer, "pinned")
    attach(organizer, follows, guard)
    attach(organizer, pinned, guard, guard.versions.get(number=1))

    library.save_version(user=organizer, policy=guard, document=SHARE_DENIED, base_version=1)

    assert (outcomes(follows)[DELETE_API], outcomes(follows)[SHARE_API]) == ("allowed", "denied")
    assert (outcomes(pinned)[DELETE_API], outcomes(pinned)[SHARE_API]) == ("denied", "allowed")


def test_a_version_is_compiled_once_and_kept(small_org):
    compiled_cache_clear()
    catalog = catalog_snapshot()
    version = small_org["guard"].versions.get()

    with CaptureQueriesContext(connection) as cold:
        first = compiled_version(version.pk, "No delete", catalog)
    with CaptureQueriesContext(connection) as warm:
        again = compiled_version(version.pk, "No delete", catalog)

    assert again is first
    assert len(cold) == 1 and len(warm) == 0


def test_the_tree_counts_what_each_account_can_use(small_org):
    summary = tree_summary(catalog_snapshot())

    web, lab = summary[small_org["web"].pk].own, summary[small_org["lab"].pk].own
    assert web.total == lab.total
    assert lab.allowed == lab.total
    assert web.allowed == lab.allowed - 1  # image deletion is denied in Prod
    prod, root = summary[small_org["prod"].pk], summary[org_root().pk]
    assert (prod.below_min, prod.below_max, prod.accounts) == (web.allowed, web.allowed, 2)
    assert (root.below_min, root.below_max, root.accounts) == (web.allowed, lab.allowed, 3)


def test_the_tree_counts_what_each_accounts_preview_shows(small_org):
    attach(
        small_org["user"], small_org["lab"], guardrail(small_org["user"], "No share", SHARE_DENIED)
    )
    catalog = catalog_snapshot()

    summary = tree_summary(catalog)

    for name in ("web", "lab"):
        rows = list(effective_preview(small_org[name], catalog).preview.apis)
        shown = [api.outcome.value for api in rows]
        own = summary[small_org[name].pk].own
        assert (own.allowed, own.conditional, own.total) == (
            shown.count("allowed"), shown.count("conditional"), len(rows),
        )  # fmt: skip
    assert summary[small_org["lab"].pk].own.allowed < summary[small_org["lab"].pk].own.total


def test_a_kept_preview_is_used_again_until_its_path_changes(small_org):
    compiled_cache_clear()
    catalog, web = catalog_snapshot(), small_org["web"]
    first = effective_preview(web, catalog)

    again = effective_preview(web, catalog)
    services.node_rename(user=small_org["user"], node=small_org["prod"], name="Production")
    renamed = effective_preview(web, catalog)
    attach(small_org["user"], web, guardrail(small_org["user"], "No share", SHARE_DENIED))
    attached = effective_preview(web, catalog)

    assert again.preview is first.preview
    assert renamed.preview is not first.preview
    assert any(level.name == "Production" for level in renamed.path)
    assert attached.preview is not renamed.preview


def test_the_path_and_its_attachments_are_read_in_one_query_whatever_the_depth(organizer):
    parent = org_root()
    for depth in range(5):
        parent = ou(organizer, f"level {depth}", parent)
    deep = account(organizer, "deep", parent)
    guard = guardrail(organizer)
    attach(organizer, parent, guard, guard.versions.get())
    library.save_version(user=organizer, policy=guard, document=SHARE_DENIED, base_version=1)
    attach(organizer, deep, guard)

    with CaptureQueriesContext(connection) as queries:
        path, attached = path_attached(deep)

    assert [n.name for n in path] == ["Root", *[f"level {d}" for d in range(5)], "deep"]
    assert [(a.policy_name, a.number, a.pinned) for a in attached[parent.pk]][1:] == [
        ("No delete", 1, True)
    ]
    assert [(a.builtin, a.number) for a in attached[deep.pk]] == [("FullAccess", None), ("", 2)]
    assert len(queries) == 1


def test_a_warm_preview_asks_the_database_once(small_org):
    catalog, web = catalog_snapshot(), small_org["web"]
    effective_preview(web, catalog)

    with CaptureQueriesContext(connection) as queries:
        effective_preview(web, catalog)

    assert len(queries) == 1

"""Saving from the editor: a new policy, a new version, a save refused because another
was saved first (nothing overwritten, nothing typed lost), a draft kept across a login,
versions shown read only, and the draft compared with its version."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from scpstudio.policies import services
from scpstudio.policies.models import Policy
from tests.editor.helpers import fields_of_form, form_fields, read_page, shown_json
from tests.policies.library import (
    SHARE_API,
    SHARE_GUARD,
    SHARE_GUARD_WITH_DEV,
    deny,
    make_user,
    policy_text,
)

pytestmark = pytest.mark.django_db

# spacing, key order and a scalar Action kept exactly as written
ODD_TEXT = (
    '{"Statement": [ {"Resource":"*", "Effect":"Deny","Action":"ims:images:share"}],'
    '\n  "Version":"5.0"}'
)


def _typed(client: Client, text: str, url: str = "/editor/", **extra: Any) -> dict[str, Any]:
    """The editor's form as a browser posts it after the person typed `text` in the JSON."""
    page = client.get(url)
    assert page.status_code == 200
    fields: dict[str, Any] = form_fields(page)
    fields.update(json=text, source="json", **extra)
    return fields


def _save(client: Client, fields: dict[str, Any], op: str = "save") -> Any:
    return client.post("/editor/save/", {**fields, "op": op})


def test_anonymous_save_keeps_the_draft_through_the_login(client: Client) -> None:
    make_user("alice")
    response = _save(client, _typed(client, ODD_TEXT, name="my-guardrail"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/editor/%3Fdraft%3D1"
    login = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "pw-alice-123", "next": "/editor/?draft=1"},
    )
    assert login["Location"] == "/editor/?draft=1"
    back = client.get("/editor/?draft=1")
    assert shown_json(back) == ODD_TEXT
    assert "nothing you typed was lost" in back.content.decode()
    assert form_fields(back)["name"] == ["my-guardrail"]
    assert not Policy.objects.exists()  # nothing saved until they press Save again


def test_save_new_then_reopen_byte_for_byte(client: Client) -> None:
    alice = make_user("alice")
    client.force_login(alice)
    fields = _typed(client, ODD_TEXT, name="deny share", description="first try")
    response = _save(client, {**fields, "save_message": "start"})
    policy = Policy.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == f"/editor/?policy={policy.pk}&saved=1"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Saved as version 1." in body
    assert shown_json(page) == ODD_TEXT
    assert policy.versions.get().document == ODD_TEXT
    assert policy.versions.get().message == "start"
    assert form_fields(page)["saved_policy"] == [str(policy.pk)]
    assert form_fields(page)["base_version"] == ["1"]
    assert "Save as version 2" in body


def test_save_on_top_makes_version_two(client: Client) -> None:
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="p", document=ODD_TEXT)
    client.force_login(alice)
    changed = ODD_TEXT.replace("ims:images:share", "ims:images:delete")
    fields = _typed(client, changed, url=f"/editor/?policy={policy.pk}")
    assert fields["base_version"] == ["1"]
    response = _save(client, fields)
    assert response["Location"] == f"/editor/?policy={policy.pk}&saved=2"
    policy.refresh_from_db()
    assert policy.latest_version == 2
    assert policy.versions.get(number=2).document == changed
    assert policy.versions.get(number=1).document == ODD_TEXT  # history untouched


def test_two_people_save_the_same_version_the_second_gets_a_conflict(client: Client) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    policy = services.create_policy(owner=alice, name="shared", document=ODD_TEXT)
    services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=True)
    other = Client()
    client.force_login(alice)
    other.force_login(bob)
    mine = _typed(
        client, policy_text(deny(["ims:images:delete"])), url=f"/editor/?policy={policy.pk}"
    )
    bobs_text = policy_text(deny(["ims:images:export"]))
    theirs = _typed(other, bobs_text, url=f"/editor/?policy={policy.pk}")
    assert _save(client, mine).status_code == 302

    refused = _save(other, theirs)

    assert refused.status_code == 409
    body = refused.content.decode()
    assert "You edited version 1" in body and "now at version 2" in body
    assert "ims:images:export" in body and "ims:images:delete" in body  # both sides
    policy.refresh_from_db()
    assert policy.latest_version == 2
    assert policy.versions.get(number=2).document == mine["json"]
    # reopen Bob's text as a draft on top of version 2: exactly as typed
    reopen = other.post(
        "/editor/draft/",
        {
            "policy": policy.pk,
            "base_version": 2,
            "json": bobs_text,
            "name": "shared",
            "profile": "scp",
        },
    )
    assert reopen.status_code == 200
    assert shown_json(reopen) == bobs_text
    assert form_fields(reopen)["base_version"] == ["2"]
    # and saving it now makes version 3
    again = _save(other, {**form_fields(reopen), "source": "json"})
    assert again.status_code == 302
    policy.refresh_from_db()
    assert policy.versions.get(number=3).document == bobs_text


def test_a_name_against_the_rule_is_refused_and_the_text_stays(client: Client) -> None:
    client.force_login(make_user("alice"))
    response = _save(client, _typed(client, ODD_TEXT, name=" bad/name"))
    assert response.status_code == 400
    assert "Not saved:" in response.content.decode()
    assert shown_json(response) == ODD_TEXT
    assert not Policy.objects.exists()


def test_a_reader_cannot_save_a_version_but_can_save_a_copy(client: Client) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    policy = services.create_policy(owner=alice, name="p", document=ODD_TEXT)
    services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=False)
    client.force_login(bob)
    page = client.get(f"/editor/?policy={policy.pk}")
    assert "Save as version" not in page.content.decode()
    refused = _save(client, _typed(client, ODD_TEXT, url=f"/editor/?policy={policy.pk}"))
    assert refused.status_code == 403
    assert Policy.objects.get(pk=policy.pk).latest_version == 1
    copy = _save(
        client,
        _typed(client, ODD_TEXT, url=f"/editor/?policy={policy.pk}", name="mine"),
        op="save-new",
    )
    assert copy.status_code == 302
    assert Policy.objects.get(owner=bob).versions.get().document == ODD_TEXT


def test_someone_elses_private_policy_is_not_found_in_the_editor(client: Client) -> None:
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="p", document=ODD_TEXT)
    mallory = make_user("mallory")
    client.force_login(mallory)
    assert client.get(f"/editor/?policy={policy.pk}").status_code == 404
    assert client.get(f"/editor/?policy={policy.pk}&version=1").status_code == 404
    fields = _typed(client, "{}", saved_policy=str(policy.pk), base_version="1")
    response = _save(client, fields)
    # the form's policy is not theirs: never saved into Alice's, nor as something else
    assert Policy.objects.get(pk=policy.pk).latest_version == 1
    assert response.status_code == 409
    assert shown_json(response) == "{}"
    assert not Policy.objects.filter(owner=mallory).exists()


def test_an_old_version_is_shown_read_only_with_restore(client: Client) -> None:
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="p", document=ODD_TEXT)
    services.save_version(user=alice, policy=policy, document="{}", base_version=1)
    client.force_login(alice)
    page = client.get(f"/editor/?policy={policy.pk}&version=1")
    body = page.content.decode()
    assert shown_json(page) == ODD_TEXT
    assert "read only" in body and "Restore this version" in body
    reader = read_page(page)
    assert reader.textareas["json"] == ODD_TEXT
    assert "readonly" in body.split('name="json"', 1)[1].split(">", 1)[0]


def test_a_template_opens_as_a_new_draft(client: Client) -> None:
    from scpstudio.policies.library_templates import policy_templates

    for template in policy_templates():
        page = client.get(f"/editor/?template={template.slug}")
        assert page.status_code == 200
        assert shown_json(page) == template.document
        assert "saved_policy" not in form_fields(page)
    assert client.get("/editor/?template=no-such-thing").status_code == 404


def test_compare_the_draft_with_its_version_under_the_context(client: Client) -> None:
    alice = make_user("alice")
    policy = services.create_policy(
        owner=alice, name="p", document=policy_text(deny(["ims:images:list"]))
    )
    client.force_login(alice)
    draft = policy_text(deny(["ims:images:list", "ims:images:get"]))
    fields = _typed(client, draft, url=f"/editor/?policy={policy.pk}", ctx_region="cn-north-4")
    response = client.post("/editor/compare/", {**fields, "op": "compare"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Version 1 → your draft" in body
    # the dependency: sharing an image needs ims:images:get too
    assert "/v2/images/{image_id}/members" in body
    assert "region cn-north-4" in body
    assert Policy.objects.get(pk=policy.pk).latest_version == 1  # comparing saves nothing
    assert json.loads(draft)  # the draft itself is JSON


def test_the_draft_that_widens_the_share_guard_is_newly_allowed_with_its_witness(
    client: Client,
) -> None:
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="p", document=SHARE_GUARD)
    client.force_login(alice)
    fields = _typed(client, SHARE_GUARD_WITH_DEV, url=f"/editor/?policy={policy.pk}")

    response = client.post("/editor/compare/", {**fields, "op": "compare"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Newly allowed" in body
    assert f"newly allowed: sharing images ({SHARE_API}) when ims:TargetOrgPaths is" in body
    assert "Every request is compared" in body


def test_the_draft_compare_page_asks_again_under_the_context_typed_there(client: Client) -> None:
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="p", document=SHARE_GUARD)
    client.force_login(alice)
    fields = _typed(client, SHARE_GUARD_WITH_DEV, url=f"/editor/?policy={policy.pk}")
    page = client.post("/editor/compare/", {**fields, "op": "compare"})
    panel = fields_of_form(page, "compare-context")
    panel["ctx_keys"] = ["ims:TargetOrgPaths=o-abc123/r-xyz/ou-test/acc1"]

    again = client.post("/editor/compare/", panel)

    body = again.content.decode()
    assert again.status_code == 200
    assert "Version 1 → your draft" in body
    assert "No request is treated differently by the two versions under the request" in body
    assert panel["json"] == [SHARE_GUARD_WITH_DEV]  # the draft itself went along
    assert Policy.objects.get(pk=policy.pk).latest_version == 1


def test_the_draft_is_compared_with_full_access_as_the_preview_has_it(client: Client) -> None:
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="p", document=SHARE_GUARD)
    client.force_login(alice)
    draft = policy_text(deny(["ims:images:get"]))
    fields = _typed(client, draft, url=f"/editor/?policy={policy.pk}")
    fields.pop("full_access", None)  # the preview's FullAccess box unticked

    response = client.post("/editor/compare/", {**fields, "op": "compare"})

    body = response.content.decode()
    assert "Without FullAccess beside the policy." in body
    assert 'id="full_access" name="full_access" value="1" >' in body  # unticked there too


def test_a_link_to_a_saved_policy_asks_for_a_login_first(client: Client) -> None:
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="p", document=ODD_TEXT)
    response = client.get(f"/editor/?policy={policy.pk}&version=1")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/accounts/login/?next=/editor/%3Fpolicy%3D{policy.pk}%26version%3D1"
    )


@pytest.mark.parametrize("base", ["", "0", "abc", "1e3"])
def test_a_save_without_a_readable_base_version_is_refused(client: Client, base: str) -> None:
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="p", document=ODD_TEXT)
    client.force_login(alice)
    fields = _typed(client, "{}", url=f"/editor/?policy={policy.pk}")
    fields["base_version"] = base
    response = _save(client, fields)
    assert response.status_code == 400
    assert Policy.objects.get(pk=policy.pk).latest_version == 1


def test_a_leading_newline_in_the_text_is_kept(client: Client) -> None:
    alice = make_user("alice")
    text = "\n" + ODD_TEXT
    policy = services.create_policy(owner=alice, name="p", document=text)
    client.force_login(alice)
    page = client.get(f"/editor/?policy={policy.pk}")
    assert shown_json(page) == text
    assert _save(client, form_fields(page)).status_code == 302
    assert Policy.objects.get(pk=policy.pk).versions.get(number=2).document == text


def test_a_draft_whose_policy_is_no_longer_shared_still_comes_back(client: Client) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    policy = services.create_policy(owner=alice, name="p", document=ODD_TEXT)
    client.force_login(bob)
    back = client.post(
        "/editor/draft/",
        {"policy": policy.pk, "base_version": 1, "json": "{ kept }", "name": "x", "profile": "scp"},
    )
    assert back.status_code == 200
    assert shown_json(back) == "{ kept }"
    assert "no longer shared with you" in back.content.decode()


def test_reopening_my_text_after_a_conflict_brings_back_my_note_too(client: Client) -> None:
    import html
    import re

    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="noted", document=ODD_TEXT)
    client.force_login(alice)
    stale = _typed(
        client, policy_text(deny(["ims:images:export"])), url=f"/editor/?policy={policy.pk}"
    )
    services.save_version(user=alice, policy=policy, document=ODD_TEXT + " ", base_version=1)

    refused = _save(client, {**stale, "save_message": "Block exports too"})
    reopen_form = re.search(
        r'<form method="post" action="/editor/draft/".*?</form>', refused.content.decode(), re.S
    )
    assert reopen_form is not None
    posted = {
        name: html.unescape(value)
        for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', reopen_form.group(0))
    }
    posted["json"] = stale["json"]
    reopened = client.post("/editor/draft/", posted)
    saved = _save(client, {**form_fields(reopened), "source": "json"})

    assert refused.status_code == 409
    assert form_fields(reopened)["save_message"] == ["Block exports too"]
    assert saved.status_code == 302
    assert policy.versions.get(number=3).message == "Block exports too"

"""The policy library's pages: list, one policy, rename, duplicate, share, delete,
restore, compare and the template gallery, each behind the one permission selector."""

from __future__ import annotations

import pytest
from django.test import Client

from scpstudio.policies import services
from scpstudio.policies.library_templates import policy_templates
from scpstudio.policies.models import Policy
from tests.policies.library import deny, make_user, policy_text

pytestmark = pytest.mark.django_db

LIST_DENIED = policy_text(deny(["ims:images:list"]))
GET_TOO = policy_text(deny(["ims:images:list", "ims:images:get"]))
BROKEN = (
    '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:*"], "Resource": "*"}]}'
)


@pytest.fixture
def people(db):
    alice, bob, mallory = make_user("alice"), make_user("bob"), make_user("mallory")
    own = services.create_policy(
        owner=alice, name="list guard", description="stops listing", document=LIST_DENIED
    )
    broken = services.create_policy(owner=alice, name="broken one", document=BROKEN)
    secret = services.create_policy(owner=mallory, name="mallory secret", document=LIST_DENIED)
    shared = services.create_policy(owner=bob, name="bob shared", document=LIST_DENIED)
    services.share_policy(user=bob, policy=shared, with_user=alice, can_edit=False)
    return {
        "alice": alice,
        "bob": bob,
        "mallory": mallory,
        "own": own,
        "broken": broken,
        "secret": secret,
        "shared": shared,
    }


def test_the_list_needs_a_login(client: Client) -> None:
    response = client.get("/policies/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/policies/")


def test_the_list_shows_own_and_shared_never_others(client: Client, people) -> None:
    client.force_login(people["alice"])
    body = client.get("/policies/").content.decode()
    assert "list guard" in body and "broken one" in body and "bob shared" in body
    assert "mallory secret" not in body
    assert "3 policies" in body
    assert "read only" in body  # how bob's is shared


def test_search_and_filters(client: Client, people) -> None:
    client.force_login(people["alice"])
    found = client.get("/policies/?q=listing").content.decode()
    assert "list guard" in found and "broken one" not in found
    errors = client.get("/policies/?severity=error").content.decode()
    assert "broken one" in errors and "list guard" not in errors
    nothing = client.get("/policies/?q=zzz").content.decode()
    assert "No policy matches these filters" in nothing
    odd = client.get("/policies/?profile=nope&severity=%00")
    assert odd.status_code == 200 and "There is no" in odd.content.decode()


def test_an_empty_library_says_how_to_start(client: Client) -> None:
    client.force_login(make_user("newcomer"))
    body = client.get("/policies/").content.decode()
    assert "No saved policies yet" in body and "/policies/templates/" in body


def test_another_users_policy_is_404_on_every_page(client: Client, people) -> None:
    client.force_login(people["alice"])
    pk = people["secret"].pk
    for url in (f"/policies/{pk}/", f"/policies/{pk}/compare/?from=1", f"/policies/{pk}/delete/"):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/policies/{pk}/rename/",
        f"/policies/{pk}/duplicate/",
        f"/policies/{pk}/share/",
        f"/policies/{pk}/delete/",
        f"/policies/{pk}/versions/1/restore/",
    ):
        assert client.post(url, {"name": "x", "username": "alice"}).status_code == 404, url
    assert Policy.objects.get(pk=pk).name == "mallory secret"


def test_a_reader_sees_but_cannot_change(client: Client, people) -> None:
    client.force_login(people["alice"])
    pk = people["shared"].pk
    page = client.get(f"/policies/{pk}/").content.decode()
    assert "shared with you (read only)" in page
    assert "Save name and description" not in page
    refused = client.post(f"/policies/{pk}/rename/", {"name": "mine now"})
    assert refused.status_code == 403 and "only its owner" in refused.content.decode()
    assert client.post(f"/policies/{pk}/delete/").status_code == 403
    assert Policy.objects.get(pk=pk).name == "bob shared"


def test_rename_checks_the_name_rule(client: Client, people) -> None:
    client.force_login(people["alice"])
    pk = people["own"].pk
    bad = client.post(f"/policies/{pk}/rename/", {"name": " trailing ", "description": "d"})
    assert bad.status_code == 400
    assert 'role="alert"' in bad.content.decode()
    taken = client.post(f"/policies/{pk}/rename/", {"name": "broken one", "description": ""})
    assert taken.status_code == 400
    good = client.post(f"/policies/{pk}/rename/", {"name": "list guard 2", "description": "new"})
    assert good.status_code == 302
    assert Policy.objects.get(pk=pk).name == "list guard 2"
    assert Policy.objects.get(pk=pk).latest_version == 1  # a rename is no new version


def test_duplicate_restore_and_delete(client: Client, people) -> None:
    alice = people["alice"]
    client.force_login(alice)
    own = people["own"]
    services.save_version(user=alice, policy=own, document=GET_TOO, base_version=1)
    copy = client.post(f"/policies/{own.pk}/duplicate/")
    assert copy.status_code == 302
    copied = Policy.objects.get(owner=alice, name="Copy of list guard")
    assert copied.versions.get().document == GET_TOO
    restored = client.post(f"/policies/{own.pk}/versions/1/restore/")
    assert restored.status_code == 302
    own.refresh_from_db()
    assert own.latest_version == 3
    assert own.versions.get(number=3).document == LIST_DENIED
    confirm = client.get(f"/policies/{own.pk}/delete/").content.decode()
    assert "3 versions" in confirm and "cannot be undone" in confirm
    assert client.post(f"/policies/{own.pk}/delete/").status_code == 302
    assert not Policy.objects.filter(pk=own.pk).exists()


def test_sharing_from_the_page(client: Client, people) -> None:
    client.force_login(people["alice"])
    own = people["own"]
    ok = client.post(f"/policies/{own.pk}/share/", {"username": "bob", "access": "edit"})
    assert ok.status_code == 302
    client.force_login(people["bob"])
    assert client.get(f"/policies/{own.pk}/").status_code == 200
    client.force_login(people["alice"])
    nobody = client.post(f"/policies/{own.pk}/share/", {"username": "ghost", "access": "read"})
    assert nobody.status_code == 400
    client.post(f"/policies/{own.pk}/share/", {"username": "bob", "access": "none"})
    client.force_login(people["bob"])
    assert client.get(f"/policies/{own.pk}/").status_code == 404


def test_compare_two_versions(client: Client, people) -> None:
    alice = people["alice"]
    own = people["own"]
    services.save_version(
        user=alice, policy=own, document=GET_TOO, base_version=1, message="get too"
    )
    client.force_login(alice)
    page = client.get(f"/policies/{own.pk}/compare/?from=1&to=2")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Version 1 → version 2" in body
    assert "/v2/images/{image_id}/members" in body  # through its dependency on ims:images:get
    assert "outcome-denied" in body and "ims:images:get" in body
    assert "1 line changed" in body or "lines changed" in body
    assert '<span class="mark" aria-hidden="true">+</span>' in body  # the legend's marks shown
    same = client.get(f"/policies/{own.pk}/compare/?from=2&to=2").content.decode()
    assert "No request is treated differently by the two versions." in same
    assert "identical" in same
    bad = client.get(f"/policies/{own.pk}/compare/?from=abc")
    assert bad.status_code == 400


def test_the_template_gallery(client: Client) -> None:
    body = client.get("/policies/templates/").content.decode()
    templates = policy_templates()
    assert len(templates) >= 7
    for t in templates:
        assert t.title in body
        assert f"/editor/?template={t.slug}" in body


def test_the_detail_page_downloads_exactly_what_was_saved(client: Client, people) -> None:
    client.force_login(people["alice"])
    own = people["own"]
    page = client.get(f"/policies/{own.pk}/").content.decode()
    link = f"/api/v1/policies/{own.pk}/export?format=json"
    assert link in page
    response = client.get(link)
    assert response.status_code == 200
    assert response.content == LIST_DENIED.encode()
    assert "attachment" in response.get("Content-Disposition", "")


def test_a_long_list_says_it_shows_the_first_ones(client: Client) -> None:
    from scpstudio.policies.views import LIST_LIMIT

    owner = make_user("hoarder")
    Policy.objects.bulk_create(
        Policy(owner=owner, name=f"p{i:04d}", latest_version=1) for i in range(LIST_LIMIT + 1)
    )
    client.force_login(owner)
    body = client.get("/policies/").content.decode()
    assert f"The first {LIST_LIMIT} policies" in body
    assert body.count("versions and settings") == LIST_LIMIT


def test_nul_characters_in_search_and_share_get_no_500(client: Client, people) -> None:
    client.force_login(people["alice"])
    assert client.get("/policies/?q=%00").status_code == 200
    own = people["own"]
    response = client.post(f"/policies/{own.pk}/share/", {"username": "bo\x00b", "access": "read"})
    assert response.status_code == 400
    assert not own.shares.exists()


def test_the_policy_page_lists_versions_in_pages(client: Client) -> None:
    from scpstudio.policies.models import PolicyVersion
    from scpstudio.policies.views import VERSIONS_PER_PAGE

    owner = make_user("prolific")
    policy = services.create_policy(owner=owner, name="many", document=LIST_DENIED)
    total = VERSIONS_PER_PAGE * 2 + 3
    PolicyVersion.objects.bulk_create(
        PolicyVersion(policy=policy, number=n, author=owner, document=LIST_DENIED, size=1)
        for n in range(2, total + 1)
    )
    Policy.objects.filter(pk=policy.pk).update(latest_version=total)
    client.force_login(owner)

    first = client.get(f"/policies/{policy.pk}/").content.decode()
    last = client.get(f"/policies/{policy.pk}/?page=3").content.decode()
    beyond = client.get(f"/policies/{policy.pk}/?page=99999999999999999999").content.decode()

    assert first.count('<tr id="v') == VERSIONS_PER_PAGE
    assert f'id="v{total}"' in first and f'id="v{total - VERSIONS_PER_PAGE}"' not in first
    assert f"Versions {total} to {total - VERSIONS_PER_PAGE + 1} of {total}" in first
    assert 'rel="next"' in first and "latest</span>" in first
    assert last.count('<tr id="v') == 3 and 'id="v1"' in last and "latest</span>" not in last
    assert beyond.count('<tr id="v') == 3 and 'id="v1"' in beyond  # past the end: the last page


@pytest.mark.parametrize(
    "path", ["/policies/", "/policies/templates/", "/editor/", "/catalog/", "/checks/"]
)
def test_pages_answer_head_as_monitors_send_it(client: Client, path: str) -> None:
    client.force_login(make_user("monitor"))

    response = client.head(path)

    assert response.status_code == 200
    assert response.content == b""

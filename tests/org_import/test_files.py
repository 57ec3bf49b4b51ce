"""Huawei Organizations' answers saved to files (issue 19, item 6): the tree, the service
control policies with their content exactly as given, the attachments; tag policies counted
and skipped; every shape that is not Huawei's a sentence naming the file, page and item."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scpstudio.org_import import OrgImportError, read_org_files
from scpstudio.org_import.snapshot import ImportLimits
from tests.org_import.standin import StandIn

MANAGEMENT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """The small organization's answers, two items a page, as files."""
    StandIn().save(tmp_path)
    return tmp_path


def _edit(folder: Path, name: str, value: object) -> None:
    (folder / name).write_text(value if isinstance(value, str) else json.dumps(value))


def test_the_saved_answers_build_the_tree_policies_and_attachments(saved):
    snapshot = read_org_files(saved)

    assert (snapshot.root.id, snapshot.root.name) == ("r-abcd1234", "Root")
    assert [(u.id, u.name, u.parent_id) for u in snapshot.units] == [
        ("ou-dev00001", "Dev", "r-abcd1234"),
        ("ou-prod0001", "Prod", "r-abcd1234"),
        ("ou-team0001", "Team A", "ou-dev00001"),
    ]
    assert [(a.name, a.parent_id, a.status) for a in snapshot.accounts] == [
        ("management", "r-abcd1234", "active"),
        ("dev-one", "ou-dev00001", "active"),
        ("prod-one", "ou-prod0001", "active"),
        ("prod-two", "ou-prod0001", "active"),
        ("team-a-one", "ou-team0001", "active"),
    ]
    assert [(p.id, p.name, p.builtin) for p in snapshot.policies] == [
        ("p-FullAccess", "FullAccess", True),
        ("p-noshare001", "No sharing", False),
    ]
    assert snapshot.policies[1].content == (
        '{\n    "Version": "5.0",\n    "Statement": [{"Sid": "NoShare", "Effect": "Deny",'
        ' "Action": ["ims:images:share"]}]\n}'
    )
    attached = [(a.policy_id, a.entity_id, a.entity_type) for a in snapshot.attachments]
    assert len(attached) == 10
    assert ("p-noshare001", "ou-dev00001", "organizational_unit") in attached
    assert ("p-FullAccess", MANAGEMENT, "account") in attached
    assert snapshot.skipped == (
        "1 tag policy was counted and skipped: only service control policies are imported.",
    )
    assert snapshot.depth_of("ou-team0001") == 2
    assert snapshot.summary == (
        "Root Root (r-abcd1234): 3 OUs, 5 accounts, 2 service control policies, 10 attachments."
    )


def test_one_page_may_be_saved_as_itself_or_as_a_list_of_one_page(saved):
    page = json.loads((saved / "accounts/ou-prod0001.json").read_text())
    assert isinstance(page, dict)  # two accounts, two a page: saved as the answer itself
    _edit(saved, "accounts/ou-prod0001.json", [page])

    snapshot = read_org_files(saved)

    assert [a.name for a in snapshot.accounts if a.parent_id == "ou-prod0001"] == [
        "prod-one",
        "prod-two",
    ]


def test_a_missing_answer_is_refused_naming_the_file_and_the_request(saved):
    (saved / "accounts/ou-team0001.json").unlink()

    with pytest.raises(OrgImportError) as raised:
        read_org_files(saved)

    assert raised.value.sentence == (
        "The folder has no accounts/ou-team0001.json: save the answer of GET "
        "/v1/organizations/accounts?parent_id=ou-team0001 there (every page, as a JSON list "
        "of the pages when there are several)."
    )


ROOTS = "roots.json (GET /v1/organizations/roots)"
PROD = "accounts/ou-prod0001.json (GET /v1/organizations/accounts?parent_id=ou-prod0001)"
ENTITIES = (
    "policies/p-noshare001/attached-entities.json "
    "(GET /v1/organizations/policies/p-noshare001/attached-entities)"
)
ACCOUNT_PAGE = {
    "accounts": [{"id": "5a1b", "name": "x", "urn": "u"}],
    "page_info": {"current_count": 1, "next_marker": None},
}


@pytest.mark.parametrize(
    ("name", "value", "sentence"),
    [
        (
            "roots.json",
            '{"roots": [',
            f"{ROOTS}: not valid JSON (Expecting value at line 1, column 12).",
        ),
        ("roots.json", b"\xff\xfe{}", f"{ROOTS}: the file is not UTF-8 text."),
        ("roots.json", {"roots": {}}, f"{ROOTS}: roots must be a list, not an object."),
        ("roots.json", [], f"{ROOTS}: there is no answer."),
        ("roots.json", {"roots": []}, f"{ROOTS}: the organization has no root."),
        (
            "roots.json",
            {"roots": [{"id": "r-abcd1234", "name": "A"}, {"id": "r-efgh5678", "name": "B"}]},
            f"{ROOTS}: the organization has 2 roots; one organization (one root) is imported "
            "per installation.",
        ),
        (
            "roots.json",
            {"roots": [{"id": 7, "name": "Root"}]},
            f'{ROOTS}, roots[0]: "id" must be a non-empty string, not a number.',
        ),
        (
            "roots.json",
            {"roots": [{"id": "ou-abcdefgh", "name": "Root"}]},
            f"{ROOTS}, roots[0]: the id 'ou-abcdefgh' is not a Huawei id (\"r-\" then letters, "
            'digits, "-", "_").',
        ),
        (
            "accounts/ou-prod0001.json",
            {"accounts": [{"id": "../../etc", "name": "x"}]},
            f"{PROD}, accounts[0]: the id '../../etc' is not a Huawei id (letters, digits, "
            '"-", "_").',
        ),
        (
            "accounts/ou-prod0001.json",
            {"accounts": ["x"]},
            f"{PROD}, accounts[0]: must be an object, not a string.",
        ),
        (
            "accounts/ou-prod0001.json",
            {"accounts": [], "page_info": {"current_count": 2, "next_marker": None}},
            f"{PROD}: page_info.current_count says 2 but the page lists 0 accounts.",
        ),
        (
            "accounts/ou-prod0001.json",
            [{**ACCOUNT_PAGE, "page_info": {"current_count": 1, "next_marker": "mk-1"}}],
            f"{PROD}: the last page says more follow (next_marker 'mk-1'); every page of the "
            "answer is needed.",
        ),
        (
            "accounts/ou-prod0001.json",
            [ACCOUNT_PAGE, {"accounts": 3}],
            f"{PROD}, page 2: accounts must be a list, not a number.",
        ),
        (
            "accounts/ou-prod0001.json",
            {"accounts": [], "page_info": "none"},
            f"{PROD}: page_info must be an object, not a string.",
        ),
        (
            "accounts/ou-prod0001.json",
            {"accounts": [{"id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "name": "again"}]},
            f"{PROD}, accounts[0]: 0a1b2c3d4e5f60718293a4b5c6d7e8f9 was already read at "
            "accounts/r-abcd1234.json (GET /v1/organizations/accounts?parent_id=r-abcd1234), "
            "accounts[0].",
        ),
        (
            "policies/p-noshare001.json",
            {"policy": {"content": {"Version": "5.0"}}},
            "policies/p-noshare001.json (GET /v1/organizations/policies/p-noshare001): "
            "policy.content must be a string, not an object.",
        ),
        (
            "policies/p-noshare001.json",
            [{"policy": {"content": "{}"}}, {"policy": {"content": "{}"}}],
            "policies/p-noshare001.json (GET /v1/organizations/policies/p-noshare001): the "
            "answer must be one JSON object, not a list.",
        ),
        (
            "policies/p-noshare001/attached-entities.json",
            {"attached_entities": [{"id": "ou-elsewhere", "type": "organizational_unit"}]},
            f"{ENTITIES}, attached_entities[0]: p-noshare001 is attached to the organizational "
            "unit ou-elsewhere, which is not in the organization's tree as read.",
        ),
        (
            "policies/p-noshare001/attached-entities.json",
            {"attached_entities": [{"id": "ou-dev00001", "name": "Dev", "type": "folder"}]},
            f'{ENTITIES}, attached_entities[0]: "type" must be root, organizational_unit or '
            "account, not 'folder'.",
        ),
    ],
    ids=[
        "not JSON", "not UTF-8", "not a list", "no page", "no root", "two roots", "id type",
        "id shape", "id a path", "item not an object", "count", "unfinished paging",
        "second page", "page_info", "node twice", "content", "policy paged", "unknown node",
        "entity type",
    ],
)  # fmt: skip
def test_every_shape_that_is_not_huaweis_is_a_sentence_naming_where(saved, name, value, sentence):
    if isinstance(value, bytes):
        (saved / name).write_bytes(value)
    else:
        _edit(saved, name, value)

    with pytest.raises(OrgImportError) as raised:
        read_org_files(saved)

    assert raised.value.sentence == sentence


def test_an_ou_deeper_than_the_limit_is_refused(saved):
    with pytest.raises(OrgImportError) as raised:
        read_org_files(saved, ImportLimits(max_depth=1))

    assert raised.value.sentence == (
        "organizational-units/ou-dev00001.json (GET /v1/organizations/organizational-units?"
        "parent_id=ou-dev00001), organizational_units[0]: ou-team0001 is 2 OU levels below "
        "the root; at most 1 are allowed."
    )


def test_policies_past_the_limit_are_refused_before_their_content_is_read(saved):
    (saved / "policies" / "p-noshare001.json").unlink()

    with pytest.raises(OrgImportError) as raised:
        read_org_files(saved, ImportLimits(max_policies=2))

    assert raised.value.sentence == (
        "policies.json (GET /v1/organizations/policies): the organization has 3 policies; at "
        "most 2 are read."
    )


def test_a_folder_that_does_not_exist_is_a_sentence(tmp_path):
    with pytest.raises(OrgImportError) as raised:
        read_org_files(tmp_path / "nowhere")

    assert raised.value.sentence == f"{tmp_path / 'nowhere'} is not a folder of saved answers."

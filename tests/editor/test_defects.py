"""Defects found in the browser, each with the input that showed it."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.editor.helpers import EDITOR, form_fields, read_page, resubmit

pytestmark = pytest.mark.django_db

COPY = "POST /v1/cloudimages/{image_id}/copy"


def _open(client, document):
    return client.post(EDITOR, {"op": "json", "source": "json", "json": json.dumps(document)})


def _row(page, api: str) -> str:
    body = page.content.decode()
    start = body.index(f'data-api="{api}"')
    return body[start : body.index("</tr>", start)]


def test_an_unnamed_statement_is_number_1_everywhere(client):
    page = _open(
        client,
        {
            "Version": "5.0",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": ["ims:images:copyInRegion"],
                    "Condition": {"Bool": {"ims:Encrypted": "false"}},
                }
            ],
        },
    )

    row = _row(page, COPY)
    assert "statement #1" in row
    assert "#0" not in row


def test_an_unknown_resource_is_said_in_words(client):
    page = _open(
        client,
        {
            "Version": "5.0",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": ["ims:images:copyInRegion"],
                    "Resource": ["ims:*:*:image:abc"],
                }
            ],
        },
    )

    row = _row(page, COPY)
    assert "any region, any account, any image" in row
    assert "{?}" not in row


def test_null_is_offered_once_before_a_key_is_chosen(client):
    page = client.post(EDITOR, {"statement_count": "1", "op": "add-condition-0"})

    body = page.content.decode()
    select = re.search(r'<select id="s0-c0-operator".*?</select>', body, re.S).group(0)
    assert select.count('value="Null"') == 1


def test_the_tag_key_field_starts_empty_not_with_the_placeholder(client):
    page = client.post(
        EDITOR,
        {
            "statement_count": "1",
            "s0-actions": "ims:images:setOrDeleteTags",
            "s0-condition_count": "1",
            "s0-c0-key": "g:RequestTag/<tag-key>",
            "op": "refresh",
        },
    )

    tag = re.search(r'<input id="s0-c0-tag"[^>]*>', page.content.decode()).group(0)
    assert 'value=""' in tag
    assert "&lt;tag-key&gt;" not in tag


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("g:ResourceTag/env dev", "Context line 1 is not key=value: 'g:ResourceTag/env dev'"),
        ("g:NoSuchKey=1", "Context line 1: g:NoSuchKey is not a condition key the catalog knows"),
        ("g:MFAAge=abc", "Context line 1: g:MFAAge takes a number; 'abc' is not one"),
        ("g:SourceIp=abcdeft", "g:SourceIp takes an IP address or CIDR range; 'abcdeft'"),
        ("<b>bold</b>", "Context line 1 is not key=value: '&lt;b&gt;bold&lt;/b&gt;'"),
    ],
)
def test_a_context_line_that_cannot_say_what_it_means_is_marked(client, line, said):
    page = client.get(EDITOR)

    answer = resubmit(client, page, "check", ctx_keys=line)

    problems = re.search(
        r'<ul class="warn" id="context-problems".*?</ul>', answer.content.decode(), re.S
    )
    assert problems is not None
    assert said in problems.group(0).replace("&#x27;", "'")


def test_a_terraform_file_is_not_read_as_json_and_says_what_is_accepted(client):
    upload = SimpleUploadedFile("guard.tf", b'resource "huaweicloud_organizations_policy" "x" {}')

    page = client.post("/editor/import/", {"import_file": upload})

    body = page.content.decode()
    assert "That is a Terraform file; the editor opens a JSON policy" in body
    assert "Expecting value" not in body


def test_an_imported_file_gives_the_policy_its_name(client):
    document = {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:share"]}]}
    upload = SimpleUploadedFile("deny-sharing.json", json.dumps(document).encode())

    page = client.post("/editor/import/", {"import_file": upload})

    assert form_fields(page)["name"] == ["deny-sharing"]


DRAFT = '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ims:images:share"}]}'
KEPT = {"draft_json": DRAFT, "draft_name": "my-guard", "draft_description": "mine"}


def test_text_that_is_not_json_says_what_the_editor_opens_and_keeps_both_texts(client):
    page = client.post("/editor/import/", {"import_text": "name = value", **KEPT})

    assert page.status_code == 400
    assert "That is not a JSON policy" in page.content.decode()
    assert read_page(page).textareas["json"] == DRAFT
    assert read_page(page).textareas["import_text"] == "name = value"
    assert form_fields(page)["name"] == ["my-guard"]


@pytest.mark.parametrize(
    ("filename", "content", "said"),
    [
        ("not_policy.csv", b"a,b\n1,2\n", "That is not a JSON policy"),
        ("list.json", b"[1, 2]", "That JSON is a list, not a policy"),
        ("config.json", b'{"name": "x", "size": 3}', "this one has name, size"),
        ("latin.json", '{"Sid": "caf\u00e9"}'.encode("latin-1"), "not UTF-8"),
        ("main.tf", b"resource {}", "That is a Terraform file"),
    ],
)
def test_a_file_that_is_not_a_policy_leaves_the_draft_and_its_name_alone(
    client, filename, content, said
):
    upload = SimpleUploadedFile(filename, content)

    page = client.post("/editor/import/", {"import_file": upload, **KEPT})

    assert page.status_code == 400
    assert said in page.content.decode()
    assert read_page(page).textareas["json"] == DRAFT
    assert form_fields(page)["name"] == ["my-guard"]
    assert form_fields(page)["description"] == ["mine"]


def test_a_policy_with_a_syntax_error_is_taken_to_be_mended(client):
    broken = '{"Version": "5.0", "Statement": [}'

    page = client.post("/editor/import/", {"import_text": broken, **KEPT})

    assert page.status_code == 200
    assert read_page(page).textareas["json"] == broken

"""Downloads (pretty JSON, minified JSON, Terraform), and opening a pasted or uploaded policy."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from scpstudio.engine.document import to_minified
from scpstudio.engine.export import terraform_snippet
from tests.editor.helpers import EDITOR, form_fields, shown_document, shown_json

pytestmark = pytest.mark.django_db

EXPORT = "/editor/export/"
IMPORT = "/editor/import/"

POLICY = {
    "Version": "5.0",
    "Statement": [
        {
            "Sid": "DenyShare",
            "Effect": "Deny",
            "Action": ["ims:images:share"],
            "Resource": ["ims:*:*:image:${aws:username}"],
            "Condition": {
                "StringNotMatch": {"g:PrincipalUrn": ["iam::%{x}:user:*", 'quote " and \\ back']}
            },
        }
    ],
}


def _form_for(client: Any, document: Any, name: str = "", description: str = "") -> dict:
    page = client.post(
        EDITOR,
        {"op": "json", "json": json.dumps(document), "name": name, "description": description},
    )
    return form_fields(page)


def _download(client: Any, op: str, **fields: Any) -> Any:
    return client.post(EXPORT, {**fields, "op": op})


# -- JSON ------------------------------------------------------------------------------------------


def test_download_json_is_the_text_as_shown_with_a_filename_from_the_name(client):
    fields = _form_for(client, POLICY, name="Deny image sharing!")

    response = _download(client, "download-pretty", **fields)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="deny_image_sharing.json"'
    text = response.content.decode()
    assert json.loads(text) == POLICY
    assert text == fields["json"][0]  # the JSON text exactly as shown, not rewritten


def test_minified_download_has_no_insignificant_whitespace(client):
    fields = _form_for(client, POLICY, name="p")

    response = _download(client, "download-minified", **fields)

    assert response.content.decode() == to_minified(POLICY)
    assert response["Content-Disposition"] == 'attachment; filename="p.json"'


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("", "scp.json"),
        ("../../etc/passwd", "etc_passwd.json"),
        ('a"b; filename=evil.exe', "a_b_filename_evil_exe.json"),
        ("策略", "scp.json"),
        ("x" * 300, "x" * 64 + ".json"),
        ("Deny\r\nSet-Cookie: a=b", "deny_set-cookie_a_b.json"),
    ],
)
def test_the_filename_is_a_safe_slug_of_the_name(client, name, filename):
    response = _download(client, "download-pretty", name=name, statement_count="1")

    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_json_that_leads_is_downloaded_as_typed_not_rewritten_by_the_form(client):
    document = {"Version": "1.1", "Statement": [{"Effect": "Deny", "Action": ["ims:images:get"]}]}

    response = _download(client, "download-pretty", source="json", json=json.dumps(document))

    assert json.loads(response.content) == document


@pytest.mark.parametrize("op", ["download-pretty", "download-minified", "download-terraform"])
def test_a_json_syntax_error_answers_400_with_a_message_not_a_download(client, op):
    response = _download(client, op, source="json", json='{"Version": "5.0",')

    assert response.status_code == 400
    assert "Content-Disposition" not in response
    body = response.content.decode()
    assert "<html" in body
    assert "The policy is not valid JSON: Expecting property name" in body
    assert 'role="status"' in body


def test_a_lone_surrogate_escape_is_exported_as_the_escape(client):
    text = '{"Version": "5.0", "Statement": [], "X": "\\ud800"}'

    response = _download(client, "download-minified", source="json", json=text)

    assert response.status_code == 200
    assert response.content.decode() == '{"Version":"5.0","Statement":[],"X":"\\ud800"}'


# -- Terraform ------------------------------------------------------------------------------


def _hcl_unescape(text: str) -> str:
    return text.replace("$${", "${").replace("%%{", "%{")


def _terraform_parts(snippet: str) -> dict[str, Any]:
    """The snippet's attributes, checked to be the shape the provider expects."""
    match = re.fullmatch(
        r'resource "huaweicloud_organizations_policy" "(?P<label>[A-Za-z_][A-Za-z0-9_-]*)" \{\n'
        r"  name        = (?P<name>\"[^\n]*\")\n"
        r'  type        = "service_control_policy"\n'
        r"  description = (?P<description>\"[^\n]*\")\n"
        r"  content     = jsonencode\((?P<content>.*)\)\n"
        r"\}\n",
        snippet,
        re.S,
    )
    assert match, snippet
    for part in ("name", "description", "content"):
        assert "${" not in match[part].replace("$${", ""), part
        assert "%{" not in match[part].replace("%%{", ""), part
    return {
        "label": match["label"],
        "name": json.loads(_hcl_unescape(match["name"])),
        "description": json.loads(_hcl_unescape(match["description"])),
        "content": json.loads(_hcl_unescape(match["content"])),
    }


def test_terraform_download_is_an_organizations_policy_resource(client):
    fields = _form_for(client, POLICY, name="Deny ${var.x}", description="100%{ sure }")

    response = _download(client, "download-terraform", **fields)

    assert response["Content-Disposition"] == 'attachment; filename="deny_var_x.tf"'
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    snippet = response.content.decode()
    assert 'resource "huaweicloud_organizations_policy"' in snippet
    assert 'type        = "service_control_policy"' in snippet
    assert '"ims:*:*:image:$${aws:username}"' in snippet
    assert '"iam::%%{x}:user:*"' in snippet
    parts = _terraform_parts(snippet)
    assert parts == {
        "label": "deny_var_x",
        "name": "Deny ${var.x}",
        "description": "100%{ sure }",
        "content": POLICY,
    }


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "${x}",
        "$${x}",
        "%{if}",
        "a\\b",
        'q"q',
        "tab\there",
        "\b\f\x00",
        "\\b",
        "\u2028",
        "é",
    ],
)
def test_terraform_keeps_any_string_as_written(text):
    document = {"Version": "5.0", "Statement": [{"Sid": text, "Effect": "Deny", "Action": [text]}]}

    parts = _terraform_parts(terraform_snippet(document, name=text, description=text))

    assert parts["content"] == document
    assert parts["name"] == text
    assert parts["description"] == text


def test_terraform_resource_name_starts_with_a_letter_or_underscore():
    snippet = terraform_snippet(
        {"Version": "5.0", "Statement": []}, name="2026 policy", description=""
    )

    assert _terraform_parts(snippet)["label"] == "scp_2026_policy"


def test_the_page_offers_the_terraform_panel_and_escapes_the_name(client):
    page = client.post(EDITOR, {"op": "json", "json": json.dumps(POLICY), "name": "<b>x</b>"})

    body = page.content.decode()
    assert 'hx-vals=\'{"op": "show-terraform"}\'' in body
    assert "<b>x</b>" not in body


# -- import ---------------------------------------------------------------------------------


def test_pasted_text_opens_in_the_form(client):
    response = client.post(IMPORT, {"import_text": json.dumps(POLICY)})

    assert response.status_code == 200
    assert "Imported." in response.content.decode()
    assert form_fields(response)["s0-actions"] == ["ims:images:share"]
    assert shown_document(response) == POLICY


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_an_uploaded_file_opens_in_the_form(client, encoding):
    upload = SimpleUploadedFile(
        "policy.json", json.dumps(POLICY).encode(encoding), content_type="application/json"
    )

    response = client.post(IMPORT, {"import_file": upload})

    assert "Imported." in response.content.decode()
    assert form_fields(response)["s0-sid"] == ["DenyShare"]


def test_a_file_that_is_not_utf_8_is_refused_with_a_sentence(client):
    upload = SimpleUploadedFile("policy.json", json.dumps(POLICY).encode("utf-16"))

    response = client.post(IMPORT, {"import_file": upload})

    assert response.status_code == 400
    assert "The file is not UTF-8 text" in response.content.decode()


def test_a_file_over_1_mb_is_refused_with_a_sentence(client):
    upload = SimpleUploadedFile("policy.json", b" " * (1024 * 1024 + 1))

    response = client.post(IMPORT, {"import_file": upload})

    assert response.status_code == 400
    assert "The file is larger than 1 MB" in response.content.decode()


def test_a_file_under_1_mb_but_too_long_for_the_editor_says_so(client):
    upload = SimpleUploadedFile("policy.json", b" " * 200_000 + json.dumps(POLICY).encode())

    response = client.post(IMPORT, {"import_file": upload})

    assert "longer than 100,000 characters" in response.content.decode()


def test_nothing_to_import_asks_for_a_policy(client):
    response = client.post(IMPORT, {"import_text": "   "})

    assert "Paste a policy or choose a file to import." in response.content.decode()


def test_imported_json_with_a_syntax_error_leads_and_says_where(client):
    response = client.post(IMPORT, {"import_text": '{\n  "Version": "5.0",\n  "Statement": [}'})

    body = response.content.decode()
    assert "The form is paused." in body
    assert re.search(r"line 3, column \d+", body)
    assert "Imported." not in body


def test_imported_json_the_form_cannot_show_is_kept_as_typed(client):
    text = json.dumps({**POLICY, "Id": "<script>alert(1)</script>"})

    response = client.post(IMPORT, {"import_text": text})

    body = response.content.decode()
    assert "the element &#x27;Id&#x27; has no place in the form" in body
    assert shown_json(response) == text
    assert "<script>alert(1)" not in body


def test_import_with_an_unknown_profile_still_opens(client):
    plain = client.get(EDITOR).content.decode()

    response = client.post(IMPORT, {"import_text": json.dumps(POLICY), "profile": "<script>"})

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<script") == plain.count("<script")


def test_an_uploaded_file_with_a_lone_surrogate_escape_is_not_a_server_error(client):
    upload = SimpleUploadedFile(
        "p.json", b'{"Version": "5.0", "Statement": [], "X": 1}\xed\xa0\x80'
    )

    response = client.post(IMPORT, {"import_file": upload})

    assert "The file is not UTF-8 text" in response.content.decode()


def test_the_terraform_panel_loads_the_snippet_on_demand(client):
    response = client.post(
        "/editor/export/",
        {
            "op": "show-terraform",
            "name": "no <sharing>",
            "statement_count": "1",
            "s0-effect": "Deny",
            "s0-actions": "ims:images:share",
            "s0-resource_mode": "all",
        },
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "huaweicloud_organizations_policy" in body
    assert "no &lt;sharing&gt;" in body
    assert "Content-Disposition" not in response

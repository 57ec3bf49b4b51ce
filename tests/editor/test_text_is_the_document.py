"""The JSON text is the document: form edits, buttons and fixes change only what they say."""

from __future__ import annotations

import json
import re

import pytest

from tests.editor.helpers import EDITOR, HTMX, form_fields, resubmit, shown_json

pytestmark = pytest.mark.django_db

PASTED = (
    '{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["IMS:Images:Share",'
    '"ims:images:list","ims:*:list*"],"Resource":["*"]}]}'
)
WRITTEN = """{
  "Statement": [
    {
      "Resource": "*",
      "Action": ["ims:images:share", "ims:images:get"],
      "Effect": "Deny",
      "Condition": {"Bool": {"ims:Encrypted": "false"}}
    },
    {"Effect": "Deny", "Action": "ims:images:delete*"}
  ],
  "Version": "5.0"
}"""


def _open(client, text: str):
    return client.post(EDITOR, {"op": "json", "source": "json", "json": text})


def _op_for(page, code: str, label: str = "Fix") -> str:
    """The op of the button beside the finding with this code."""
    body = page.content.decode()
    item = re.search(
        rf'<li class="finding[^"]*">(?:(?!</li>).)*?{code}(?:(?!</li>).)*</li>', body, re.S
    )
    assert item, f"no finding {code}"
    return re.search(rf'name="op" value="([^"]+)"[^>]*>{label}<', item.group(0)).group(1)


def test_the_case_fix_of_a_pasted_policy_fixes_the_case_and_nothing_else(client):
    page = _open(client, PASTED)
    op = _op_for(page, "ACTION_CASE")

    answer = resubmit(client, page, op)

    assert shown_json(answer) == PASTED.replace("IMS:Images:Share", "ims:images:share")


def test_a_fix_names_its_finding_so_a_changed_list_does_not_misdirect_it(client):
    page = _open(client, PASTED)
    op = _op_for(page, "ACTION_CASE")
    fixed_meanwhile = PASTED.replace("IMS:Images:Share", "ims:images:share")
    # the person corrected the case in the JSON before clicking the button drawn earlier
    edited = client.post(EDITOR, {**form_fields(page), "op": "json", "json": fixed_meanwhile})

    answer = resubmit(client, edited, op)

    assert "That fix no longer applies" in answer.content.decode()
    assert shown_json(answer) == fixed_meanwhile


def test_a_form_edit_changes_only_the_value_it_touches(client):
    page = _open(client, WRITTEN)

    answer = resubmit(client, page, "check", **{"s1-sid": "NoDelete"})

    assert shown_json(answer) == WRITTEN.replace(
        '{"Effect": "Deny", "Action": "ims:images:delete*"}',
        '{"Sid": "NoDelete", "Effect": "Deny", "Action": "ims:images:delete*"}',
    )


def test_an_untouched_form_leaves_the_text_byte_for_byte(client):
    page = _open(client, WRITTEN)

    answer = resubmit(client, page, "check")

    assert shown_json(answer) == WRITTEN


def test_ticking_an_action_adds_it_at_the_end_of_the_list_as_written(client):
    page = _open(client, WRITTEN)
    fields = form_fields(page)
    fields["s0-actions"] = [*fields["s0-actions"], "ims:images:export"]

    answer = client.post(EDITOR, {**fields, "op": "refresh"})

    assert '"Action": ["ims:images:share", "ims:images:get", "ims:images:export"],' in (
        shown_json(answer)
    )
    assert '"Resource": "*"' in shown_json(answer)


def test_moving_a_statement_keeps_each_statement_as_written(client):
    page = _open(client, WRITTEN)

    answer = resubmit(client, page, "down-0")

    text = shown_json(answer)
    assert text.index('{"Effect": "Deny", "Action": "ims:images:delete*"}') < text.index(
        '"Resource": "*"'
    )
    assert json.loads(text)["Statement"][1]["Condition"] == {"Bool": {"ims:Encrypted": "false"}}


def test_a_new_condition_row_joins_the_text_only_once_it_has_a_key(client):
    page = _open(client, WRITTEN)
    added = resubmit(client, page, "add-condition-1", **HTMX)
    assert shown_json(added) == WRITTEN
    fields = form_fields(client.post(EDITOR, {**form_fields(page), "op": "add-condition-1"}))
    fields.update(
        {"s1-c0-key": ["g:MFAPresent"], "s1-c0-operator": ["Bool"], "s1-c0-values": ["false"]}
    )

    answer = client.post(EDITOR, {**fields, "op": "check"})

    text = shown_json(answer)
    assert json.loads(text)["Statement"][1]["Condition"] == {"Bool": {"g:MFAPresent": False}}
    assert text.startswith(WRITTEN.split('{"Effect": "Deny", "Action"')[0])


def test_download_json_is_the_shown_text_even_with_a_form_edit_not_yet_answered(client):
    page = _open(client, WRITTEN)
    fields = form_fields(page)
    fields["s0-sid"] = ["Keep"]

    response = client.post("/editor/export/", {**fields, "op": "download-pretty"})

    assert response.content.decode() == WRITTEN.replace(
        '{\n      "Resource"', '{\n      "Sid": "Keep",\n      "Resource"'
    )


def test_choosing_specific_resources_writes_a_resource_the_text_left_out(client):
    text = '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ims:images:get"}]}'
    page = _open(client, text)

    answer = resubmit(
        client,
        page,
        "check",
        **{"s0-resource_mode": "specific", "s0-resources": "ims:*:*:image:abc"},
    )

    assert shown_json(answer) == text.replace(
        '"ims:images:get"}', '"ims:images:get", "Resource": ["ims:*:*:image:abc"]}'
    )


def test_a_form_change_made_before_a_json_edit_reached_the_server_is_kept(client):
    page = _open(client, WRITTEN)
    fields = form_fields(page)
    # the Sid typed in the form; the JSON then edited from the text that had no Sid yet
    fields["s1-sid"] = ["Typed"]
    edited = WRITTEN.replace('"ims:images:delete*"', '"ims:images:delete*", "Resource": "*"')

    page_after = client.post(EDITOR, {**fields, "op": "json", "json": edited, "json_base": WRITTEN})
    assert shown_json(page_after) == edited.replace(
        '{"Effect": "Deny", "Action": "ims:images:delete*"',
        '{"Sid": "Typed", "Effect": "Deny", "Action": "ims:images:delete*"',
    )

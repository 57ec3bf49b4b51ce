"""A keystroke in the JSON view redraws only the statements it changed."""

from __future__ import annotations

import json
import re

import pytest

from tests.editor.helpers import EDITOR, form_fields

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
DOCUMENT = {
    "Version": "5.0",
    "Statement": [
        {"Sid": "First", "Effect": "Deny", "Action": ["ims:images:share"], "Resource": ["*"]},
        {"Sid": "Second", "Effect": "Deny", "Action": ["ims:images:get"], "Resource": ["*"]},
    ],
}


def _open(client):
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": json.dumps(DOCUMENT)})
    return form_fields(page)


def test_editing_one_statement_in_the_json_redraws_only_that_statement(client):
    fields = _open(client)
    edited = json.loads(json.dumps(DOCUMENT))
    edited["Statement"][1]["Action"] = ["ims:images:get", "ims:images:export"]

    response = client.post(EDITOR, {**fields, "op": "json", "json": json.dumps(edited)}, **HTMX)

    body = response.content.decode()
    assert 'id="statement-1"' in body
    assert 'id="statement-0"' not in body
    assert 'value="ims:images:export" checked' in body
    assert 'name="filled_slots"' in body  # the page learns which slots hold findings


def test_a_changed_statement_count_redraws_the_whole_form(client):
    fields = _open(client)
    edited = {**DOCUMENT, "Statement": DOCUMENT["Statement"][:1]}

    response = client.post(EDITOR, {**fields, "op": "json", "json": json.dumps(edited)}, **HTMX)

    body = response.content.decode()
    assert 'id="workspace" hx-swap-oob="true"' in body
    assert 'name="statement_count" value="1"' in body


def test_reordering_actions_in_the_json_redraws_nothing(client):
    fields = _open(client)
    two = json.loads(json.dumps(DOCUMENT))
    two["Statement"][0]["Action"] = ["ims:images:share", "ims:images:addMember"]
    fields = form_fields(
        client.post(EDITOR, {**fields, "op": "json", "source": "json", "json": json.dumps(two)})
    )
    two["Statement"][0]["Action"].reverse()

    response = client.post(EDITOR, {**fields, "op": "json", "json": json.dumps(two)}, **HTMX)

    body = response.content.decode()
    assert 'class="statement"' not in body
    assert "workspace" not in body


def test_pattern_feedback_is_sent_while_shown_and_cleared_once(client):
    fields = _open(client)
    fields["s0-patterns"] = ["ims:images:list*"]

    typed = client.post(EDITOR, {**fields, "op": "check"}, **HTMX)
    shown = re.search(r'name="filled_slots" value="([^"]*)"', typed.content.decode()).group(1)
    cleared = client.post(
        EDITOR, {**fields, "op": "check", "s0-patterns": [""], "filled_slots": shown}, **HTMX
    )
    quiet = client.post(EDITOR, {**fields, "op": "check", "s0-patterns": [""]}, **HTMX)

    assert "ims:images:list* matches 4 actions" in typed.content.decode()
    assert 'id="m-s0" aria-live="polite" hx-swap-oob="true"></p>' in cleared.content.decode()
    assert 'id="m-s0"' not in quiet.content.decode()


def test_a_middle_statement_redrawn_alone_keeps_both_move_buttons(client):
    three = json.loads(json.dumps(DOCUMENT))
    three["Statement"].append({"Effect": "Deny", "Action": ["ims:images:get"]})
    fields = form_fields(
        client.post(EDITOR, {"op": "json", "source": "json", "json": json.dumps(three)})
    )
    three["Statement"][1]["Action"] = ["ims:images:export"]

    response = client.post(EDITOR, {**fields, "op": "json", "json": json.dumps(three)}, **HTMX)

    body = response.content.decode()
    assert 'id="statement-1"' in body
    up = re.search(r'<button id="op-up-1"[^>]*>', body).group(0)
    down = re.search(r'<button id="op-down-1"[^>]*>', body).group(0)
    assert "disabled" not in up
    assert "disabled" not in down

"""Boxes ticked together in one request join the text in the order they were ticked.

The browser posts the ticked boxes (`s0-actions`) in the picker's order; editor.js names
the boxes ticked since its last request, in the order ticked, as `s0-ticked`.
"""

from __future__ import annotations

import html
import json
import re

import pytest

from scpstudio.editor.state import MAX_ITEMS
from tests.editor.helpers import EDITOR, HTMX, form_fields, shown_json

pytestmark = pytest.mark.django_db

PASTED = (
    '{"Version":"5.0","Statement":[{"Effect":"Deny","Action":"ims:images:deleteImage",'
    '"Resource":"*"}]}'
)
# `get` comes before `share` in the picker
TICKED_IN_ORDER = PASTED.replace(
    '"ims:images:deleteImage"',
    '["ims:images:deleteImage","ims:images:share","ims:images:get"]',
)
IN_PICKER_ORDER = PASTED.replace(
    '"ims:images:deleteImage"',
    '["ims:images:deleteImage","ims:images:get","ims:images:share"]',
)


def _fields_with_both_ticked(client) -> dict[str, list[str]]:
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": PASTED})
    fields = form_fields(page)
    assert fields["s0-actions"] == ["ims:images:deleteImage"]
    fields["s0-actions"] = ["ims:images:deleteImage", "ims:images:get", "ims:images:share"]
    return fields


def _answered_json(response) -> str:
    """The JSON text an htmx answer writes into the page (out of band)."""
    found = re.search(
        r'<textarea id="json"[^>]*>\n?(.*?)</textarea>', response.content.decode(), re.S
    )
    assert found, "the answer rewrites no JSON"
    return html.unescape(found.group(1))


def test_two_boxes_ticked_in_one_request_join_the_text_in_the_order_ticked(client):
    fields = _fields_with_both_ticked(client)
    fields["s0-ticked"] = ["ims:images:share", "ims:images:get"]

    answer = client.post(
        EDITOR,
        json.dumps({**fields, "op": ["refresh"], "changed": ["s0-a-ims:images:get"]}),
        content_type="application/json",
        **HTMX,
    )

    assert answer.status_code == 200
    assert _answered_json(answer).encode() == TICKED_IN_ORDER.encode()


def test_the_order_ticked_also_holds_for_a_page_posted_whole(client):
    fields = _fields_with_both_ticked(client)
    fields["s0-ticked"] = ["ims:images:share", "ims:images:get"]

    answer = client.post(EDITOR, {**fields, "op": "refresh"})

    assert shown_json(answer).encode() == TICKED_IN_ORDER.encode()


def test_without_the_ticked_field_boxes_join_in_the_picker_order(client):
    fields = _fields_with_both_ticked(client)

    answer = client.post(EDITOR, {**fields, "op": "refresh"})

    assert shown_json(answer).encode() == IN_PICKER_ORDER.encode()


def test_names_posted_as_ticked_that_are_no_ticked_box_are_ignored(client):
    fields = _fields_with_both_ticked(client)
    # `export` was ticked and unticked again; the rest is not a box at all
    fields["s0-ticked"] = [
        "ims:images:export",
        "x" * 201,
        "ims:images:share",
        "ims:images:get",
    ]

    answer = client.post(EDITOR, {**fields, "op": "refresh"})

    assert shown_json(answer).encode() == TICKED_IN_ORDER.encode()


def test_only_the_first_names_a_statement_may_hold_are_read_as_ticked(client):
    fields = _fields_with_both_ticked(client)
    fields["s0-ticked"] = ["ims:images:export"] * MAX_ITEMS + ["ims:images:get"]

    answer = client.post(EDITOR, {**fields, "op": "refresh"})

    assert shown_json(answer).encode() == IN_PICKER_ORDER.encode()


def test_unticking_still_removes_the_action_from_the_text(client):
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": TICKED_IN_ORDER})
    fields = form_fields(page)
    fields["s0-actions"] = [a for a in fields["s0-actions"] if a != "ims:images:share"]
    fields["s0-ticked"] = ["ims:images:share"]  # ticked, then unticked before it was sent

    answer = client.post(EDITOR, {**fields, "op": "refresh"})

    unticked = PASTED.replace(
        '"ims:images:deleteImage"', '["ims:images:deleteImage","ims:images:get"]'
    )
    assert shown_json(answer).encode() == unticked.encode()

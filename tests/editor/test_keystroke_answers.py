"""A keystroke's answer is written in Python (`html_answers`); the parts it sends are the
parts the page shows, swapped in by their ids."""

from __future__ import annotations

import json
import re

import pytest

from tests.editor.helpers import EDITOR, HTMX, form_fields

pytestmark = pytest.mark.django_db

TEXT = json.dumps(
    {
        "Version": "5.0",
        "Statement": [{"Sid": "A&B", "Effect": "Deny", "Action": ["ims:images:share"]}],
    },
    indent=2,
)


def _json_box(body: str) -> str:
    return re.search(r"<textarea id=\"json\".*?</textarea>", body, re.S).group(0)


def test_a_form_keystroke_sends_the_pages_json_box_swapped_in_by_id(client):
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": TEXT})
    fields = form_fields(page)

    answer = client.post(EDITOR, {**fields, "op": "check", "s0-sid": "A&B<C>"}, **HTMX)

    shown, sent = _json_box(page.content.decode()), _json_box(answer.content.decode())
    assert 'hx-swap-oob="true"' not in shown
    assert sent.replace('hx-swap-oob="true"', "") == shown.replace("A&amp;B", "A&amp;B&lt;C&gt;")
    assert "&quot;Sid&quot;: &quot;A&amp;B&lt;C&gt;&quot;" in sent


def test_a_json_keystroke_sends_the_statement_it_changed_and_the_feedback_stays(client):
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": TEXT})
    fields = form_fields(page)
    edited = TEXT.replace("ims:images:share", "ims:images:*")

    answer = client.post(EDITOR, {**fields, "op": "json", "json": edited}, **HTMX)

    body = answer.content.decode()
    assert '<section class="statement" id="statement-0"' in body
    assert 'hx-swap-oob="true">' in body.split('id="statement-0"', 1)[1][:200]
    assert "ims:images:* matches" in body
    assert '<textarea id="json"' not in body  # the text typed is the person's: not sent back

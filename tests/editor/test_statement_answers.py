"""A button that changes some statements gets an answer that redraws only those, swapped
by id into the page (the whole form of a large policy is half a megabyte of HTML)."""

from __future__ import annotations

import html
import json
import re

import pytest

from tests.editor.helpers import EDITOR, HTMX, form_fields

pytestmark = pytest.mark.django_db

POLICY = {
    "Version": "5.0",
    "Statement": [
        {"Sid": "A", "Effect": "Deny", "Action": ["ims:images:share"], "Resource": ["*"]},
        {"Sid": "B", "Effect": "Deny", "Action": ["ims:images:copyCrossregion"], "Resource": ["*"]},
        {"Sid": "C", "Effect": "Deny", "Action": ["ims:images:export"], "Resource": ["*"]},
    ],
}


def _fields(client) -> dict[str, list[str]]:
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": json.dumps(POLICY)})
    return form_fields(page)


def _post(client, fields, op, **changes):
    return client.post(EDITOR, {**fields, **changes, "op": op}, **HTMX)


def _redrawn(response) -> list[str]:
    return re.findall(r'<section class="statement" id="(statement-\d+)"', response.content.decode())


def test_adding_a_condition_redraws_that_statement_only(client):
    answer = _post(client, _fields(client), "add-condition-1")

    body = answer.content.decode()
    assert answer["HX-Retarget"] == "#analysis"
    assert answer["HX-Reswap"] == "outerHTML"
    assert _redrawn(answer) == ["statement-1"]
    assert 'id="s1-c0-key"' in body
    assert 'id="workspace"' not in body
    assert '<div id="analysis"' in body
    assert '<textarea id="json"' in body


def test_moving_a_statement_redraws_the_two_that_swapped_places(client):
    answer = _post(client, _fields(client), "down-0")

    body = answer.content.decode()
    assert _redrawn(answer) == ["statement-0", "statement-1"]
    assert 'id="s0-sid" name="s0-sid" value="B"' in body
    assert 'id="s1-sid" name="s1-sid" value="A"' in body
    up_0 = re.search(r'<button id="op-up-0"[^>]*>', body).group(0)
    assert "disabled" in up_0


def test_ticking_an_action_redraws_its_statement(client):
    fields = _fields(client)
    fields["s2-actions"] = [*fields["s2-actions"], "ims:images:get"]

    answer = client.post(EDITOR, {**fields, "op": "refresh"}, **HTMX, HTTP_HX_TRIGGER="picker-2")

    body = answer.content.decode()
    assert _redrawn(answer) == ["statement-2"]
    assert 'value="ims:images:get" checked' in body
    assert '<span class="badge">2/7</span>' in body  # Read: export and the new tick


def test_a_fix_says_what_it_did_and_redraws_the_fixed_statement(client):
    fields = _fields(client)
    case = re.search(r'value="(fix-\d+-\w+)"', client.post(EDITOR, fields).content.decode()).group(
        1
    )

    answer = _post(client, fields, case)

    body = answer.content.decode()
    assert _redrawn(answer) == ["statement-1"]
    assert re.search(
        r'<div id="editor-message" hx-swap-oob="innerHTML"><p class="message">Changed ', body
    )
    assert "ims:images:copyCrossRegion" in body


def test_the_message_of_an_earlier_button_is_cleared(client):
    fields = _fields(client)
    case = re.search(r'value="(fix-\d+-\w+)"', client.post(EDITOR, fields).content.decode()).group(
        1
    )
    fixed = _post(client, fields, case)
    assert "Changed " in fixed.content.decode()
    fields = form_fields(client.post(EDITOR, {**fields, "op": case}))

    answer = _post(client, fields, "add-condition-0")

    assert '<div id="editor-message" hx-swap-oob="innerHTML"></div>' in answer.content.decode()


def test_the_page_keeps_one_status_region_for_messages(client):
    page = client.post(EDITOR, {**_fields(client), "op": "add-condition-9"})

    body = page.content.decode()
    assert body.count('id="editor-message"') == 1
    assert '<div id="editor-message" class="editor-message" role="status" tabindex="-1">' in body


def test_a_button_for_a_statement_that_is_not_there_redraws_nothing(client):
    answer = _post(client, _fields(client), "add-condition-9")

    assert answer.status_code == 200
    assert _redrawn(answer) == []


def test_a_finding_in_another_statement_follows_the_change(client):
    twins = {
        "Version": "5.0",
        "Statement": [
            {"Sid": "A", "Effect": "Deny", "Action": ["ims:images:share"], "Resource": ["*"]},
            {"Sid": "B", "Effect": "Deny", "Action": ["ims:images:share"], "Resource": ["*"]},
        ],
    }
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": json.dumps(twins)})
    assert "REDUNDANT_STATEMENT" in page.content.decode()
    fields = form_fields(page)

    answer = _post(client, fields, "add-condition-0")  # A no longer covers B
    fields["s0-condition_count"] = ["1"]
    fields["s0-c0-key"] = ["g:MFAPresent"]
    fields["s0-c0-operator"] = ["Bool"]
    fields["s0-c0-values"] = ["false"]
    narrowed = _post(client, fields, "refresh")

    assert _redrawn(answer) == ["statement-0"]
    body = narrowed.content.decode()
    assert re.search(r'<div class="slot" id="f-s1" hx-swap-oob="true"></div>', body)


def test_minify_sends_the_json_and_redraws_no_statement(client):
    answer = _post(client, _fields(client), "minify")

    body = answer.content.decode()
    assert _redrawn(answer) == []
    assert "{&quot;Version&quot;:&quot;5.0&quot;,&quot;Statement&quot;:[" in body


def test_a_profile_change_redraws_the_whole_form_with_its_rules(client):
    fields = _fields(client)
    fields["profile"] = ["identity"]

    answer = _post(client, fields, "profile")

    body = answer.content.decode()
    assert answer["HX-Retarget"] == "#workspace"
    assert 'id="s0-not_action"' in body and 'id="s2-not_action"' in body


def test_reordered_patterns_in_the_json_redraw_their_statement(client):
    two = json.loads(json.dumps(POLICY))
    two["Statement"][0]["Action"] = ["ims:images:li*", "ims:images:ge*"]
    fields = form_fields(
        client.post(EDITOR, {"op": "json", "source": "json", "json": json.dumps(two)})
    )
    two["Statement"][0]["Action"].reverse()

    answer = _post(client, fields, "json", json=json.dumps(two))

    assert _redrawn(answer) == ["statement-0"]
    shown = re.search(r'id="s0-patterns"[^>]*>(.*?)</textarea>', answer.content.decode(), re.S)
    assert html.unescape(shown.group(1)).split() == ["ims:images:ge*", "ims:images:li*"]


@pytest.mark.parametrize(
    ("op", "changes"),
    [
        ("add-statement", {}),
        ("remove-statement-1", {}),
        ("profile", {"profile": "identity"}),
        ("add-condition-1", {"source": "json"}),
    ],
    ids=["add-statement", "remove-statement", "profile", "json-leads"],
)
def test_other_buttons_redraw_the_whole_form(client, op, changes):
    answer = _post(client, _fields(client), op, **changes)

    assert 'id="workspace"' in answer.content.decode()
    assert answer["HX-Retarget"] == "#workspace"


def test_without_javascript_a_button_gets_the_whole_page(client):
    answer = client.post(EDITOR, {**_fields(client), "op": "add-condition-1"})

    body = answer.content.decode()
    assert "<!doctype html>" in body.lower()
    assert _redrawn(answer) == ["statement-0", "statement-1", "statement-2"]


@pytest.mark.parametrize(
    ("trigger", "redrawn"),
    [
        ("s1-service", ["statement-1"]),
        ("s2-c0-key", ["statement-2"]),
        ("picker-0", ["statement-0"]),
    ],
)
def test_the_field_that_asked_names_the_statement_to_redraw(client, trigger, redrawn):
    answer = client.post(
        EDITOR, {**_fields(client), "op": "refresh"}, **HTMX, HTTP_HX_TRIGGER=trigger
    )

    assert _redrawn(answer) == redrawn


def test_a_case_only_change_in_the_json_redraws_the_statement(client):
    fields = _fields(client)
    fixed = json.loads(json.dumps(POLICY))
    fixed["Statement"][1]["Action"] = ["ims:images:copyCrossRegion"]

    answer = _post(client, fields, "json", json=json.dumps(fixed))

    body = answer.content.decode()
    assert _redrawn(answer) == ["statement-1"]
    assert 'value="ims:images:copyCrossRegion" checked' in body


def test_what_a_statement_holds_is_escaped_where_the_form_shows_it(client):
    hostile = "<img src=x onerror=alert(1)>"
    document = {
        "Version": "5.0",
        "Statement": [
            {
                "Sid": hostile,
                "Effect": hostile,
                "Action": ["ims:images:share", hostile],
                "Resource": [hostile],
                "Condition": {hostile: {"g:UserName": [hostile]}, "StringEquals": {hostile: "x"}},
            }
        ],
    }

    page = client.post(EDITOR, {"op": "json", "source": "json", "json": json.dumps(document)})

    body = page.content.decode()
    block = re.search(r'<section class="statement" id="statement-0".*?</section>', body, re.S)
    assert block is not None
    assert "<img" not in block.group(0)
    shown = html.unescape(block.group(0))
    # the heading, the Sid field, the odd effect, a pattern, a URN, a key and a value
    assert shown.count(hostile) >= 7
    fields = form_fields(page)
    assert fields["s0-sid"] == [hostile]
    assert fields["s0-patterns"] == [hostile]
    assert fields["s0-resources"] == [hostile]


def test_what_a_preview_row_holds_is_escaped_where_the_table_shows_it():
    from scpstudio.editor.html_preview import preview_table_html
    from scpstudio.editor.preview_view import PreviewRowView

    hostile = "<script>alert(1)</script>\"'&"
    row = PreviewRowView(
        method=hostile,
        path=hostile,
        outcome="conditional",
        why=hostile,
        decided_action=hostile,
        dependency_of=hostile,
        statement=0,
        statement_label=hostile,
        other_policy="",
        notes=((hostile, hostile, "denied", hostile),),
        operation_ids=hostile,
        scope_note=hostile,
    )

    html = preview_table_html([row])

    assert "<script>" not in html
    assert (
        html.count("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;&amp;") == 13
    )  # every field, api twice
    assert preview_table_html([row]) == html  # the row's markup kept, the same

"""A keystroke's answer leaves out what the page already shows: finding slots whose
content it would redraw the same, and the preview table when no row changed."""

from __future__ import annotations

import json
import re

import pytest

from scpstudio.editor import html as editor_html
from tests.editor.helpers import EDITOR, HTMX, form_fields

pytestmark = pytest.mark.django_db

POLICY = {
    "Version": "5.0",
    "Statement": [
        {"Sid": "NoSharing", "Effect": "Deny", "Action": ["ims:images:share", "ims:images:shar"]}
    ],
}


def _open(client):
    """The page as a browser first shows it, and the form it would post back."""
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": json.dumps(POLICY)})
    return page, form_fields(page)


def _slot(body: str, sid: str) -> str | None:
    m = re.search(rf'<div class="slot" id="{sid}"[^>]*>(.*?)</div>', body, re.S)
    return m.group(1) if m else None


def test_the_page_records_each_filled_slot_with_its_fingerprint(client):
    page, fields = _open(client)

    body = page.content.decode()
    marks = editor_html.read_shown(fields["filled_slots"][0])
    assert "INVALID_ACTION" in _slot(body, "f-s0-actions")
    digest = re.search(r'id="f-s0-actions" data-digest="([0-9a-f]{16})"', body).group(1)
    assert marks["f-s0-actions"] == digest
    assert re.search(r'<div class="slot" id="f-s0-sid"></div>', body)  # empty: no mark
    assert "f-s0-sid" not in marks


def test_a_keystroke_leaves_out_slots_the_page_shows_unchanged(client):
    _, fields = _open(client)

    answer = client.post(EDITOR, {**fields, "op": "check", "name": "renamed"}, **HTMX)

    assert answer.status_code == 200
    assert 'id="f-s0-actions"' not in answer.content.decode()


def test_a_slot_is_sent_when_the_page_shows_other_content_or_nothing(client):
    _, fields = _open(client)

    stale = client.post(
        EDITOR, {**fields, "op": "check", "filled_slots": "f-s0-actions:0000000000000000"}, **HTMX
    )
    unknown = client.post(EDITOR, {**fields, "op": "check", "filled_slots": ""}, **HTMX)

    for answer in (stale, unknown):
        assert "INVALID_ACTION" in _slot(answer.content.decode(), "f-s0-actions")


def test_a_fixed_mistake_empties_its_slot_and_drops_its_mark(client):
    _, fields = _open(client)

    fixed = client.post(
        EDITOR, {**fields, "op": "check", "s0-patterns": [""]}, **HTMX
    ).content.decode()

    assert _slot(fixed, "f-s0-actions") == ""
    shown = re.search(r'name="filled_slots" value="([^"]*)"', fixed).group(1)
    assert "f-s0-actions" not in editor_html.read_shown(shown)


def test_the_preview_table_is_kept_while_its_rows_are_the_same(client):
    page, fields = _open(client)
    assert "<table" in page.content.decode()

    same = client.post(EDITOR, {**fields, "op": "check", "name": "renamed"}, **HTMX)
    changed = client.post(EDITOR, {**fields, "op": "check", "s0-effect": "Allow"}, **HTMX)
    no_digest = client.post(EDITOR, {**fields, "op": "check", "preview_digest": ""}, **HTMX)
    whole_page = client.post(EDITOR, {**fields, "op": "check", "name": "renamed"})

    assert '<div id="preview-rows" hx-preserve="true"></div>' in same.content.decode()
    assert "<table" not in same.content.decode()
    for answer in (changed, no_digest, whole_page):
        body = answer.content.decode()
        assert "<table" in body
        assert "hx-preserve" not in body


def test_a_renamed_statement_redraws_the_table_that_names_it(client):
    _, fields = _open(client)

    answer = client.post(EDITOR, {**fields, "op": "check", "s0-sid": "Renamed"}, **HTMX)

    assert "statement “Renamed”" in answer.content.decode()


def test_an_empty_filtered_preview_says_so_in_words(client):
    _, fields = _open(client)

    answer = client.post(EDITOR, {**fields, "op": "check", "preview_filter": "not_allowed"})

    assert '<p class="empty">No API is not allowed.</p>' in answer.content.decode()


@pytest.mark.parametrize(
    "shown",
    [
        "f-s0-actions:<script>alert(1)</script> " * 3000,
        ":::: \x00:\x00 f-s0-actions: f-s0-actions:zz",
        "m-s0 m-s99 f-policy",
    ],
    ids=["many", "garbage", "bare-ids"],
)
def test_what_the_page_claims_to_show_cannot_break_the_answer(client, shown):
    _, fields = _open(client)

    answer = client.post(
        EDITOR, {**fields, "op": "check", "filled_slots": shown, "preview_digest": shown}, **HTMX
    )

    body = answer.content.decode()
    assert answer.status_code == 200
    assert "INVALID_ACTION" in _slot(body, "f-s0-actions")
    assert "<table" in body


def test_a_page_naming_more_slots_than_read_gets_every_slot_redrawn(client):
    _, fields = _open(client)
    shown = " ".join(["f-s0-actions:x"] * (editor_html.SHOWN_LIMIT + 1))

    answer = client.post(EDITOR, {**fields, "op": "check", "filled_slots": shown}, **HTMX)

    body = answer.content.decode()
    for sid in ("f-policy", "f-s0", "f-s0-sid", "f-s0-effect", "f-s0-resources"):
        assert _slot(body, sid) == ""  # empty, but sent: the page may show something there
    assert "INVALID_ACTION" in _slot(body, "f-s0-actions")


def test_the_page_record_matches_what_editor_js_reads_from_the_slots(client):
    """editor.js sends `id:digest` for each `.slot[data-digest]`; the hidden field the
    server writes says the same, so both lead to the same answer."""
    page, fields = _open(client)
    body = page.content.decode()
    from_dom = " ".join(
        f"{sid}:{mark}"
        for sid, mark in re.findall(r'<div class="slot" id="([^"]+)" data-digest="([^"]+)"', body)
    )

    assert editor_html.read_shown(from_dom) == {
        k: v for k, v in editor_html.read_shown(fields["filled_slots"][0]).items() if v
    }


def test_a_form_keystroke_without_the_json_view_gets_the_forms_json(client):
    _, fields = _open(client)
    del fields["json"]

    answer = client.post(EDITOR, {**fields, "op": "check", "s0-sid": "Renamed"}, **HTMX)

    body = answer.content.decode()
    assert '<textarea id="json"' in body
    assert "&quot;Sid&quot;: &quot;Renamed&quot;" in body
    assert "&quot;ims:images:share&quot;" in body


def test_a_keystroke_in_a_sid_redraws_that_statements_heading_and_nothing_else(client):
    _, fields = _open(client)

    typed = client.post(
        EDITOR,
        {**fields, "op": "check", "typed": "name s0-sid", "s0-sid": "Deny<b>Share"},
        **HTMX,
    ).content.decode()
    other = client.post(
        EDITOR, {**fields, "op": "check", "changed": "name", "name": "renamed"}, **HTMX
    ).content.decode()

    assert (
        '<h2 id="statement-0-title" hx-swap-oob="true">'
        "Statement 1 “Deny&lt;b&gt;Share”</h2>" in typed
    )
    assert len(re.findall(r"statement-\d+-title", typed)) == 1  # the statement typed in
    assert 'id="s0-sid"' not in typed  # the field being typed in is left alone
    assert "statement-0-title" not in other


@pytest.mark.parametrize(
    "posted",
    [
        {"typed": "s" + "9" * 5000 + "-sid"},  # past the digits int() reads
        {"changed": "s" + "9" * 5000 + "-sid"},
        {"changed": "s" + "9" * 5000 + "-c" + "9" * 5000 + "-key"},
        {"typed": " ".join(["name"] * 10_000 + ["s0-sid"])},  # read up to a limit
        {"typed": "s7-sid"},  # a statement the form does not have
    ],
)
def test_hostile_field_names_in_typed_or_changed_answer_without_a_heading(client, posted):
    _, fields = _open(client)

    answer = client.post(EDITOR, {**fields, "op": "check", **posted}, **HTMX)

    assert answer.status_code == 200
    assert not re.search(r"statement-\d+-title", answer.content.decode())

"""What a keystroke's answer is made of may be kept from the keystrokes before it (the
catalog's answers, the findings' markup, the preview table and its fingerprint, the
reversed URLs); what the answer says must be what the request asks, as if nothing were."""

from __future__ import annotations

import json
import re

import pytest
from django.http import QueryDict
from django.urls import set_script_prefix
from django.utils.safestring import mark_safe

from catalog.snapshot import catalog_snapshot
from scpstudio.editor import context as ctx
from scpstudio.editor import html as editor_html
from scpstudio.editor import preview_view as pv
from scpstudio.editor.form_state import state_from_form
from scpstudio.editor.state import ConditionRow, EditorState, StatementForm
from scpstudio.editor.text_sync import statement_edits
from scpstudio.engine.analysis import analyze_policy
from scpstudio.engine.catalog import Action, Catalog, Service
from tests.editor.helpers import EDITOR, HTMX, form_fields

pytestmark = pytest.mark.django_db


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "5.0", "Statement": list(statements)})


def _deny(*actions: str, sid: str = "Guard") -> dict:
    return {"Sid": sid, "Effect": "Deny", "Action": list(actions), "Resource": "*"}


def _catalog(*names: str) -> Catalog:
    return Catalog.build(
        services=[Service("x", "X")],
        actions=[Action(name, "x", "", "write") for name in names],
    )


def test_match_feedback_follows_the_catalog_it_is_asked_of():
    state = EditorState(statements=[StatementForm(actions=["x:things:*"], service="x")])

    before = ctx.match_feedback(state, _catalog("x:things:make"))
    after = ctx.match_feedback(state, _catalog("x:things:make", "x:things:copy"))

    assert before == {"m-s0": "x:things:* matches 1 action"}
    assert after == {"m-s0": "x:things:* matches 2 actions"}


def test_an_action_the_new_catalog_spells_ticks_its_box():
    statement = StatementForm(actions=["x:things:copy"], service="x")

    before = ctx.statement_shown(statement, _catalog("x:things:make"))
    after = ctx.statement_shown(statement, _catalog("x:things:make", "x:things:copy"))

    assert before[3:5] == (frozenset(), ("x:things:copy",))
    assert after[3:5] == (frozenset({"x:things:copy"}), ())


def test_slot_ids_follow_each_statements_condition_rows():
    one = EditorState(statements=[StatementForm(), StatementForm()])
    two = EditorState(statements=[StatementForm(), StatementForm(conditions=[ConditionRow()])])

    assert "f-s1-c0" not in ctx.slot_ids(one)
    assert ctx.slot_ids(two)[-1] == "f-s1-c0"
    assert ctx.slot_ids(two)[:-1] == ctx.slot_ids(one)


@pytest.mark.parametrize("wanted", ["all", "denied"])
def test_the_tables_fingerprint_changes_with_its_rows_and_only_with_them(wanted):
    catalog = catalog_snapshot()
    policy = _policy(_deny("ims:images:share"))
    renamed = _policy(_deny("ims:images:share", sid="Renamed"))
    empty = "No API to show."

    first = pv.preview_shown(analyze_policy(policy, catalog), wanted, empty)
    again = pv.preview_shown(analyze_policy(policy, catalog), wanted, empty)
    other = pv.preview_shown(analyze_policy(renamed, catalog), wanted, empty)

    assert again.digest == first.digest and again.html == first.html
    assert other.digest != first.digest
    assert "statement “Renamed”" in other.html and "Renamed" not in first.html
    fresh = pv.preview_table(pv.preview_rows(analyze_policy(renamed, catalog), wanted), empty)
    assert (fresh.html, fresh.digest) == (other.html, other.digest)


def test_an_empty_table_and_a_table_have_different_fingerprints():
    catalog = catalog_snapshot()
    analysis = analyze_policy(_policy(_deny("ims:images:share")), catalog)

    empty = pv.preview_shown(analysis, "not_allowed", "No API is not allowed.")
    full = pv.preview_shown(analysis, "all", "No API to show.")

    assert empty.html == '<p class="empty">No API is not allowed.</p>'
    assert empty.digest != full.digest


def test_a_finding_moved_down_the_list_gets_buttons_with_its_new_place(client):
    broken = _deny("ims:images:shar", sid="B")
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": _policy(broken)}, **HTMX)
    moved = client.post(
        EDITOR,
        {"op": "json", "source": "json", "json": _policy(_deny("ims:images:gett"), broken)},
        **HTMX,
    )

    assert 'value="use-0-0_' in page.content.decode()
    body = moved.content.decode()
    assert 'value="use-1-0_' in body
    assert re.search(r'value="use-0-0_\w+"', body)  # the first statement's own finding


def test_an_answer_under_a_script_prefix_names_the_prefixed_urls(client):
    document = _policy(_deny("ims:images:shar"))
    data = {"op": "json", "source": "json", "json": document}

    client.post(EDITOR, data)  # the URLs as served at the root, reversed first
    set_script_prefix("/studio/")  # as a server mounted under /studio sets it per request
    try:
        prefixed = client.post(EDITOR, data).content.decode()
    finally:
        set_script_prefix("/")
    plain_again = client.post(EDITOR, data).content.decode()

    assert 'action="/studio/editor/"' in prefixed
    assert 'href="/studio/checks/#INVALID_ACTION"' in prefixed
    assert 'href="/checks/#INVALID_ACTION"' in plain_again and "/studio/" not in plain_again


def test_listed_items_in_another_order_are_no_edit_and_any_other_change_is():
    old = StatementForm(
        sid="A", actions=["ims:images:share", "ims:images:get"], resources=[], service="ims"
    )
    reordered = StatementForm(
        sid="A", actions=["ims:images:get", "ims:images:share"], resources=[], service="ims"
    )
    resources = StatementForm(
        sid="A",
        actions=["ims:images:get", "ims:images:share"],
        all_resources=False,
        resources=["ims:*:*:image:1"],
    )

    assert statement_edits(old, reordered, "/Statement/0") == []
    assert statement_edits(old, resources, "/Statement/0") != []


def test_a_form_keystroke_that_reorders_nothing_leaves_the_text_as_written(client):
    text = _policy(_deny("ims:images:share", "ims:images:addMember"))
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": text})
    fields = form_fields(page)

    answer = client.post(EDITOR, {**fields, "op": "check", "name": "renamed"}, **HTMX)

    assert json.dumps(json.loads(text)) == text
    assert text.replace('"', "&quot;") in answer.content.decode()


def _checked(body: str) -> set[str]:
    """The ids of the ticked action boxes (`s0-a-ims:images:share`)."""
    return set(re.findall(r'<input type="checkbox" id="(s\d+-a-[^"]+)"[^>]* checked>', body))


def test_a_statement_redrawn_with_other_boxes_ticked_shows_those_ticked(client):
    shared = _policy(_deny("ims:images:share"))
    fetched = _policy(_deny("ims:images:get"))
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": shared})
    fields = form_fields(page)

    first = client.post(EDITOR, {**fields, "op": "json", "json": fetched}, **HTMX)
    back = client.post(
        EDITOR, {**fields, "op": "json", "json": shared.replace("Guard", "G")}, **HTMX
    )

    assert _checked(page.content.decode()) == {"s0-a-ims:images:share"}
    assert _checked(first.content.decode()) == {"s0-a-ims:images:get"}
    assert _checked(back.content.decode()) == {"s0-a-ims:images:share"}


def test_statements_with_the_same_boxes_ticked_each_have_their_own_fields(client):
    same = _deny("ims:images:share")
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": _policy(same, same)})

    body = page.content.decode()
    assert _checked(body) == {"s0-a-ims:images:share", "s1-a-ims:images:share"}
    assert 'value="level-1-' in body and 'value="level-0-' in body


def test_each_condition_row_selects_its_own_key(client):
    statement = {
        **_deny("ims:images:share"),
        "Condition": {
            "StringEquals": {"g:PrincipalAccount": ["1"]},
            "StringNotEquals": {"g:RequestedRegion": ["cn-north-4"]},
        },
    }
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": _policy(statement)})

    body = page.content.decode()
    selects = re.findall(r'<select id="(s0-c\d-key)".*?</select>', body, re.S)
    chosen = re.findall(r'<select id="s0-c\d-key".*?<option value="([^"]+)" selected>', body, re.S)
    assert selects == ["s0-c0-key", "s0-c1-key"]
    assert chosen == ["g:PrincipalAccount", "g:RequestedRegion"]


def test_a_findings_place_in_the_list_follows_the_text_it_is_found_in(client):
    statements = (_deny("ims:images:get"), _deny("ims:images:shar", sid="B"))
    one_line = _policy(*statements)
    indented = json.dumps({"Version": "5.0", "Statement": list(statements)}, indent=2)
    where = re.compile(r'INVALID_ACTION</code></a>\n[^\n]*\n  <span class="where">([^<]+)</span>')

    first = client.post(EDITOR, {"op": "json", "source": "json", "json": one_line}, **HTMX)
    again = client.post(EDITOR, {"op": "json", "source": "json", "json": indented}, **HTMX)

    column = one_line.index('"ims:images:shar"') + 1
    assert where.findall(first.content.decode()) == [f"line 1, column {column}"]
    line = indented[: indented.index('"ims:images:shar"')].count("\n") + 1
    assert where.findall(again.content.decode()) == [f"line {line}, column 9"]


def test_the_statements_places_in_the_text_are_sent_for_the_script(client):
    text = json.dumps({"Version": "5.0", "Statement": [_deny("ims:images:get")] * 2}, indent=2)

    page = client.post(EDITOR, {"op": "json", "source": "json", "json": text})

    found = re.search(
        r'<script id="statement-spans" type="application/json">([^<]*)</script>',
        page.content.decode(),
    )
    spans = {int(k): v for k, v in json.loads(found.group(1)).items()}
    first, second = spans[0], spans[1]
    assert text[first[0] : first[1]].startswith("{") and text[first[0] : first[1]].endswith("}")
    assert json.loads(text[second[0] : second[1]]) == _deny("ims:images:get")


def test_a_button_that_changes_a_statement_leaves_the_next_keystrokes_form_as_posted(client):
    text = _policy(_deny("ims:images:share", "ims:images:addMember"))
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": text})
    fields = form_fields(page)

    before = client.post(EDITOR, {**fields, "op": "check"}, **HTMX)
    cleared = client.post(EDITOR, {**fields, "op": "clear-actions-0"}, **HTMX)
    after = client.post(EDITOR, {**fields, "op": "check"}, **HTMX)

    assert "ims:images:addMember" not in _json_box(cleared.content.decode())
    assert _json_box(after.content.decode()) == _json_box(before.content.decode())
    assert "ims:images:addMember" in _json_box(after.content.decode())


def test_posted_statements_read_alike_are_shared_only_when_asked():
    data = QueryDict("statement_count=2&s0-sid=A&s0-actions=ims:images:get&s1-sid=A", mutable=True)
    data.setlist("s1-actions", ["ims:images:get"])

    first = state_from_form(data, shared=True)
    again = state_from_form(data, shared=True)
    fresh = state_from_form(data)
    data["s1-sid"] = "B"
    changed = state_from_form(data, shared=True)

    assert first.statements[0] is again.statements[0]
    assert (
        first.statements[1] is again.statements[1]
        and first.statements[0] is not first.statements[1]
    )
    assert (
        fresh.statements[0] == first.statements[0]
        and fresh.statements[0] is not first.statements[0]
    )
    assert changed.statements[0] is first.statements[0]
    assert changed.statements[1].sid == "B" and first.statements[1].sid == "A"


def _json_box(body: str) -> str:
    return re.search(r'<textarea id="json".*?</textarea>', body, re.S).group(0)


def test_what_a_form_shows_follows_a_change_to_a_form_that_is_not_shared():
    catalog = catalog_snapshot()
    form = StatementForm(actions=["ims:images:share"])
    state = EditorState(statements=[form])
    before = (ctx.statement_shown(form, catalog), ctx.match_feedback(state, catalog))

    form.actions = ["ims:images:*"]  # as a button changes the form it read
    after = (ctx.statement_shown(form, catalog), ctx.match_feedback(state, catalog))

    assert before[0][3] == {"ims:images:share"} and after[0][3] == frozenset()
    assert before[1] == {"m-s0": ""}
    assert after[1]["m-s0"].startswith("ims:images:* matches ")


def test_the_slots_to_redraw_come_in_the_forms_order_and_only_the_forms():
    state = EditorState(statements=[StatementForm(), StatementForm(conditions=[ConditionRow()])])
    places = ctx.slot_places(state)
    filled = editor_html.SlotContent("<p>x</p>", "d1")
    contents = {"f-s1-c0": filled, "f-s0-sid": filled, "f-s9-sid": filled}
    shown = {"f-s0-sid": "d1", "f-s1": "old", "f-policy": "old", "m-s0": "", "f-s0-actions": "d0"}

    sent = editor_html.slots_to_send(places, contents, shown)
    everything = editor_html.slots_to_send(places, contents, None)

    assert sent == ["f-policy", "f-s0-actions", "f-s1", "f-s1-c0"]
    assert everything == ctx.slot_ids(state)


def test_answers_kept_for_one_catalog_are_never_read_for_another():
    from scpstudio.editor import kept

    one, two = _catalog("x:things:make"), _catalog("x:things:copy")
    asked = kept.kept(one, ("question",), lambda: "for one")

    assert asked == "for one"
    assert kept.kept(two, ("question",), lambda: "for two") == "for two"
    assert kept._KEPT.held[0] is two  # the catalog and its answers, replaced as one
    assert kept.kept(one, ("question",), lambda: "for one again") == "for one again"


def test_a_statement_too_large_to_keep_is_worked_out_and_left_unkept(client):
    # a megabyte pasted into a pattern box: answered as any other, and no memo of the
    # editor holds it afterwards (each would hold it thousands of times over)
    import gc

    from scpstudio.editor import form_state, kept
    from scpstudio.editor import state as editor_state

    page = client.post(
        EDITOR, {"op": "json", "source": "json", "json": _policy(_deny("ims:images:share"))}
    )
    fields = form_fields(page)
    big = "ims:images:" + "x" * 200_000
    body = {k: v if isinstance(v, list) else [v] for k, v in {**fields, "op": "check"}.items()}
    body["s0-patterns"] = [big]

    for _ in range(2):
        answer = client.post(EDITOR, json.dumps(body), content_type="application/json", **HTMX)
        assert answer.status_code == 200
        assert "matches 0 actions" in answer.content.decode()
    del answer
    gc.collect()

    held = [
        *(form for _, form in form_state._LAST.values()),
        *editor_state._SHARED.values(),
        *(key for key in kept._KEPT.held[1]),
    ]
    assert not any(big in repr(thing) for thing in held)
    assert not editor_state.is_shared(editor_state.StatementForm(actions=[big]))
    assert editor_state.is_shared(editor_state.shared(editor_state.StatementForm(actions=["a"])))


def test_a_json_keystrokes_form_is_kept_once_for_its_text(client):
    from scpstudio.editor import document_io

    page = client.post(
        EDITOR, {"op": "json", "source": "json", "json": _policy(_deny("ims:images:share"))}
    )
    fields = form_fields(page)
    text = _policy(_deny("ims:images:share", "ims:images:get"))
    body = {k: v if isinstance(v, list) else [v] for k, v in {**fields, "op": "json"}.items()}
    body["json"] = [text]
    document_io._FORMS.clear()

    for _ in range(3):
        answer = client.post(EDITOR, json.dumps(body), content_type="application/json", **HTMX)
        assert answer.status_code == 200

    assert len(document_io._FORMS) == 1  # the text's parse is kept: its form is found again


def test_the_largest_forms_pickers_and_key_lists_are_all_kept_for_its_next_redraw():
    """50 statements of 20 condition rows: 1,050 lists, each written once and found again
    when the form is redrawn (a memo that emptied itself at 512 made each one again)."""
    catalog = catalog_snapshot()
    state = EditorState(
        statements=[
            StatementForm(
                actions=["ims:images:get"],
                service="ims",
                conditions=[
                    ConditionRow(key=f"g:PrincipalTag/t{i}x{j}", values=["1"]) for j in range(20)
                ],
            )
            for i in range(50)
        ]
    )
    urls = editor_html.Urls("/editor/", "/checks/")
    views = ctx.statement_views(state, catalog)

    def lists() -> list[object]:
        found: list[object] = []
        for st in views:
            found.append(editor_html.action_picker(st, urls))
            found.extend(editor_html.key_options(cv) for cv in st.conditions)
        return found

    first, second = lists(), lists()

    assert len(first) == 1050
    assert all(a is b for a, b in zip(first, second, strict=True))
    assert 'value="ims:images:get" checked' in str(first[0])
    assert len({id(markup) for markup in first}) == 1050  # each list its own entry


def test_markup_kept_under_posted_keys_is_bounded_even_when_it_is_empty():
    """A key list can be empty (a catalog with no keys for the actions), and its entry is
    keyed by the row's key as posted: each entry counts for its key and its upkeep."""
    memo = editor_html.MarkupMemo(100_000)
    owner = object()
    for k in range(1000):
        memo.put((id(owner), f"g:PrincipalTag/{k:0300d}", ""), owner, mark_safe(""))

    assert len(memo.items) <= 100_000 // editor_html.UPKEEP
    assert memo.held <= 100_000
    assert memo.get((id(owner), f"g:PrincipalTag/{999:0300d}", "")) == (owner, "")


def test_a_form_read_from_a_field_posted_thousands_of_times_is_not_kept():
    """A field posted many times counts by its last value: the form is small, and what it
    was read from (kept to compare the next keystroke with) must not be kept whole."""
    from django.utils.datastructures import MultiValueDict

    from scpstudio.editor import form_state

    posted = MultiValueDict({"statement_count": ["1"], "s0-sid": ["x" * 20] * 3000 + ["Last"]})
    form_state._LAST.clear()

    state = state_from_form(posted, shared=True)

    assert state.statements[0].sid == "Last"
    assert 0 not in form_state._LAST
    small = MultiValueDict({"statement_count": ["1"], "s0-sid": ["Last"]})
    assert state_from_form(small, shared=True).statements[0].sid == "Last"
    assert 0 in form_state._LAST  # a form read from what it holds is kept

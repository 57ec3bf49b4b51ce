"""What the editor works out from a row of the preview or a statement's form is kept with
that object (`kept_by_id.keep_with`), not in a memo by id: such a memo must hold each
object it keeps a value for, so it kept every keystroke's rows and forms alive, for the
garbage collector to walk on every full pass, long after anything asked for them."""

from __future__ import annotations

import copy
import dataclasses
import gc
import json
import weakref

import pytest

from scpstudio.editor import text_sync
from scpstudio.editor.state import StatementForm, shared
from scpstudio.engine.kept_by_id import keep_with, kept_with
from scpstudio.engine.preview_rows import ApiPreview
from tests.editor.helpers import EDITOR, HTMX, form_fields

pytestmark = pytest.mark.django_db

POLICY = {
    "Version": "5.0",
    "Statement": [
        {
            "Sid": "NoSharing",
            "Effect": "Deny",
            "Action": ["ims:images:share", "ims:images:addMember"],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"g:PrincipalAccount": ["000000000001"]}},
        },
        {"Sid": "NoExport", "Effect": "Deny", "Action": ["ims:images:export"], "Resource": "*"},
    ],
}


def _rows_alive() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if issubclass(type(o), ApiPreview))  # not a proxy


def test_a_keystrokes_preview_rows_are_not_kept_alive_by_the_table_that_showed_them(client):
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": json.dumps(POLICY)})
    fields = form_fields(page)
    fields["op"] = ["check"]

    def keystrokes(count: int, start: int) -> None:
        for n in range(start, start + count):
            fields["s0-sid"] = [f"NoSharing{n}"]  # each names the statement anew in its rows
            body = json.dumps(fields)
            answer = client.post(EDITOR, body, content_type="application/json", **HTMX)
            assert answer.status_code == 200
            assert f"NoSharing{n}" in answer.content.decode()

    keystrokes(20, 0)
    after_some = _rows_alive()
    keystrokes(200, 20)
    after_many = _rows_alive()

    # a few keystrokes' rows at most, not one set per keystroke
    assert after_many <= after_some + 40, (after_some, after_many)


def test_a_value_kept_with_a_form_is_found_on_that_form_only():
    form = StatementForm(sid="A", actions=["ims:images:share"])
    twin = StatementForm(sid="A", actions=["ims:images:share"])
    keep_with(form, "feedback", "written")

    changed = dataclasses.replace(form, sid="B")

    assert kept_with(form, "feedback") == "written"
    assert kept_with(twin, "feedback") is None
    assert kept_with(changed, "feedback") is None  # a copy is a new form: worked out again
    assert form == twin  # what is kept is not part of the form's value


def test_comparing_two_forms_keeps_the_earlier_one_alive_no_longer():
    old = shared(StatementForm(sid="A", actions=["ims:images:share"]))
    new = shared(StatementForm(sid="A", actions=["ims:images:share"]))

    assert text_sync._kept_same(old, new) is True
    assert text_sync._kept_same(old, new) is True  # kept: the same answer
    gone = weakref.ref(old)
    del old
    gc.collect()

    assert gone() is None
    other = shared(StatementForm(sid="B", actions=["ims:images:share"]))
    assert text_sync._kept_same(other, new) is False  # another form is compared anew


def test_a_form_the_editor_showed_is_copied_without_what_was_kept_with_it(client):
    """A copy may be changed: what was worked out for the original (with the catalog in
    it, which cannot be copied) is not carried along."""
    from scpstudio.editor import document_io

    client.post(EDITOR, {"op": "json", "source": "json", "json": json.dumps(POLICY)})
    kept = [f for f in document_io._STATEMENT_FORMS.fresh.values() if f.faces]
    kept += [f for f in document_io._STATEMENT_FORMS.items.values() if f.faces]
    assert kept, "the editor kept nothing with the forms it showed"

    for form in kept:
        deep, shallow = copy.deepcopy(form), copy.copy(form)
        assert deep == form and shallow == form
        assert deep.faces is None and shallow.faces is None
        deep.actions.append("x:copy:only")
        assert "x:copy:only" not in form.actions


def test_the_rows_of_a_preview_larger_than_the_bound_keep_no_view(monkeypatch):
    from catalog.snapshot import catalog_snapshot
    from scpstudio.editor import preview_view
    from scpstudio.engine.analysis import analyze_policy
    from scpstudio.engine.statement_memory import forget_statements

    forget_statements()  # rows of its own, not another test's
    analysis = analyze_policy(json.dumps(POLICY), catalog_snapshot())
    rows = analysis.preview.apis
    assert len(rows) > 5

    monkeypatch.setattr(preview_view, "MAX_KEPT_VIEWS", len(rows) - 1)
    preview_view.preview_rows(analysis, "all")
    assert not any(kept_with(r, "editor.row_view") for r in rows)

    monkeypatch.setattr(preview_view, "MAX_KEPT_VIEWS", len(rows))
    preview_view.preview_rows(analysis, "all")
    assert all(kept_with(r, "editor.row_view") for r in rows)

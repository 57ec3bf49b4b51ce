"""Reading the posted text's form statement by statement (kept between keystrokes)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from scpstudio.editor.document_io import _form_of, form_of_text, from_form_edit, from_json_text
from scpstudio.editor.state import (
    MAX_STATEMENTS,
    EditorState,
    NotRepresentable,
    state_from_document,
)
from scpstudio.engine.document import parse_policy

META = EditorState(name="guard", description="kept", profile="scp-2024")


def deny(i: int, **more: Any) -> dict[str, Any]:
    return {
        "Sid": f"S{i}",
        "Effect": "Deny",
        "Action": ["ims:images:share", "ims:images:get"],
        "Resource": "*",
        "Condition": {"Bool": {"g:MFAPresent": "false"}},
        **more,
    }


def whole(document: Any) -> EditorState | None:
    try:
        return state_from_document(
            document, name=META.name, description=META.description, profile=META.profile
        )
    except NotRepresentable:
        return None


DOCUMENTS = [
    {"Version": "5.0", "Statement": [deny(0), deny(1), deny(2)]},
    {"Version": "5.0", "Statement": [deny(0), deny(0)]},  # the same text twice
    {"Version": "5.0", "Statement": [deny(0), deny(1, Sid=" padded ")]},  # refused: Sid
    {"Version": "5.0", "Statement": [deny(0), deny(1, Sid="half \ud800")]},  # a surrogate
    {"Version": "5.0", "Statement": [deny(0)], "Id": "x"},  # an element the form lacks
    {"Version": "1.1", "Statement": [deny(0)]},
    {"Version": "5.0", "Statement": [deny(0), 7]},
    {"Version": "5.0", "Statement": []},
    {"Version": "5.0", "Statement": deny(0)},  # one statement as an object
    {"Version": "5.0", "Statement": [deny(i) for i in range(MAX_STATEMENTS + 1)]},
]


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("indent", [None, 2])
def test_the_posted_form_read_statement_by_statement_is_the_whole_read(
    document: dict[str, Any], indent: int | None
) -> None:
    text = json.dumps(document, indent=indent)

    first = _form_of(parse_policy(text), META)
    again = _form_of(parse_policy(text), META)  # now from the kept statements

    assert first == whole(document)
    assert again == whole(document)


def test_a_kept_statement_form_is_read_again_when_it_moves_to_another_place() -> None:
    statements = [deny(0), deny(1, Sid="S1")]
    _form_of(parse_policy(json.dumps({"Version": "5.0", "Statement": statements})), META)
    swapped = {"Version": "5.0", "Statement": statements[::-1]}

    form = _form_of(parse_policy(json.dumps(swapped)), META)

    assert form == whole(swapped)
    assert [s.sid for s in form.statements] == ["S1", "S0"]


# -- a text read again ------------------------------------------------------------------------


def test_a_form_edit_keeps_a_single_statement_object_in_a_text_read_before() -> None:
    written = '{"Statement":{"Action":["ims:images:get"],"Effect":"Deny"},"Version":"5.0"}'
    from_form_edit(written, _ticked(written), [0])  # the text is read (and kept) once
    again = "".join(list(written))  # the same text, as another request posts it

    answer = from_form_edit(again, _ticked(again), [0])

    assert answer.json_text == (
        '{"Statement":{"Action":["ims:images:get", "ims:images:share"],"Effect":"Deny"},'
        '"Version":"5.0"}'
    )


def test_a_json_keystroke_reads_only_the_statement_it_changed_into_a_new_form() -> None:
    first = json.dumps({"Version": "5.0", "Statement": [deny(0), deny(1)]})
    edited = first.replace("S1", "S1x")
    kept = from_json_text(first, META, shared=True).state

    again = from_json_text(edited, META, shared=True).state

    assert again.statements[0] is kept.statements[0]
    assert again.statements[1].sid == "S1x"
    assert again == whole(json.loads(edited))


def test_a_json_text_the_form_cannot_show_says_why_as_the_whole_read_does() -> None:
    text = json.dumps({"Version": "5.0", "Statement": [deny(0), deny(1, Principal="*")]})

    answer = from_json_text(text, META, shared=True)

    assert answer.source == "json"
    assert answer.form_problem == (
        "The form cannot show this policy: /Statement/1 has 'Principal', which the form "
        "cannot show."
    )


def _ticked(text: str) -> EditorState:
    form = form_of_text(text, EditorState())
    assert form is not None
    s = form.statements[0]
    return EditorState(statements=[replace(s, actions=[*s.actions, "ims:images:share"])])

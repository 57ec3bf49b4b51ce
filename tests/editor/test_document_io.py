"""Reading the posted text's form statement by statement (kept between keystrokes)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scpstudio.editor.document_io import _form_of
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

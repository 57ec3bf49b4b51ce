"""Hostile editor requests: every op with any body ends quickly with 200 or 400."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.editor.helpers import EDITOR, HTMX, shown_document

pytestmark = pytest.mark.django_db

OP_NAMES = [
    "check",
    "json",
    "fix",
    "use",
    "minify",
    "refresh",
    "add-statement",
    "remove-statement",
    "up",
    "down",
    "add-condition",
    "remove-condition",
    "level",
    "clear-actions",
    "add-urn",
]


@pytest.mark.parametrize(
    "body",
    [
        {"op": "fix-0", "statement_count": "1", "s0-condition_count": "1"},
        {"op": "use-0-0", "statement_count": "1", "s0-condition_count": "1"},
        {"op": "minify", "source": "json", "json": "{"},
        {"op": "minify", "source": "json", "json": "{", "s0-condition_count": "1"},
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_a_stale_fix_or_minify_with_a_keyless_condition_row_ends(client, deadline, body, htmx):
    headers = HTMX if htmx else {}

    with deadline():
        response = client.post(EDITOR, body, **headers)

    assert response.status_code == 200


def test_a_keyless_condition_row_survives_a_stale_fix_once(client):
    body = {"op": "fix-0", "statement_count": "1", "s0-condition_count": "1", "s0-c0-key": ""}

    response = client.post(EDITOR, body)

    assert response.content.count(b'name="s0-c0-key"') == 1
    assert b'name="s0-c1-key"' not in response.content


_fields = st.dictionaries(
    st.sampled_from(
        [
            "statement_count",
            "s0-condition_count",
            "s0-c0-key",
            "s0-c0-operator",
            "s0-c0-values",
            "s0-patterns",
            "s0-actions",
            "s0-effect",
            "s1-condition_count",
            "source",
            "json",
            "profile",
            "ctx_keys",
            "builder-region-0-image",
        ]
    ),
    st.one_of(
        st.sampled_from(["1", "2", "0", "-1", "50", "999999", "json", "form", "{", "", "x"]),
        st.text(max_size=40),
    ),
    max_size=8,
)
_ops = st.one_of(
    st.builds(
        lambda name, i, j: "-".join(str(p) for p in (name, i, j) if p is not None),
        st.sampled_from(OP_NAMES),
        st.one_of(st.none(), st.integers(0, 60)),
        st.one_of(st.none(), st.integers(0, 30), st.sampled_from(["list", "image", "x"])),
    ),
    st.text(max_size=30),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(op=_ops, fields=_fields, htmx=st.booleans())
def test_any_op_with_any_form_body_ends_with_200_or_400(client, deadline, op, fields, htmx):
    headers = HTMX if htmx else {}

    with deadline():
        response = client.post(EDITOR, {**fields, "op": op}, **headers)

    assert response.status_code in (200, 400), (op, fields, response.status_code)


@pytest.mark.django_db
def test_a_form_naming_more_statements_than_its_text_is_written_whole(client):
    """A hand-made request whose form holds two statements while its JSON text holds one,
    moving the second up: the text cannot take the move, so the form is written whole
    (it was an IndexError, a 500, found by the fuzz suite)."""
    text = json.dumps(
        {
            "Version": "5.0",
            "Statement": [{"Effect": "Deny", "Action": ["ims:images:share"], "Resource": "*"}],
        }
    )
    form = {"profile": "scp", "statement_count": "2", "source": "form", "json": text, "op": "up-1"}
    for i, action in enumerate(["ims:images:share", "ims:images:get"]):
        form |= {f"s{i}-effect": "Deny", f"s{i}-service": "ims", f"s{i}-actions": action}
        form[f"s{i}-resource_mode"] = "all"
    response = client.post("/editor/", form)
    assert response.status_code == 200
    shown = shown_document(response)
    assert [s["Action"] for s in shown["Statement"]] == [["ims:images:get"], ["ims:images:share"]]

"""editor.js posts the form as one JSON object; the answer is the same as for the
urlencoded form a browser without JavaScript sends, and a bad body gets a sentence."""

from __future__ import annotations

import gc
import json
import re

import pytest

from tests.editor.helpers import EDITOR, HTMX, form_fields

pytestmark = pytest.mark.django_db

POLICY = {
    "Version": "5.0",
    "Statement": [
        {
            "Sid": "NoSharing",
            "Effect": "Deny",
            "Action": ["ims:images:share", "ims:images:shar"],
            "Condition": {"StringNotEquals": {"g:PrincipalAccount": ["000000000001"]}},
        }
    ],
}


def _fields(client) -> dict[str, list[str]]:
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": json.dumps(POLICY)})
    return form_fields(page)


def _post_json(client, url, fields, **extra):
    return client.post(url, json.dumps(fields), content_type="application/json", **extra)


@pytest.mark.parametrize(
    "changes",
    [
        {"op": ["check"], "s0-sid": ["Renamed"]},
        {"op": ["json"], "json": [json.dumps({**POLICY, "Statement": []})]},
        {"op": ["add-statement"]},
        {"op": ["add-condition-0"]},
        {"op": ["fix-0"]},
        {"op": ["use-1-0"]},
        {"op": ["check"], "ctx_keys": ["g:PrincipalAccount=000000000001"]},
    ],
    ids=lambda c: c["op"][0],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_json_and_urlencoded_forms_get_the_same_answer(client, changes, htmx):
    fields = {**_fields(client), **changes}
    headers = HTMX if htmx else {}

    as_json = _post_json(client, EDITOR, fields, **headers)
    urlencoded = client.post(EDITOR, fields, **headers)

    assert as_json.status_code == urlencoded.status_code == 200
    assert _without_tokens(as_json) == _without_tokens(urlencoded)


def _without_tokens(response) -> str:
    """The page as shown, less the CSRF token (a new mask on every page)."""
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())


def test_a_single_string_counts_as_one_value(client):
    fields = {name: values[0] for name, values in _fields(client).items() if len(values) == 1}
    fields["op"] = "check"

    answer = _post_json(client, EDITOR, fields, **HTMX)

    assert answer.status_code == 200
    assert "NoSharing" in answer.content.decode()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"{not json", "not valid JSON"),
        (b'["op", "check"]', "JSON object"),
        (b'{"op": 5}', "'op' must be a string or a list of strings"),
        (b'{"s0-actions": ["ims:images:share", null]}', "'s0-actions' must be"),
        (b'{"<b>x</b>": {"a": 1}}', "'<b>x</b>' must be"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100_000, "not valid JSON"),
        (json.dumps({"v": ["x"] * 10_001}).encode(), "more than 10,000 values"),
        (json.dumps({f"f{i}": [] for i in range(10_001)}).encode(), "more than 10,000 values"),
    ],
    ids=[
        "syntax",
        "array",
        "number",
        "null-item",
        "markup-name",
        "bytes",
        "deep",
        "many",
        "many-empty",
    ],
)
@pytest.mark.parametrize("url", [EDITOR, "/editor/export/", "/editor/import/"])
def test_a_body_that_is_not_the_form_gets_a_400_with_a_sentence(client, body, words, url):
    answer = client.generic("POST", url, body, content_type="application/json", **HTMX)

    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("text/plain")
    assert words in answer.content.decode()


def test_an_oversized_json_body_gets_413_and_the_limit(client, settings):
    body = json.dumps({"json": ["x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE]})

    answer = client.generic("POST", EDITOR, body, content_type="application/json", **HTMX)

    assert answer.status_code == 413
    assert f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes" in answer.content.decode()


def test_half_a_surrogate_pair_becomes_a_replacement_character(client):
    fields = {**_fields(client), "op": ["check"]}
    body = json.dumps(fields)[:-1] + ', "name": ["a\\ud800b"], "s0-sid": ["\\udc00"]}'

    answer = client.generic("POST", EDITOR, body, content_type="application/json", **HTMX)

    assert answer.status_code == 200
    assert "&quot;Sid&quot;: &quot;\ufffd&quot;" in answer.content.decode()


def test_export_reads_the_json_form_too(client):
    fields = {**_fields(client), "op": ["download-minified"], "name": ["no-sharing"]}

    answer = _post_json(client, "/editor/export/", fields)

    assert answer.status_code == 200
    assert answer["Content-Disposition"] == 'attachment; filename="no-sharing.json"'
    assert json.loads(answer.content)["Statement"][0]["Sid"] == "NoSharing"


@pytest.mark.parametrize(
    "extra",
    [{f"f{i}": [] for i in range(9_000)}, {"v": ["x"] * 9_000}],
    ids=["empty-fields", "one-field"],
)
def test_a_form_just_under_the_limit_of_values_is_read(client, extra):
    fields = {**_fields(client), "op": ["check"]}
    room = 10_000 - sum(len(v) or 1 for v in fields.values()) - 9_000
    padding = {f"pad{i}": ["x"] for i in range(room)}

    answer = _post_json(client, EDITOR, {**fields, **extra, **padding}, **HTMX)
    over = _post_json(client, EDITOR, {**fields, **extra, **padding, "one_more": []}, **HTMX)

    assert answer.status_code == 200
    assert "NoSharing" in answer.content.decode()
    assert over.status_code == 400


def test_a_keystrokes_posted_fields_are_freed_when_it_answers_not_left_to_the_collector(client):
    """A Django request is in a reference cycle, freed only by the garbage collector's
    passes: the form's fields (a list per field) must not wait with it, or every keystroke
    of a large form leaves hundreds of lists for those passes to walk."""
    fields = _fields(client)
    fields.update({f"ctx_extra_{k}": [str(k)] for k in range(300)})  # a large form's worth
    _post_json(client, EDITOR, {**fields, "op": ["check"], "s0-sid": ["Warm"]}, **HTMX)
    gc.collect()
    gc.disable()
    try:
        answer = _post_json(client, EDITOR, {**fields, "op": ["check"], "s0-sid": ["New"]}, **HTMX)
        assert answer.status_code == 200
        del answer
        left_for_the_collector = gc.collect()
    finally:
        gc.enable()

    assert left_for_the_collector < 300, left_for_the_collector

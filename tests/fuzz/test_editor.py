"""The editor page, its export and import: any op with any form, urlencoded or as the JSON
editor.js sends, with or without htmx, answers 2xx (or 4xx with a sentence); how quickly,
`make bench` says."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import example, given
from hypothesis import strategies as st

from tests.editor.helpers import EDITOR, HTMX
from tests.fuzz.answers import assert_answered
from tests.fuzz.budget import fuzz
from tests.fuzz.strategies import (
    ACCESS_LEVELS,
    ACTIONS,
    BASE_OPERATORS,
    EIGHT_THOUSAND_SQUARED_PLAIN,
    HUGE,
    INFINITE_NUMBER_TEXT,
    KEYS,
    LONG_WILDCARD,
    PATTERN_VS_HUGE_IMAGE_ID,
    PROFILES,
    RESOURCE_TYPES,
    RESOURCES,
    THOUSAND_CIDRS_VS_THOUSAND_IPS,
    WILDCARD_VS_HUGE_USER_AGENT,
    context_lines,
    hostile_text,
    policy_texts,
)

pytestmark = pytest.mark.django_db

EXPORT = "/editor/export/"
IMPORT = "/editor/import/"

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
EXPORT_OPS = ["download-pretty", "download-minified", "download-terraform", "show-terraform"]
INDEXES = st.one_of(st.integers(0, 3), st.sampled_from([49, 50, 999_999, 1_000_000]))

ops = st.one_of(
    st.builds(
        lambda name, i, j: "-".join(str(p) for p in (name, i, j) if p is not None),
        st.sampled_from(OP_NAMES),
        st.one_of(st.none(), INDEXES),
        st.one_of(
            st.none(),
            INDEXES,
            st.sampled_from([*ACCESS_LEVELS, *RESOURCE_TYPES, "x", "_" * 64, "a" * 65]),
        ),
    ),
    hostile_text,
)

STATEMENT_FIELDS = [
    "sid",
    "effect",
    "not_action",
    "actions",
    "patterns",
    "resource_mode",
    "resources",
    "not_resource",
    "service",
    "condition_count",
]
CONDITION_FIELDS = ["qualifier", "operator", "if_exists", "key", "tag", "values"]
TOP_FIELDS = [
    "name",
    "description",
    "profile",
    "drawn_profile",
    "source",
    "statement_count",
    "json",
    "filled_slots",
    "preview_digest",
    "preview_filter",
    "ctx_region",
    "ctx_account",
    "ctx_keys",
    "full_access_shown",
    "full_access",
    *(f"ctx_rid_{name}" for name in RESOURCE_TYPES),
]

field_names = st.one_of(
    st.sampled_from(TOP_FIELDS),
    st.builds(lambda i, f: f"s{i}-{f}", INDEXES, st.sampled_from(STATEMENT_FIELDS)),
    st.builds(
        lambda i, j, f: f"s{i}-c{j}-{f}", INDEXES, INDEXES, st.sampled_from(CONDITION_FIELDS)
    ),
    st.builds(
        lambda part, i, j: f"builder-{part}-{i}-{j}",
        st.sampled_from(["region", "account", "id"]),
        INDEXES,
        st.sampled_from(RESOURCE_TYPES),
    ),
    hostile_text,
)
field_values = st.one_of(
    hostile_text,
    st.sampled_from(
        ["1", "2", "0", "-1", "50", "999999", "json", "form", "on", "all", "list", "Allow"]
    ),
    st.sampled_from(PROFILES + ACTIONS + RESOURCES + KEYS + BASE_OPERATORS),
    policy_texts(),
)
forms = st.dictionaries(field_names, st.lists(field_values, min_size=1, max_size=2), max_size=10)
triggers = st.one_of(
    st.none(), st.sampled_from(["s0-service", "s3-c0-key", "picker-2", "json"]), hostile_text
)


def _urlencoded(fields: dict[str, list[str]]) -> bytes:
    """The form as a browser posts it; a lone surrogate goes out as the bytes it would be."""
    return urlencode(fields, doseq=True, encoding="utf-8", errors="surrogatepass").encode()


def post_editor(
    client: Any,
    url: str,
    fields: dict[str, list[str]],
    how: str,
    htmx: bool,
    trigger: str | None = None,
) -> Any:
    headers: dict[str, str] = dict(HTMX) if htmx else {}
    if htmx and trigger is not None:
        headers["HTTP_HX_TRIGGER"] = trigger.encode("utf-8", "surrogatepass").decode("latin-1")
    if how == "json":
        body: bytes = json.dumps(fields).encode()
        content_type = "application/json"
    else:
        body = _urlencoded(fields)
        content_type = "application/x-www-form-urlencoded"
    return client.post(url, body, content_type=content_type, **headers)


def _no_constant(name: str) -> Any:
    raise AssertionError(f"the export holds {name}, which is not JSON")


def _encodable(text: str) -> str:
    return text.encode("utf-8", "replace").decode()


def _form(**fields: Any) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in fields.items()}


def _editor_case(case: tuple[Any, Any]) -> dict[str, list[str]]:
    """A known hostile preview as the editor posts it: the JSON box and the context panel."""
    policy, context = case
    fields = _form(source="json", json=json.dumps(policy), ctx_keys=context_lines(context))
    for name, value in (context.get("resource_ids") or {}).items():
        fields[f"ctx_rid_{name}"] = [value]
    return fields


PINNED = [
    _form(op="fix-0", statement_count="1", **{"s0-condition_count": "1"}),
    _form(op="use-0-0"),
    _form(op="use-0-0", statement_count="1", **{"s0-condition_count": "1"}),
    _form(op="minify", source="json", json="{"),
    _form(op="minify", source="json", json="{", **{"s0-condition_count": "1"}),
    {"op": ["check"], **_editor_case(WILDCARD_VS_HUGE_USER_AGENT)},
    {"op": ["check"], **_editor_case(THOUSAND_CIDRS_VS_THOUSAND_IPS)},
    {"op": ["check"], **_editor_case(EIGHT_THOUSAND_SQUARED_PLAIN)},
    {"op": ["check"], **_editor_case(PATTERN_VS_HUGE_IMAGE_ID)},
    _form(
        op="check",
        statement_count="1",
        **{
            "s0-condition_count": "1",
            "s0-c0-operator": "StringMatch",
            "s0-c0-key": "g:UserAgent",
            "s0-c0-values": LONG_WILDCARD,
            "ctx_keys": "g:UserAgent=" + HUGE,
        },
    ),
    _form(op="json", source="json", json='{"Version":"5.0","Statement":[{"Effect":1e999}]}'),
    _form(op="check", source="json", json="[" * 50_000),
    _form(op="check", source="json", json="9" * 5_000),
    _form(op="level-0-" + "a" * 64, statement_count="1"),
    _form(op="add-urn-0-image", **{"builder-id-0-image": HUGE}),
]


@fuzz(1_500)
@given(
    op=ops,
    fields=forms,
    how=st.sampled_from(["urlencoded", "json"]),
    htmx=st.booleans(),
    trigger=triggers,
)
@example(op="fix-0", fields=PINNED[0], how="urlencoded", htmx=False, trigger=None)
@example(op="use-0-0", fields=PINNED[1], how="urlencoded", htmx=True, trigger=None)
@example(op="minify", fields=PINNED[3], how="json", htmx=True, trigger=None)
@example(op="check", fields=PINNED[5], how="json", htmx=True, trigger="json")
@example(op="check", fields=PINNED[6], how="urlencoded", htmx=True, trigger="json")
@example(op="check", fields=PINNED[7], how="json", htmx=False, trigger=None)
@example(op="check", fields=PINNED[8], how="json", htmx=True, trigger="json")
def test_any_op_with_any_form_answers(client, timed, op, fields, how, htmx, trigger):
    fields = {**fields, "op": [op]}

    response, seconds = timed(post_editor, client, EDITOR, fields, how, htmx, trigger)

    assert_answered(response, seconds, what=(how, htmx, fields))


@pytest.mark.parametrize("fields", PINNED, ids=range(len(PINNED)))
@pytest.mark.parametrize("how", ["urlencoded", "json"])
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_known_hostile_editor_forms_answer(client, timed, fields, how, htmx):
    response, seconds = timed(post_editor, client, EDITOR, fields, how, htmx)

    assert_answered(response, seconds, what=fields["op"])


@fuzz(600)
@given(
    op=st.one_of(st.sampled_from(EXPORT_OPS), hostile_text),
    fields=forms,
    how=st.sampled_from(["urlencoded", "json"]),
    htmx=st.booleans(),
)
@example(op="download-terraform", fields=_form(name=HUGE), how="urlencoded", htmx=False)
@example(
    op="download-minified",
    fields=_form(source="json", json=INFINITE_NUMBER_TEXT),
    how="urlencoded",
    htmx=False,
)
@example(
    op="download-pretty",
    fields=_form(source="json", json=INFINITE_NUMBER_TEXT),
    how="json",
    htmx=True,
)
@example(
    op="show-terraform", fields=_form(name="\ud800", description="${x}"), how="json", htmx=True
)
def test_export_of_any_form_answers(client, timed, op, fields, how, htmx):
    fields = {**fields, "op": [op]}

    response, seconds = timed(post_editor, client, EXPORT, fields, how, htmx)

    assert_answered(response, seconds, what=(how, htmx, fields))
    if response.status_code == 200 and response["Content-Type"] == "application/json":
        json.loads(response.content, parse_constant=_no_constant)  # never NaN or Infinity


@fuzz(600)
@given(
    text=st.one_of(policy_texts(), hostile_text),
    upload=st.one_of(
        st.none(),
        st.binary(max_size=64),
        st.sampled_from([b"\xff\xfe{}", b"\xef\xbb\xbf{}", b"\x00" * 100, b"{" * 100_000]),
        policy_texts().map(lambda t: t.encode("utf-8", "surrogatepass")),
    ),
    name=hostile_text,
    profile=st.one_of(st.sampled_from(PROFILES), hostile_text),
    htmx=st.booleans(),
)
@example(text="", upload=b"a" * (1024 * 1024 + 1), name="", profile="scp", htmx=False)
def test_import_of_any_text_or_file_answers(client, timed, text, upload, name, profile, htmx):
    fields = {"import_text": [text], "name": [name], "profile": [profile]}
    if upload is None:  # pasted text: urlencoded, where any bytes can travel
        response, seconds = timed(post_editor, client, IMPORT, fields, "urlencoded", htmx)
    else:  # a browser's multipart form holds text it could encode: no lone surrogates
        data: dict[str, Any] = {k: _encodable(v[0]) for k, v in fields.items()}
        data["import_file"] = SimpleUploadedFile("policy.json", upload)
        response, seconds = timed(client.post, IMPORT, data, **(HTMX if htmx else {}))

    assert_answered(response, seconds, what=(text[:100], name[:100], profile[:100]))


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"", "application/json"),
        (b"{", "application/json"),
        (b"[]", "application/json"),
        (b'{"op": 1}', "application/json"),
        (b'{"op": [null]}', "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"[" * 100_000, "application/json"),
        (b'{"a": "\\ud800", "\\udfff": ["x"]}', "application/json"),
        (b"op=check&" + b"x=1&" * 10_001, "application/x-www-form-urlencoded"),
        (b"op=%ff%fe&json=%ed%a0%80", "application/x-www-form-urlencoded"),
        (b"--x\r\n", "multipart/form-data; boundary=x"),
        (b"op=check", "multipart/form-data"),
        (b"a" * (2 * 1024 * 1024 + 1), "text/plain"),
    ],
    ids=range(13),
)
@pytest.mark.parametrize("url", [EDITOR, EXPORT, IMPORT])
def test_a_body_that_is_not_a_form_gets_a_sentence(client, timed, url, body, content_type):
    response, seconds = timed(client.post, url, body, content_type=content_type, **HTMX)

    assert_answered(response, seconds, what=body[:80])

"""Catalog browse pages, the REST catalog API and the admin import: any query, name or
upload answers 2xx (or 4xx with a sentence); how quickly, `make bench` says."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import example, given
from hypothesis import strategies as st

from tests.catalog.fixtures import IMS_PAGE, page_text
from tests.catalog.schema_data import ecs_schema
from tests.editor.helpers import HTMX
from tests.fuzz.answers import assert_answered
from tests.fuzz.budget import fuzz
from tests.fuzz.strategies import (
    ACCESS_LEVELS,
    ACTIONS,
    HUGE,
    KEYS,
    RESOURCE_TYPES,
    hostile_text,
    json_values,
)

pytestmark = pytest.mark.django_db

PARAMS = {
    "/catalog/actions/": ["q", "level"],
    "/catalog/services/ims/": ["q", "level"],
    "/catalog/condition-keys/": ["q", "scope"],
    "/catalog/apis/": ["q", "service"],
    "/api/v1/catalog/services/": ["service", "limit", "offset"],
    "/api/v1/catalog/actions/": [
        "service",
        "access_level",
        "resource_type",
        "condition_key",
        "q",
        "limit",
        "offset",
    ],
    "/api/v1/catalog/resource-types/": ["service", "limit", "offset"],
    "/api/v1/catalog/condition-keys/": ["service", "scope", "limit", "offset"],
    "/api/v1/catalog/apis/": ["service", "action", "limit", "offset"],
}
NAMED = [
    "/catalog/actions/{}/",
    "/catalog/services/{}/",
    "/api/v1/catalog/actions/{}/",
    "/api/v1/catalog/services/{}/",
]
PLAUSIBLE = [
    *ACCESS_LEVELS,
    *ACTIONS,
    *KEYS,
    *RESOURCE_TYPES,
    "ims",
    "global",
    "service",
    "0",
    "1",
    "-1",
    "200",
    "9223372036854775808",
    "-9223372036854775809",
    "1e3",
    "99999999999999999999999999",
    "%",
    "_",
    "\\",
]
values = st.one_of(st.sampled_from(PLAUSIBLE), hostile_text)


def _query(params: dict[str, list[str]]) -> str:
    return urlencode(params, doseq=True, encoding="utf-8", errors="surrogatepass")


@st.composite
def list_requests(draw: Any) -> str:
    path = draw(st.sampled_from(sorted(PARAMS)))
    names = st.one_of(st.sampled_from(PARAMS[path]), hostile_text)
    params = draw(st.dictionaries(names, st.lists(values, min_size=1, max_size=2), max_size=4))
    return f"{path}?{_query(params)}"


@fuzz(1_500)
@given(url=list_requests(), htmx=st.booleans())
@example(url="/api/v1/catalog/actions/?limit=9223372036854775808", htmx=False)
@example(url="/api/v1/catalog/actions/?offset=9223372036854775808", htmx=False)
@example(url="/api/v1/catalog/apis/?limit=1&offset=99999999999999999999999", htmx=False)
@example(url="/catalog/actions/?q=%00&level=%ED%A0%80", htmx=True)
@example(url=f"/catalog/actions/?q={'a' * 40_000}", htmx=True)
@example(url="/api/v1/catalog/actions/?q=%25%5F%25", htmx=False)
def test_any_catalog_list_query_answers(client, timed, url, htmx):
    headers = HTMX if htmx else {}

    response, seconds = timed(client.get, url, **headers)

    assert_answered(response, seconds, what=url[:200])


@fuzz(400)
@given(
    pattern=st.sampled_from(NAMED),
    name=st.one_of(st.sampled_from(ACTIONS + ["ims", "IMS", "ims:images:get"]), hostile_text),
)
@example(pattern="/api/v1/catalog/actions/{}/", name=HUGE)
@example(pattern="/catalog/actions/{}/", name="\x00")
def test_any_name_in_a_catalog_url_answers(client, timed, pattern, name):
    url = pattern.format(quote(name.encode("utf-8", "surrogatepass"), safe=""))

    response, seconds = timed(client.get, url)

    assert_answered(response, seconds, what=url[:200])


# -- the admin import ---------------------------------------------------------------------------

IMPORT = "/admin/catalog/service/import/"
SHIPPED = json.loads((IMS_PAGE.parents[3] / "catalog" / "data" / "ims.json").read_text())


@st.composite
def catalog_sources(draw: Any) -> str:
    """Our catalog JSON or IAM's schema with one hostile part, Huawei's page cut or spliced,
    or any text."""
    kind = draw(st.sampled_from(["json", "schema", "page", "text"]))
    if kind == "schema":
        schema = ecs_schema()
        part = draw(st.sampled_from(["actions", "resources", "conditions", "operations"]))
        items = schema.get(part) or [{}]
        item = items[draw(st.integers(0, len(items) - 1))]
        if isinstance(item, dict) and item:
            item[draw(st.sampled_from(sorted(item)))] = draw(st.one_of(hostile_text, json_values))
        else:
            schema[part] = draw(json_values)
        return json.dumps(schema, allow_nan=True)
    if kind == "json":
        document = json.loads(json.dumps(SHIPPED))
        service = document["services"][0]
        part = draw(st.sampled_from(["actions", "resource_types", "condition_keys", "apis"]))
        items = service.get(part) or [{}]
        item = items[draw(st.integers(0, len(items) - 1))]
        if isinstance(item, dict) and item:
            key = draw(st.sampled_from(sorted(item)))
            item[key] = draw(st.one_of(hostile_text, json_values))
        else:
            service[part] = draw(json_values)
        if draw(st.booleans()):
            service["prefix"] = draw(st.one_of(st.just("ims"), hostile_text))
        return json.dumps(document, allow_nan=True)
    if kind == "page":
        text = page_text(IMS_PAGE)
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(hostile_text) + text[at + draw(st.integers(0, 200)) :]
    return draw(st.one_of(hostile_text, st.text(max_size=200)))


@fuzz(150)
@given(
    source=catalog_sources(),
    # a name the test client can send as a file (it refuses one ending in a path separator)
    upload_name=st.one_of(
        st.just("ims.json"),
        hostile_text.filter(
            lambda n: "\x00" not in n and n.replace("\\", "/").rsplit("/", 1)[-1].strip()
        ),
    ),
    confirm=st.booleans(),
)
@example(source="\ud800", upload_name="x.txt", confirm=False)
@example(source="[" * 100_000, upload_name="x.json", confirm=True)
@example(source="[" * 100_000, upload_name="x.json", confirm=False)
@example(source='{"version": ' + "9" * 5_000 + "}", upload_name="x.json", confirm=True)
@example(source='{"version": ' + "9" * 5_000 + "}", upload_name="x.json", confirm=False)
@example(
    source='{"format": "scpstudio-catalog", "version": 1e999}', upload_name="x.json", confirm=True
)
def test_admin_import_of_any_source_answers(staff_client, timed, source, upload_name, confirm):
    if confirm:  # the review page's form posts the text back; urlencoded, any bytes travel
        fields = {"confirm": "1", "source_text": source, "source_name": upload_name}
        body = urlencode(fields, encoding="utf-8", errors="surrogatepass")
        send: Any = staff_client.generic
        args: tuple[Any, ...] = ("POST", IMPORT, body, "application/x-www-form-urlencoded")
    else:
        name = (upload_name or "x").encode("utf-8", "replace").decode()  # a browser's file name
        upload = SimpleUploadedFile(name, source.encode("utf-8", "surrogatepass"))
        send, args = staff_client.post, (IMPORT, {"file": upload})

    response, seconds = timed(send, *args)

    assert_answered(response, seconds, redirect_ok=confirm, what=(source[:200], upload_name))


@pytest.mark.parametrize(
    "upload",
    [
        b"",
        b"\xff\xfe\x00",
        b"\x00" * 1000,
        b"a" * (2 * 1024 * 1024 + 1),
        b"{" * 100_000,
        b'{"format": "scpstudio-catalog", "version": ' + b"9" * 5_000 + b"}",
    ],
    ids=["empty", "utf16-bom", "nul", "over-2mb", "deep", "5000-digits"],
)
def test_admin_import_of_a_hostile_file_answers(staff_client, timed, upload):
    data = {"file": SimpleUploadedFile("catalog.json", upload)}

    response, seconds = timed(staff_client.post, IMPORT, data)

    assert_answered(response, seconds, what=upload[:40])


# -- the REST import ----------------------------------------------------------------------------


@fuzz(100)
@given(source=catalog_sources(), dry_run=st.one_of(st.booleans(), json_values))
@example(source="[" * 100_000, dry_run=False)
@example(source="\ud800", dry_run=True)
def test_rest_import_of_any_source_answers(staff_client, timed, source, dry_run):
    body = json.dumps({"source": source, "dry_run": dry_run}, allow_nan=True)

    response, seconds = timed(
        staff_client.generic, "POST", "/api/v1/catalog/imports/", body, "application/json"
    )

    assert_answered(response, seconds, what=(source[:200], dry_run))

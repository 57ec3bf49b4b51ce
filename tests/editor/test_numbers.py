"""Numbers stay JSON: 1e999 is an error at its place, and no export holds NaN or Infinity."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from tests.editor.helpers import EDITOR, HTMX, form_fields, resubmit, shown_json

pytestmark = pytest.mark.django_db

EXPORT = "/editor/export/"
HUGE = (
    '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:share"], '
    '"Resource": ["*"], "Condition": {"NumberLessThan": {"g:MFAAge": 1e999}}}]}'
)
OUT_OF_RANGE = "The number 1e999 is out of range"


def _strict(text: str) -> Any:
    """json.loads that refuses NaN and Infinity, as every JSON reader but Python's does."""

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_1e999_in_the_json_is_an_error_at_its_place_and_nothing_is_previewed(client):
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": HUGE}).content.decode()

    assert OUT_OF_RANGE in page
    assert "NUMBER_OUT_OF_RANGE" in page
    assert "less than inf" not in page
    assert "Nothing was previewed." in page


def test_the_rest_api_reports_1e999_with_its_position(client):
    body = json.dumps({"document": HUGE})

    validation = client.post(reverse("checks-api:validate"), body, content_type="application/json")
    preview = client.post(reverse("checks-api:preview"), body, content_type="application/json")

    [finding] = validation.json()["findings"]
    assert finding["code"] == "NUMBER_OUT_OF_RANGE"
    assert finding["span"]["start"]["column"] == HUGE.index("1e999") + 1
    assert preview.json()["problem"].startswith(OUT_OF_RANGE)
    assert preview.json()["apis"] == []


@pytest.mark.parametrize(
    "op", ["download-pretty", "download-minified", "download-terraform", "show-terraform"]
)
def test_no_export_of_1e999_json_is_written(client, op):
    response = client.post(EXPORT, {"op": op, "source": "json", "json": HUGE})

    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()
    assert b"Infinity" not in response.content


@pytest.mark.parametrize("op", ["download-pretty", "download-minified"])
def test_1e999_typed_in_the_form_is_exported_as_the_text_written(client, op):
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": HUGE.replace("1e999", "5")})
    fields = form_fields(page)
    fields["s0-c0-values"] = ["1e999"]

    response = client.post(EXPORT, {**fields, "op": op})

    document = _strict(response.content.decode())
    assert document["Statement"][0]["Condition"]["NumberLessThan"]["g:MFAAge"] == "1e999"


def test_1e999_typed_in_the_form_reaches_the_json_view_as_text(client):
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": HUGE.replace("1e999", "5")})

    answer = resubmit(client, page, **{"s0-c0-values": "1e999"})

    shown = _strict(shown_json(answer))
    assert shown["Statement"][0]["Condition"]["NumberLessThan"]["g:MFAAge"] == "1e999"


def test_terraform_of_the_form_is_finite(client):
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": HUGE.replace("1e999", "5")})
    fields = form_fields(page)
    fields["s0-c0-values"] = ["-1e999"]

    response = client.post(EXPORT, {**fields, "op": "show-terraform"}, **HTMX)

    text = response.content.decode()
    assert "Infinity" not in text and "NaN" not in text
    assert "-1e999" in text

"""No page shows template source: a `{# #}` comment spans one line only, and a longer one
written that way is printed to the reader as text."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/editor/",
    "/checks/",
    "/catalog/",
    "/catalog/actions/",
    "/catalog/actions/ims:images:share/",
    "/catalog/condition-keys/",
    "/catalog/apis/",
    "/catalog/services/ims/",
]
TEMPLATE_SOURCE = re.compile(r"\{[#%]|[#%]\}")  # a tag or comment; JSON examples hold }}


@pytest.mark.parametrize("url", PAGES)
def test_a_page_shows_no_template_source(client, url):
    response = client.get(url)

    assert response.status_code == 200
    leaked = TEMPLATE_SOURCE.findall(response.content.decode())
    assert leaked == []


def test_the_editor_answer_to_a_keystroke_shows_no_template_source(client):
    response = client.post("/editor/", {"op": "check"}, HTTP_HX_REQUEST="true")

    assert TEMPLATE_SOURCE.findall(response.content.decode()) == []


def test_the_icon_is_found_where_browsers_look_for_it(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content if icon.streaming else [icon.content])


@pytest.mark.parametrize("op", ["add-condition-0", "add-statement", "minify", "json", "refresh"])
def test_the_editor_answer_to_a_button_shows_no_template_source(client, op):
    fields = {"op": op, "s0-actions": "ims:images:share", "statement_count": "1"}
    if op == "json":
        fields["json"] = '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "*"}]}'

    response = client.post("/editor/", fields, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert TEMPLATE_SOURCE.findall(response.content.decode()) == []

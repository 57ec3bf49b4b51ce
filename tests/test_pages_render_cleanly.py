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

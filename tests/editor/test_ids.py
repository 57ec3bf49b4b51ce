"""The editor's ids are spelled once (scpstudio/editor/ids.py): the page hands them to its
JavaScript in `data-ids`, and the scripts name none themselves."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from scpstudio.editor import ids

SCRIPTS = [Path("static/js/editor.js"), Path("static/js/workspace.js")]


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.form_ids = ""
        self.focus: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "form" and "data-editor" in a:
            self.form_ids = a.get("data-ids") or ""
        if a.get("data-focus"):
            self.focus.append(a["data-focus"] or "")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_scripts_name_no_id_of_their_own(script: Path) -> None:
    text = script.read_text()
    assert not re.findall(r"getElementById\(\s*[\"']", text), "an id spelled in the script"
    assert not re.findall(r"querySelector(?:All)?\(\s*[\"']#\w", text), (
        "an #id selector in the script"
    )
    assert not re.findall(r"closest\(\s*[\"']#\w", text), "an #id selector in the script"


@pytest.mark.django_db
def test_the_page_hands_its_ids_to_the_scripts(client) -> None:
    policy = {
        "Version": "5.0",
        "Statement": [
            {"Effect": "Deny", "Action": ["ims:images:share"], "Resource": ["*"]},
            {
                "Effect": "Deny",
                "Action": ["ims:images:delete"],
                "Resource": ["*"],
                "Condition": {"StringEquals": {"g:RequestedRegion": ["cn-north-4"]}},
            },
        ],
    }
    response = client.post(
        reverse("editor:import"), {"import_text": json.dumps(policy), "profile": "scp"}, follow=True
    )
    page = _Ids()
    page.feed(response.content.decode())
    named = json.loads(page.form_ids)
    assert named == ids.page_ids()
    # every part the scripts look up is on the page
    assert {v for k, v in named.items() if k != "statementSpans"} <= page.ids
    assert ids.STATEMENT_SPANS in page.ids
    # every place a button hands the focus to exists (or is the other button at an end)
    for places in page.focus:
        assert any(p in page.ids for p in places.split()), places


def test_focus_after_a_move_names_the_statement_where_it_went() -> None:
    assert ids.focus_after_move(2, "up") == "op-up-1 op-down-1"
    assert ids.focus_after_move(0, "down") == "op-down-1 op-up-1"
    assert ids.statement_block(3) == "statement-3"


@pytest.mark.parametrize(
    ("field", "place"),
    [
        ("s3-sid", (3, None, "sid")),
        ("s12-c0-key", (12, 0, "key")),
        ("s0-condition_count", (0, None, "condition_count")),
        ("s2-a-ims:images:get", (2, None, "a-ims:images:get")),
        ("picker-7", (7, None, "")),
        ("s999999-sid", (999999, None, "sid")),
        ("s" + "9" * 5000 + "-sid", None),
        ("s1-c" + "9" * 5000 + "-key", (1, None, "c" + "9" * 5000 + "-key")),
        ("picker-", None),
        ("statement-3", None),
        ("", None),
        (None, None),
    ],
)
def test_a_field_names_its_place_read_in_one_place(field: str | None, place: object) -> None:
    assert ids.field_place(field) == place
    assert ids.statement_of_field(field) == (place[0] if place else None)

"""The editor's preview rows are kept by the engine's row they show (`_kept_row_view`): after
an edit the table must be the one the edited policy's rows give, in the table's order."""

from __future__ import annotations

import json

import pytest

from catalog.snapshot import catalog_snapshot
from scpstudio.editor.preview_view import _row_view, preview_rows
from scpstudio.engine.analysis import analyze_policy

pytestmark = pytest.mark.django_db


def _deny(*actions: str, sid: str = "Guard") -> str:
    statement = {"Sid": sid, "Effect": "Deny", "Action": list(actions), "Resource": "*"}
    return json.dumps({"Version": "5.0", "Statement": [statement]})


def _fresh(text: str, wanted: str) -> list:
    analysis = analyze_policy(text, catalog_snapshot())
    rank = {"denied": 0, "conditional": 1, "not_allowed": 2, "allowed": 3}
    rows = sorted(
        analysis.preview.apis,
        key=lambda r: (rank.get(r.outcome.value, 4), r.path, r.method, r.operation_ids),
    )
    return [_row_view(r) for r in rows if wanted == "all" or r.outcome.value == wanted]


@pytest.mark.parametrize("wanted", ["all", "denied", "allowed"])
@pytest.mark.parametrize(
    "edited",
    [_deny("ims:images:share", "ims:images:get"), _deny("ims:images:share", sid="Renamed")],
)
def test_rows_after_an_edit_are_those_of_the_edited_policy(edited, wanted):
    catalog = catalog_snapshot()
    before = preview_rows(analyze_policy(_deny("ims:images:share"), catalog), wanted)

    after = preview_rows(analyze_policy(edited, catalog), wanted)

    assert after == _fresh(edited, wanted)
    assert after != before or wanted == "allowed"

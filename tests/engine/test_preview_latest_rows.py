"""An edit's preview takes again the rows of the latest preview of the same plans that
need no action whose decision changed (`preview_shared.latest_rows`): a run of edits,
each changing one statement of the one before, previews equal to the plain preview at
every step, the shared decision changing or not."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scpstudio.engine.decision import Level
from scpstudio.engine.policy import compile_policy
from scpstudio.engine.preview import preview_each, preview_levels
from scpstudio.engine.statement_memory import forget_statements
from tests.engine.test_preview_whole import CATALOGS, same_preview, statements


@st.composite
def edits(draw: Any) -> tuple[str, list[list[dict[str, Any]]]]:
    which = draw(st.sampled_from(sorted(CATALOGS)))
    policy = draw(st.lists(statements(which), min_size=1, max_size=4))
    runs = [policy]
    for _ in range(draw(st.integers(1, 5))):
        policy = list(policy)
        policy[draw(st.integers(0, len(policy) - 1))] = draw(statements(which))
        runs.append(policy)
    return which, runs


@settings(max_examples=60, deadline=None)
@given(edits(), st.booleans())
def test_a_run_of_edits_previews_as_the_plain_preview_at_every_step(
    case: tuple[str, list[list[dict[str, Any]]]], full_access: bool
) -> None:
    which, runs = case
    catalog = CATALOGS[which]
    forget_statements()
    for policy in runs:
        text = json.dumps({"Version": "5.0", "Statement": policy})
        levels = [Level("", [compile_policy(text, catalog, name="Edited")], full_access)]
        services = ["svc000"] if which == "generated" else None
        preview = preview_levels(levels, catalog, services=services)
        same_preview(preview, preview_each(levels, catalog, services=services))
        # the same policy again: every row is the one made before
        again = preview_levels(levels, catalog, services=services)
        assert all(a is b for a, b in zip(preview.apis, again.apis, strict=True))

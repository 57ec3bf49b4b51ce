"""The preview of every API of a catalog along an organization path, in time that grows
with what the policies name rather than with the catalog: the organization's effective
preview (a catalog may hold 10,000 APIs; a path's SCPs name a few hundred actions).

The actions no statement on the path names share one decision (`evaluate_many`); an API
needing only such actions shares its outcome too. Its row (a light `SharedRow`) is made
when it is read rather than kept, as `preview.preview_levels` keeps them for the editor:
a page or the REST API reads each row once, and a catalog's worth of rows kept with every
preview would cost their memory, and the garbage collector's walks over them, for
nothing. The rows of the APIs a statement decides are made at once. The answer equals
`preview.preview_each(levels, catalog, context, services=catalog.services)`
(tests/engine/test_preview_whole.py checks it on generated paths and catalogs).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.decision import Level
from scpstudio.engine.evaluate_many import decide_many
from scpstudio.engine.preview import (
    Preview,
    PreviewContext,
    not_governed_note,
    prepared,
    refused_preview,
)
from scpstudio.engine.preview_rows import ActionOutcome, outcome_maker, row_of
from scpstudio.engine.preview_shared import ActionsListed, ApiRows, plan_index


def preview_whole_catalog(
    levels: Sequence[Level], catalog: Catalog, context: PreviewContext | None = None
) -> Preview:
    """`preview_levels(levels, catalog, context, services=catalog.services)`, its rows
    made when read and not kept (the organization keeps whole previews)."""
    ctx = context or PreviewContext()
    refused = refused_preview(levels, ctx)
    if refused is not None:
        return refused
    wanted = frozenset(s.casefold() for s in catalog.services)
    plans, subjects, context_problems = prepared(catalog, wanted, ctx)
    index = plan_index(plans, subjects)
    decisions = decide_many(index.known, levels, catalog)
    notes = {service: not_governed_note(catalog, service, levels) for service in index.services}
    outcomes: dict[tuple[str, str | None], ActionOutcome] = {}
    outcome_of = outcome_maker(decisions, outcomes)

    made: Iterable[int]
    if decisions.shared is None:
        made = range(len(plans))  # nothing shared: every row decided here
    else:  # the rows of the APIs needing an action decided one by one
        made = sorted({i for f in decisions.decided for i in index.plans_needing.get(f, ())})
    rows = {i: row_of(plans[i], outcome_of, notes[plans[i].service]) for i in made}
    return Preview(
        ApiRows(plans, rows, notes, decisions, index.first_names),
        ActionsListed(index.listed, outcomes, decisions),
        context_problems=context_problems,
    )

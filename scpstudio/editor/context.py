"""What the editor template needs beyond the form state: pickers, key choices,
findings placed beside their fields, and the preview rows to show."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Any

from django.utils.html import escape

from scpstudio.editor import html as editor_html
from scpstudio.editor import ids
from scpstudio.editor.html_preview import preview_table_digest, preview_table_html, row_markup
from scpstudio.editor.kept import kept, service_action_names, service_prefixes
from scpstudio.editor.parts import ConditionView, LevelPicker, StatementView
from scpstudio.editor.state import (
    EditorState,
    StatementForm,
    is_shared,
    merged_rows,
)
from scpstudio.engine.analysis import Analysis
from scpstudio.engine.catalog import (
    ACCESS_LEVEL_LABELS,
    Action,
    Catalog,
    ConditionKey,
    access_level_label,
    access_levels_in_order,
)
from scpstudio.engine.findings import Finding
from scpstudio.engine.kept_by_id import KeptById
from scpstudio.engine.operators import OPERATORS
from scpstudio.engine.profiles import get_profile

LEVEL_LABELS = ACCESS_LEVEL_LABELS
OPERATORS_BY_TYPE: dict[str, list[str]] = {}
for _spec in OPERATORS.values():
    if _spec.family != "null":
        OPERATORS_BY_TYPE.setdefault(_spec.family, []).append(_spec.name)
FILTERS = {
    "all": "All APIs",
    "denied": "Denied",
    "conditional": "Conditional",
    "not_allowed": "Not allowed",
    "allowed": "Allowed",
}
_STATEMENT_PATH = re.compile(r"^/Statement/(\d+)(?:/([^/]+))?(?:/([^/]+))?(?:/([^/]+))?")


def statement_views(
    state: EditorState, catalog: Catalog, only: set[int] | None = None
) -> list[StatementView]:
    """What the form shows of each statement (of the statements `only`, when given)."""
    services = service_prefixes(catalog)
    last = len(state.statements) - 1
    return [
        _statement_view(i, s, catalog, services, last=i == last)
        for i, s in enumerate(state.statements)
        if only is None or i in only
    ]


def _statement_view(
    i: int, s: StatementForm, catalog: Catalog, services: list[str], *, last: bool
) -> StatementView:
    service_actions = catalog.actions_of_service(s.service)
    # Only an action written exactly as the catalog spells it ticks its box: another
    # spelling stays as typed among the patterns (ACTION_CASE offers the fix).
    names = service_action_names(catalog, s.service)
    # kept per catalog, service and ticked boxes: the same objects while these hold, so
    # that their markup is kept with them (`html.action_picker`)
    chosen = names.intersection(s.actions)
    pickers = kept(
        catalog,
        ("pickers", s.service, chosen),
        lambda: _pickers(service_actions, chosen),
    )
    patterns = [a for a in s.actions if a not in names]
    matched: dict[str, Action] = {}
    for a in s.actions:
        for m in catalog.match_actions(a):
            matched[m.name] = m
    supported = any(m.supports_resources for m in matched.values())
    key_choices = kept(
        catalog, ("keys", tuple(matched)), lambda: _key_choices(catalog, list(matched.values()))
    )
    conditions = []
    merged = merged_rows(s)
    for j, row in enumerate(s.conditions):
        key = catalog.condition_key(row.key) if row.key else None
        # before a key is chosen every operator fits (Null among them, once)
        ops = [*OPERATORS_BY_TYPE.get(key.value_type, []), "Null"] if key else sorted(OPERATORS)
        conditions.append(
            ConditionView(
                row, key, key_choices, ops, ids.condition_slot(i, j), merged_with=merged.get(j)
            )
        )
    return StatementView(
        index=i,
        form=s,
        pickers=pickers,
        patterns=patterns,
        resource_types=list(catalog.resource_types_of_service(s.service)),
        resources_supported=supported,
        conditions=conditions,
        services=services,
        last=last,
    )


def _pickers(service_actions: Sequence[Action], chosen: frozenset[str]) -> tuple[LevelPicker, ...]:
    """The service's actions by access level, those `chosen` ticked."""
    pickers = []
    for level in access_levels_in_order(a.access_level for a in service_actions):
        actions = [
            (a, a.name in chosen)
            for a in sorted(service_actions, key=lambda a: a.name)
            if a.access_level == level
        ]
        if actions:
            pickers.append(LevelPicker(level, access_level_label(level), actions))
    return tuple(pickers)


def _key_choices(catalog: Catalog, actions: list[Action]) -> tuple[ConditionKey, ...]:
    """Keys that apply to the chosen actions, then the request-wide global keys."""
    seen: dict[str, ConditionKey] = {}
    for action in actions:
        for key in catalog.keys_for_action(action.name):
            seen.setdefault(key.name, key)
    for key in catalog.request_wide_keys:
        seen.setdefault(key.name, key)
    return tuple(sorted(seen.values(), key=lambda k: (k.is_global, k.name.lower())))


# -- findings beside their fields -----------------------------------------------------------------


def finding_slot(finding: Finding, state: EditorState | None) -> str:
    """The id of the place in the form a finding is shown beside."""
    found = _SLOT_OF_PATH.get(finding.path)
    if found is not None:
        return found
    slot, by_path = _finding_slot(finding, state)
    if by_path:
        if len(_SLOT_OF_PATH) >= 4_096:
            _SLOT_OF_PATH.clear()
        _SLOT_OF_PATH[finding.path] = slot
    return slot


# The slots found by a finding's path alone (all but a condition's: its row is the form's).
_SLOT_OF_PATH: dict[str, str] = {}


def _finding_slot(finding: Finding, state: EditorState | None) -> tuple[str, bool]:
    """The slot, and whether the path alone says it (for all but a condition's)."""
    m = _STATEMENT_PATH.match(finding.path)
    if not m:
        return ids.POLICY_SLOT, True
    i = int(m.group(1))
    element = m.group(2) or ""
    if element in ("Action", "NotAction"):
        return ids.statement_slot(i, "actions"), True
    if element in ("Resource", "NotResource"):
        return ids.statement_slot(i, "resources"), True
    if element == "Effect":
        return ids.statement_slot(i, "effect"), True
    if element == "Sid":
        return ids.statement_slot(i, "sid"), True
    if element == "Condition":
        if state is not None and i < len(state.statements):
            operator = _unescape(m.group(3) or "")
            key = _unescape(m.group(4) or "")
            for j, row in enumerate(state.statements[i].conditions):
                if row.written_operator == operator and (not key or row.key == key):
                    return ids.condition_slot(i, j), False
            return ids.statement_slot(i, "conditions"), False
        return ids.statement_slot(i), False
    return ids.statement_slot(i), True


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


STATEMENT_SLOT_PARTS = ("", "sid", "effect", "actions", "resources", "conditions")


def slot_ids(state: EditorState) -> list[str]:
    """Every slot of the form, in its order: they follow from the statements' rows alone."""
    rows = tuple(len(s.conditions) for s in state.statements)
    found: tuple[str, ...] | None = _SLOT_IDS.get(rows)
    if found is None:
        listed = [ids.POLICY_SLOT]
        for i, count in enumerate(rows):
            listed += [ids.statement_slot(i, part) for part in STATEMENT_SLOT_PARTS]
            listed += [ids.condition_slot(i, j) for j in range(count)]
        found = tuple(listed)
        if len(_SLOT_IDS) >= 256:
            _SLOT_IDS.clear()
        _SLOT_IDS[rows] = found
    return list(found)


_SLOT_IDS: dict[tuple[int, ...], tuple[str, ...]] = {}


def findings_by_slot(
    analysis: Analysis, state: EditorState | None
) -> dict[str, list[tuple[int, Finding]]]:
    slots: dict[str, list[tuple[int, Finding]]] = {}
    for k, f in enumerate(analysis.findings):
        slots.setdefault(finding_slot(f, state), []).append((k, f))
    return slots


def match_feedback(state: EditorState, catalog: Catalog) -> dict[str, str]:
    """'matches 14 actions' for the typed patterns of each statement."""
    out = {}
    for i, s in enumerate(state.statements):
        if not is_shared(s):
            out[ids.match_feedback(i)] = _feedback(s, catalog)
            continue
        found = _FEEDBACK.get(s)  # kept with a shared form, as what it shows
        if found is None or found[0] is not catalog:
            found = (catalog, _feedback(s, catalog))
            _FEEDBACK.put(s, found)
        out[ids.match_feedback(i)] = found[1]
    return out


_FEEDBACK = KeptById(4_096)


def _feedback(s: StatementForm, catalog: Catalog) -> str:
    names = service_action_names(catalog, s.service)
    typed = tuple([a for a in s.actions if a not in names])
    if not typed:
        return ""
    found: str = kept(catalog, ("matches", typed), lambda: _matches(catalog, typed))
    return found


def _matches(catalog: Catalog, typed: tuple[str, ...]) -> str:
    parts = []
    for pattern in typed:
        n = len(catalog.match_actions(pattern))
        parts.append(f"{pattern} matches {n} action{'s' if n != 1 else ''}")
    return "; ".join(parts)


def profile_rules(profile: str) -> dict[str, Any]:
    p = get_profile(profile)
    allow_note = {
        "error": "This profile allows only Deny: custom SCPs may not grant (Allow is refused).",
        "restricted": 'Allow is accepted in this profile only with Resource "*" and no Condition.',
        "allowed": "",
    }[p.allow_effect]
    return {
        "label": p.label,
        "allow_note": allow_note,
        "notaction": p.notaction != "error",
        "notresource": p.notresource_allowed,
        "limit": p.max_size,
    }


_OUTCOME_RANK = {"denied": 0, "conditional": 1, "not_allowed": 2, "allowed": 3}
OUTCOME_LABELS = {
    "allowed": "Allowed",
    "denied": "Denied",
    "not_allowed": "Not allowed",
    "conditional": "Conditional",
}


@dataclass(frozen=True)
class PreviewRowView:
    """One preview row as the table prints it, worked out once in Python."""

    method: str
    path: str
    outcome: str
    why: str
    decided_action: str
    dependency_of: str
    statement: int | None
    statement_label: str
    other_policy: str
    notes: tuple[tuple[str, str, str, str], ...]  # (situation, action, outcome, label)
    # IAM's operation ids of the API ("ListServers"); the only name of an API without a path
    operation_ids: str = ""
    # Set when SCPs do not govern the API's service: the sentence saying the SCP has no effect
    scope_note: str = ""

    @property
    def label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)

    @property
    def block_id(self) -> str:
        return ids.statement_block(self.statement) if self.statement is not None else ""

    @cached_property
    def markup(self) -> tuple[str, bytes]:
        """The row's markup and its fingerprint (`html_preview`), written once per view."""
        return row_markup(self)


def _row_view(row: Any) -> PreviewRowView:
    d = row.decided_by
    dependency_of = ""
    statement: int | None = None
    label = other = ""
    if d is not None:
        for a in row.actions:
            if a.action == d.action and a.dependency_of:
                dependency_of = a.dependency_of
                break
        if d.statement is not None and d.policy != "FullAccess":
            statement = d.statement
            label = f"“{d.sid}”" if d.sid else f"#{d.statement + 1}"
        else:
            other = d.policy or ""
    why = ""
    if row.outcome.value == "conditional" and row.deciding is not None:
        why = "; ".join(row.deciding.conditions)
    notes = tuple(
        (
            link.note.removeprefix("required only ").strip(),
            link.action,
            link.outcome.value,
            OUTCOME_LABELS.get(link.outcome.value, link.outcome.value),
        )
        for link in row.conditional_links
    )
    return PreviewRowView(
        method=row.method,
        path=row.path,
        outcome=row.outcome.value,
        why=why,
        decided_action=d.action if d is not None else "",
        dependency_of=dependency_of,
        statement=statement,
        statement_label=label,
        other_policy=other,
        notes=notes,
        operation_ids=", ".join(row.operation_ids),
        scope_note=row.note,
    )


@dataclass(frozen=True)
class PreviewTable:
    """The preview table: its rows, and the fingerprint of its markup, which the page sends
    back so that an answer leaves out a table it already shows. The markup itself is
    written only for an answer that sends it."""

    rows: tuple[PreviewRowView, ...]
    empty: str  # what the table says when it has no row
    digest: str

    @cached_property
    def html(self) -> str:
        """The table's markup (`html_preview`: each row's markup kept with its view)."""
        if not self.rows:
            return _empty_html(self.empty)
        return preview_table_html(self.rows)


def _empty_html(empty: str) -> str:
    return f'<p class="empty">{escape(empty)}</p>'


def preview_table(rows: Sequence[PreviewRowView], empty: str) -> PreviewTable:
    """The table of these rows; its fingerprint is made of its rows' (each kept with the
    row's markup), so that a keystroke hashes a few bytes a row, not the whole table."""
    digest = preview_table_digest(rows) if rows else editor_html.digest(_empty_html(empty))
    return PreviewTable(tuple(rows), empty, digest)


def preview_shown(analysis: Analysis, wanted: str, empty: str) -> PreviewTable:
    """The table the page shows of the analysis' preview (`preview_rows`, `preview_table`).

    The engine hands back the same row objects while the decisions they show hold, and
    most keystrokes change none: the table made of the very same rows is made once."""
    apis = tuple(analysis.preview.apis)
    key = (tuple(map(id, apis)), wanted, empty)
    found = _TABLES.get(key)
    # the rows are kept with their table, so that their ids name no other rows meanwhile
    if found is not None and found[0] == apis:
        table: PreviewTable = found[1]
        return table
    table = preview_table(preview_rows(analysis, wanted), empty)
    if len(_TABLES) >= 64:
        _TABLES.clear()
    _TABLES[key] = (apis, table)
    return table


_TABLES: dict[tuple[Any, ...], tuple[tuple[Any, ...], PreviewTable]] = {}


def preview_rows(analysis: Analysis, wanted: str) -> list[PreviewRowView]:
    """Rows to show, what the policy blocks first, then by path."""
    shown = sorted((_kept_row_view(r) for r in analysis.preview.apis), key=itemgetter(0))
    if wanted in FILTERS and wanted != "all":
        return [view for _, view in shown if view.outcome == wanted]
    return [view for _, view in shown]


# Each row's view (and its place in the table), by the engine's row it shows. The engine
# hands back the same row object while the decisions it was made of hold (engine.preview's
# row memo), so after an edit only the rows it changed are worked out again: a policy naming
# ten services of a large catalog has ~470 rows.
_ROW_VIEWS = KeptById(4_096)


def _kept_row_view(row: Any) -> tuple[tuple[Any, ...], PreviewRowView]:
    kept: tuple[tuple[Any, ...], PreviewRowView] | None = _ROW_VIEWS.get(row)
    if kept is not None:
        return kept
    order = (_OUTCOME_RANK.get(row.outcome.value, 4), row.path, row.method, row.operation_ids)
    found = (order, _row_view(row))
    _ROW_VIEWS.put(row, found)
    return found


def fit_operators(state: EditorState, catalog: Catalog, changed_field: str | None) -> bool:
    """After the person picks another key, give its row an operator that fits the key.

    Only the row whose key select was just changed is touched: an operator written
    in the JSON is never replaced behind the person's back (validation reports it).
    """
    place = ids.field_place(changed_field)
    if place is None or place.row is None or place.part != "key":
        return False
    i, j = place.statement, place.row
    if i >= len(state.statements) or j >= len(state.statements[i].conditions):
        return False
    row = state.statements[i].conditions[j]
    key = catalog.condition_key(row.key) if row.key else None
    if key is None:
        return False
    fitting = OPERATORS_BY_TYPE.get(key.value_type, [])
    if row.operator in fitting or row.operator == "Null" or not fitting:
        return False
    row.operator = fitting[0]
    if not key.multivalued:
        row.qualifier = ""
    return True


def statement_shown(s: StatementForm, catalog: Catalog) -> tuple[Any, ...]:
    """What the form shows of a statement: the ticked boxes (in no order) and the typed
    patterns (in their order, as the text box shows them).

    Kept with a shared form (`state.shared`: never changed): a keystroke's forms are
    shared with the keystrokes before while they say the same."""
    if not is_shared(s):
        return _statement_shown(s, catalog)
    kept = _SHOWN.get(s)
    if kept is not None and kept[0] is catalog:
        found: tuple[Any, ...] = kept[1]
        return found
    shown = _statement_shown(s, catalog)
    _SHOWN.put(s, (catalog, shown))
    return shown


_SHOWN = KeptById(4_096)


def _statement_shown(s: StatementForm, catalog: Catalog) -> tuple[Any, ...]:
    names = service_action_names(catalog, s.service)
    return (
        s.sid,
        s.effect,
        s.action_element,
        names.intersection(s.actions),
        tuple([a for a in s.actions if a not in names]),
        s.resource_element,
        s.all_resources,
        tuple(s.resources),
        tuple(
            [(c.qualifier, c.operator, c.if_exists, c.key, tuple(c.values)) for c in s.conditions]
        ),
        s.service,
    )

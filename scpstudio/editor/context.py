"""What the editor template needs beyond the form state: pickers, key choices,
findings placed beside their fields (the preview table: `preview_view`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from scpstudio.editor import ids
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
from scpstudio.engine.kept_by_id import keep_with, kept_with
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
        catalog,
        ("keys", tuple(matched)),
        lambda: _key_choices(catalog, list(matched.values())),
        chars=sum(map(len, matched)),
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
    if by_path and len(finding.path) <= 200:  # a path naming a hostile key is not kept
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
    """Every slot of the form, in its order."""
    return list(slot_places(state))


def slot_places(state: EditorState) -> Mapping[str, int]:
    """Every slot of the form and its place in the form's order: they follow from the
    statements' rows alone, and are kept by them."""
    rows = tuple(len(s.conditions) for s in state.statements)
    found = _SLOT_PLACES.get(rows)
    if found is None:
        listed = [ids.POLICY_SLOT]
        for i, count in enumerate(rows):
            listed += [ids.statement_slot(i, part) for part in STATEMENT_SLOT_PARTS]
            listed += [ids.condition_slot(i, j) for j in range(count)]
        found = MappingProxyType({sid: n for n, sid in enumerate(listed)})
        if len(_SLOT_PLACES) >= 256:
            _SLOT_PLACES.clear()
        _SLOT_PLACES[rows] = found
    return found


_SLOT_PLACES: dict[tuple[int, ...], Mapping[str, int]] = {}


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
        found = kept_with(s, "feedback")  # kept with a shared form, as what it shows
        if found is None or found[0] is not catalog:
            found = (catalog, _feedback(s, catalog))
            keep_with(s, "feedback", found)  # a shared form is small (MAX_SHARED_CHARS)
        out[ids.match_feedback(i)] = found[1]
    return out


def _feedback(s: StatementForm, catalog: Catalog) -> str:
    names = service_action_names(catalog, s.service)
    typed = tuple([a for a in s.actions if a not in names])
    if not typed:
        return ""
    found: str = kept(
        catalog, ("matches", typed), lambda: _matches(catalog, typed), chars=sum(map(len, typed))
    )
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
    kept = kept_with(s, "shown")
    if kept is not None and kept[0] is catalog:
        found: tuple[Any, ...] = kept[1]
        return found
    shown = _statement_shown(s, catalog)
    keep_with(s, "shown", (catalog, shown))
    return shown


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

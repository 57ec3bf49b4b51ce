"""The editor form's posted fields read into the form's state.

Whatever is odd in them is kept as text for validation to report. A keystroke posts the
whole form (several hundred fields on a large policy), so they are read straight from the
lists of values the request holds.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.datastructures import MultiValueDict

from scpstudio.editor.state import (
    MAX_CONDITIONS,
    MAX_ITEMS,
    MAX_SHARED_CHARS,
    MAX_STATEMENTS,
    PROFILES,
    ConditionRow,
    EditorState,
    MultiValueMapping,
    StatementForm,
    is_shared,
    shared,
)


def _lines(text: str) -> list[str]:
    if not text:
        return []  # most boxes of a form are empty
    return [line for line in map(str.strip, text.splitlines()) if line][:MAX_ITEMS]


def _int(value: Any, default: int, upper: int) -> int:
    try:
        return max(0, min(int(value), upper))
    except (TypeError, ValueError):
        return default


def _lists(data: MultiValueMapping) -> Any:
    """The posted values of a field name, as a list (or None): a keystroke reads several
    hundred fields, and read straight from the lists a MultiValueDict holds each costs a
    fraction of its `get` (which answers the same: the last value, or the default)."""
    if isinstance(data, MultiValueDict):
        return dict.get.__get__(data)
    return data.getlist


@cache
def _statement_fields(i: int) -> tuple[str, ...]:
    """Statement `i`'s field names, in the order `state_from_form` reads them."""
    return tuple(f"s{i}-{part}" for part in _STATEMENT_PARTS)


_STATEMENT_PARTS = (
    "actions",
    "ticked",
    "patterns",
    "sid",
    "effect",
    "not_action",
    "not_resource",
    "resource_mode",
    "resources",
    "service",
    "condition_count",
)


@cache
def _condition_fields(i: int, j: int) -> tuple[str, ...]:
    return tuple(
        f"s{i}-c{j}-{part}" for part in ("key", "tag", "qualifier", "operator", "if_exists")
    ) + (f"s{i}-c{j}-values",)


def state_from_form(data: MultiValueMapping, *, shared: bool = False) -> EditorState:
    """Read the editor's POSTed fields; whatever is odd is kept as text for validation.

    A field posted several times counts by its last value (`actions`, `ticked`: by all
    of them), a field not posted by its default, as `MultiValueDict.get` reads them.

    `shared`: the statements' forms are only read, never changed (a keystroke), so each
    may be the one read before from the same values (`_kept_statement`)."""
    lists = _lists(data)

    def get(key: str, default: Any = None) -> Any:
        values = lists(key)
        return values[-1] if values else default

    profile = get("profile", "scp")
    state = EditorState(
        name=str(get("name", ""))[:200],
        description=str(get("description", ""))[:2000],
        profile=profile if profile in PROFILES else "scp",
        statements=[],
    )
    count = _int(get("statement_count"), 1, MAX_STATEMENTS)
    read = _kept_statement if shared else _statement_from_form
    for i in range(count):
        state.statements.append(read(i, lists))
    return state


def _kept_statement(i: int, lists: Any) -> StatementForm:
    """`_statement_from_form`, the form read last for statement `i` while the values
    posted for it are the same: a keystroke posts the whole form again, and changes one
    statement at most. (Compared as the lists posted, with no key made of them.)"""
    posted = list(map(lists, _statement_fields(i)))
    count = posted[-1]
    for j in range(_int(count[-1] if count else None, 0, MAX_CONDITIONS)):
        posted += map(lists, _condition_fields(i, j))
    last = _LAST.get(i)
    if last is not None and last[0] == posted:
        return last[1]
    form = shared(_statement_from_form(i, lists))
    # not one too large to keep, nor one read from more than it holds (a field posted
    # thousands of times counts by its last value, yet all of them would be kept)
    if is_shared(form) and _posted_chars(posted) <= MAX_KEPT_POSTED_CHARS:
        _LAST[i] = (posted, form)  # replaced whole: a reader sees the old pair or the new
    return form


MAX_KEPT_POSTED_CHARS = 2 * MAX_SHARED_CHARS  # of the values a kept form was read from


def _posted_chars(posted: list[Any]) -> int:
    return sum(len(value) for values in posted if values for value in values)


# The form last read for each statement's place, with the values it was read from (to read
# only: see `state_from_form`).
_LAST: dict[int, tuple[list[Any], StatementForm]] = {}


def _in_tick_order(chosen: list[str], ticked: list[Any]) -> list[str]:
    """The ticked boxes (`chosen`, in the picker's order, as the browser posts them), those
    ticked since the page's last request moved last, in the order they were ticked.

    `s{i}-ticked` lists them as editor.js saw the ticks; a box ticked together with another
    before the request left is added to the text after it (`text_sync` adds new items in
    the form's order). A name that is not a ticked box is ignored, and a form without the
    field (a page without JavaScript) keeps the picker's order."""
    boxes = set(chosen)
    latest = [name for name in dict.fromkeys(map(str, ticked[:MAX_ITEMS])) if name in boxes]
    if not latest:
        return chosen
    later = set(latest)
    return [name for name in chosen if name not in later] + latest


def _statement_from_form(i: int, lists: Any) -> StatementForm:
    (
        actions,
        ticked,
        patterns,
        sid,
        effect,
        not_action,
        not_resource,
        resource_mode,
        resources,
        service,
        condition_count,
    ) = map(lists, _statement_fields(i))
    chosen = [str(a) for a in actions or ()]
    if ticked:
        chosen = _in_tick_order(chosen, ticked)
    typed = _lines(str(patterns[-1])) if patterns else []
    statement = StatementForm(
        sid=str(sid[-1]).strip()[:200] if sid else "",
        effect=str(effect[-1]) if effect else "Deny",
        action_element="NotAction" if not_action and not_action[-1] else "Action",
        actions=list(dict.fromkeys(chosen + typed))[:MAX_ITEMS],
        resource_element="NotResource" if not_resource and not_resource[-1] else "Resource",
        all_resources=(resource_mode[-1] if resource_mode else "all") == "all",
        resources=_lines(str(resources[-1])) if resources else [],
        service=str(service[-1])[:32] if service else "ims",
    )
    ccount = _int(condition_count[-1] if condition_count else None, 0, MAX_CONDITIONS)
    for j in range(ccount):
        key, tag, qualifier, operator, if_exists, values = map(lists, _condition_fields(i, j))
        key_text = str(key[-1]).strip() if key else ""
        tag_text = str(tag[-1]).strip() if tag else ""
        if "<" in key_text and tag_text:
            key_text = key_text[: key_text.index("<")] + tag_text
        statement.conditions.append(
            ConditionRow(
                qualifier=str(qualifier[-1]) if qualifier else "",
                operator=(str(operator[-1]).strip() if operator else "") or "StringEquals",
                if_exists=bool(if_exists[-1]) if if_exists else False,
                key=key_text[:300],
                values=_lines(str(values[-1])) if values else [],
            )
        )
    return statement

"""The editor's most repeated markup, written in Python rather than in templates.

Every keystroke redraws the findings list and the finding slots beside the fields.
Through Django's template engine these loops were about half of a keystroke's
rendering time; here they are string joins. The markup is what the templates wrote
before, and every value from the policy or the catalog is escaped on the way in.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from hashlib import blake2b
from html import escape
from threading import Lock
from typing import TYPE_CHECKING, Any

from django.utils.safestring import SafeString, mark_safe

from scpstudio.editor import ids
from scpstudio.engine.findings import Code, Finding, Fix

if TYPE_CHECKING:
    from scpstudio.editor.parts import ConditionView, StatementView

SEVERITY_LABELS = {
    "error": "Error",
    "security_warning": "Security warning",
    "warning": "Warning",
    "suggestion": "Suggestion",
}

Numbered = tuple[int, Finding]  # a finding and its index in the analysis' list


@dataclass(frozen=True)
class Urls:
    editor: str  # where buttons post
    checks: str  # the checks reference, each code an anchor on it


def severity_label(severity: str) -> str:
    return SEVERITY_LABELS.get(str(severity), str(severity))


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _button(op: str, label: str, urls: Urls, *, button_id: str) -> str:
    """A button that sends its op (editor.js queues it; a plain submit without JS)."""
    return (
        f'<button id="{_e(button_id)}" type="submit" name="op" value="{op}" class="fix" '
        f'data-focus="{ids.FOCUS_AFTER_FIX}">'
        f"{_e(label)}</button>"
    )


def describe_fix(fix: Fix) -> str:
    """A button's words for a repair: what it will write."""
    last = fix.path.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
    if fix.op == "move":
        return f"Use {last}"
    if fix.op == "remove":
        return f"Remove {last}" if not last.isdigit() else "Remove it"
    value = fix.value
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str):
        return f"Use {value}"
    return f"Set {last}"


_MISSING = object()


def _value_at(document: Any, path: str) -> Any:
    """The decoded value a JSON pointer names, or `_MISSING`."""
    node = document
    for raw in path.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:79] + "…"


def describe_change(fix: Fix, document: Any) -> str:
    """What a repair changed, in words, read against the document it was applied to:
    "Changed StringEqual to StringEquals"."""
    last = fix.path.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
    if fix.op == "move" and fix.from_path:
        old = fix.from_path.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        return f"Changed {old} to {last}"
    before = _value_at(document, fix.path)
    if fix.op == "remove":
        if last.isdigit() and before is not _MISSING:
            return f"Removed {_shown(before)}"
        return f"Removed {last}"
    if before is _MISSING:
        return (
            f"Added {last} {_shown(fix.value)}"
            if not last.isdigit()
            else f"Added {_shown(fix.value)}"
        )
    return f"Changed {_shown(before)} to {_shown(fix.value)}"


def finding_id(f: Finding) -> str:
    """A finding's name for the buttons that repair it: its code, its place and its repair.

    A button names the finding it was drawn for, so that the repair applied is that
    finding's even when the list of findings changed since the page was drawn.
    """
    fix = f.fix.to_json() if f.fix is not None else None
    choices = [c.to_json() for c in f.choices]
    key = json.dumps([f.code.value, f.path, fix, choices], sort_keys=True, default=str)
    return blake2b(key.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def _choice_buttons(k: int, f: Finding, urls: Urls) -> str:
    fid = finding_id(f)
    return "".join(
        " "
        + _button(f"use-{k}-{n}_{fid}", describe_fix(c), urls, button_id=ids.button(f"use-{k}-{n}"))
        for n, c in enumerate(f.choices)
    )


def _check_link(f: Finding, urls: Urls, *, as_code: bool) -> str:
    """The finding's code, a link to its entry in the checks reference."""
    code = f.code.value
    text = f"<code>{code}</code>" if as_code else code
    return f'<a href="{_e(urls.checks)}#{code}">{text}</a>'


def _kept(kind: str, key: tuple[Any, ...], make: Any) -> Any:
    """`make()`, kept by what it is made of: a keystroke draws the findings again, and
    most are those of the keystroke before (new objects saying the same)."""
    try:
        found = _MARKUP.get((kind, *key))
    except TypeError:  # a repair's value that is a list: not kept
        return make()
    if found is None:
        found = make()
        size = len(found) if isinstance(found, str) else sum(map(len, found))
        if size > MAX_KEPT_MARKUP:
            return found  # a finding quoting a long value: its key would hold it too
        if len(_MARKUP) >= 4_096:
            _MARKUP.clear()
        _MARKUP[(kind, *key)] = found
    return found


_MARKUP: dict[tuple[Any, ...], Any] = {}
MAX_KEPT_MARKUP = 8_000


def inline_finding(k: int, f: Finding, urls: Urls) -> str:
    """One finding beside the field it concerns, with its fix and choice buttons (what it
    shows of the finding: no span)."""
    key = (k, f.code, f.message, f.path, f.fix, f.choices, urls)
    found: str = _kept("inline", key, lambda: _inline_finding(k, f, urls))
    return found


def _inline_finding(k: int, f: Finding, urls: Urls) -> str:
    severity = f.severity.value
    parts = [
        f'<p class="inline-finding sev-{severity}"><span class="sev-label">',
        f"{severity_label(severity)}:</span> {_e(f.message)} ",
        _check_link(f, urls, as_code=False),
    ]
    if f.fix is not None:
        parts.append(
            " " + _button(f"fix-{k}-{finding_id(f)}", "Fix", urls, button_id=ids.button(f"fix-{k}"))
        )
    parts.append(_choice_buttons(k, f, urls))
    if f.code is Code.POLICY_SIZE_NEEDS_MINIFYING:
        parts.append(
            " " + _button("minify", "Minify the JSON", urls, button_id=ids.button("minify-slot"))
        )
    parts.append("</p>")
    return "".join(parts)


def digest(html: str) -> str:
    """A short fingerprint of some markup, for the page to say what it already shows."""
    return blake2b(html.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


@dataclass(frozen=True)
class SlotContent:
    body: str
    digest: str


def slot_content(items: Iterable[Numbered], urls: Urls) -> SlotContent:
    body = "".join(inline_finding(k, f, urls) for k, f in items)
    return SlotContent(body, digest(body))


def slot(sid: str, content: SlotContent | None, *, oob: bool = False) -> SafeString:
    """The place beside a field where its findings show; empty when it has none.

    A filled slot carries the fingerprint of its content, which the page sends back so
    that an answer can leave out the slots it would redraw the same.
    """
    swap = ' hx-swap-oob="true"' if oob else ""
    if content is None or not content.body:
        return mark_safe(f'<div class="slot" id="{_e(sid)}"{swap}></div>')
    return mark_safe(
        f'<div class="slot" id="{_e(sid)}" data-digest="{content.digest}"{swap}>'
        f"{content.body}</div>"
    )


def finding_item(k: int, f: Finding, urls: Urls) -> str:
    """One entry of the findings list: severity, code (a link to its check), message,
    where it is, what was meant, and the fix when there is a certain one.

    What comes before and after the place is kept: a keystroke moves the places of the
    findings after it, and seldom anything else."""
    key = (k, f.code, f.message, f.path, f.suggestions, f.fix, f.choices, urls)
    head, tail = _kept("item", key, lambda: _finding_item(k, f, urls))
    if f.span is None:
        return f"{head}{tail}"
    start = f.span.start
    return f'{head}  <span class="where">line {start.line}, column {start.column}</span>\n{tail}'


def _finding_item(k: int, f: Finding, urls: Urls) -> tuple[str, str]:
    severity = f.severity.value
    head = (
        f'<li class="finding sev-{severity}">\n'
        f'  <span class="sev-label">{severity_label(severity)}</span>\n'
        f"  {_check_link(f, urls, as_code=True)}\n"
        f"  {_e(f.message)}\n"
    )
    parts = []
    if f.suggestions:
        meant = ", ".join(f"<code>{_e(s)}</code>" for s in f.suggestions)
        parts.append(f'  <span class="suggest">Did you mean {meant}?</span>\n')
    if f.fix is not None:
        fix_op = f"fix-{k}-{finding_id(f)}"
        parts.append(
            "  " + _button(fix_op, "Fix", urls, button_id=ids.button(f"fix-{k}-list")) + "\n"
        )
    parts.append("</li>\n")
    return head, "".join(parts)


def findings_list(findings: Sequence[Finding], urls: Urls) -> SafeString:
    return mark_safe("".join(finding_item(k, f, urls) for k, f in enumerate(findings)))


def slot_contents(by_slot: dict[str, list[Numbered]], urls: Urls) -> dict[str, SlotContent]:
    """The content of every slot that holds findings."""
    return {sid: slot_content(items, urls) for sid, items in by_slot.items()}


SHOWN_LIMIT = 20_000  # far more slots than a policy of the largest size the editor reads


def read_shown(posted: str) -> dict[str, str] | None:
    """What the page says it shows: `id:digest` for a filled slot, a bare `id` for
    anything else showing text (its content unknown, so always redrawn). None when
    the page names more than this reads: then every slot is redrawn."""
    tokens = posted.split(maxsplit=SHOWN_LIMIT)
    if len(tokens) > SHOWN_LIMIT:
        return None
    shown = {}
    for token in tokens:
        sid, _, mark = token.partition(":")
        shown[sid] = mark
    return shown


def shown_marks(contents: dict[str, SlotContent]) -> str:
    """The page's record of its filled slots after an answer, as `read_shown` reads it."""
    return " ".join(f"{sid}:{c.digest}" for sid, c in sorted(contents.items()))


def slots_to_send(
    places: Mapping[str, int], contents: dict[str, SlotContent], shown: dict[str, str] | None
) -> list[str]:
    """The slots an answer must redraw, in the form's order (`places`: every slot and its
    place): those that hold findings the page does not show as they are now, and those the
    page shows findings in that have none now. Only those with findings or shown may be."""
    if shown is None:
        return list(places)
    named = [sid for sid in {*contents, *shown} if sid in places]
    named.sort(key=places.__getitem__)
    out = []
    for sid in named:
        content = contents.get(sid)
        if sid not in shown:
            if content is not None:
                out.append(sid)
        elif content is None or shown[sid] != content.digest:
            out.append(sid)
    return out


# -- the parts of a statement that loop over the catalog ------------------------------------------


def _kept_with(obj: Any, key: tuple[Any, ...], make: Any) -> SafeString:
    """`make()`, kept with `obj` (a part kept per catalog: `context._statement_view`) and
    `key`: a statement redrawn with the same boxes ticked is not written again."""
    full = (id(obj), *key)
    found = _WITH.get(full)
    if found is not None and found[0] is obj:
        markup: SafeString = found[1]
        return markup
    markup = make()
    _WITH.put(full, obj, markup)  # the object kept too: its id names no other meanwhile
    return markup


class MarkupMemo:
    """At most `chars` characters of markup, the least recently used dropped first: the
    largest form (50 statements of 20 condition rows) has 1,050 pickers and key lists, so
    a bound by count either held too few of them to redraw it or too much memory for many
    small forms. Entries are read and replaced whole (a reader sees an old pair or a new)."""

    def __init__(self, chars: int) -> None:
        self.chars = chars
        self.held = 0
        self.items: OrderedDict[tuple[Any, ...], tuple[Any, SafeString, int]] = OrderedDict()
        self.lock = Lock()

    def get(self, key: tuple[Any, ...]) -> tuple[Any, SafeString] | None:
        with self.lock:
            found = self.items.get(key)
            if found is None:
                return None
            self.items.move_to_end(key)
            return found[0], found[1]

    def put(self, key: tuple[Any, ...], obj: Any, markup: SafeString) -> None:
        """Keep `markup` for `key`: it counts its key's text and an entry's upkeep as well
        as its markup (an empty list kept under a posted key is not free)."""
        size = len(markup) + sum(len(part) for part in key if isinstance(part, str)) + UPKEEP
        if size > self.chars // 8:
            return  # one list too large to keep (a catalog of thousands of actions)
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.held -= old[2]
            self.items[key] = (obj, markup, size)
            self.held += size
            while self.held > self.chars:
                _, dropped = self.items.popitem(last=False)
                self.held -= dropped[2]


UPKEEP = 200  # characters an entry counts for beyond its markup and its key

# Some 10 kB per picker: the whole of the largest form, a few times over.
_WITH = MarkupMemo(16_000_000)


def action_picker(st: StatementView, urls: Urls) -> SafeString:
    """The service's actions grouped by access level, each a labelled checkbox, with a
    count of those ticked and a button that ticks a whole level."""
    return _kept_with(st.pickers, (st.index, st.form.service), lambda: _action_picker(st))


def _action_picker(st: StatementView) -> SafeString:
    prefix = _e(st.prefix)
    i = st.index
    parts = []
    for group in st.pickers:
        level = _e(group.level)
        label = _e(group.label)
        op = f"level-{i}-{level}"
        parts.append(
            f'\n      <fieldset class="level">\n        <legend>{label} <span class="badge">'
            f"{group.chosen_count}/{len(group.actions)}</span></legend>\n        "
            f'<button id="{ids.button(op)}" type="submit" name="op" value="{op}" class="link">'
            f"all {_e(group.label.lower())} actions"
            '</button>\n        <ul class="plain">'
        )
        for action, chosen in group.actions:
            name = _e(action.name)
            description = _e(action.description)
            box = f"{prefix}a-{name}"
            checked = " checked" if chosen else ""
            parts.append(
                f'\n          <li data-name="{_e(action.name.lower())} '
                f'{_e(action.description.lower())}"><input type="checkbox" id="{box}" '
                f'name="{prefix}actions" value="{name}"{checked}> <label for="{box}" '
                f'title="{description}"><code>{name}</code></label></li>'
            )
        parts.append("\n        </ul>\n      </fieldset>")
    if not st.pickers:
        parts.append(
            f'<p class="empty">The catalog has no actions for service '
            f"“{_e(st.form.service)}”. Type patterns below.</p>"
        )
    return mark_safe("".join(parts))


def key_options(cv: ConditionView) -> SafeString:
    """The keys a condition row may use, the row's own selected."""
    key = (cv.row.key, cv.key_template)
    return _kept_with(cv.key_choices, key, lambda: _key_options(cv))


def _key_options(cv: ConditionView) -> SafeString:
    chosen = cv.row.key
    template = cv.key_template
    parts = []
    for k in cv.key_choices:
        if k.name == template:
            continue
        selected = " selected" if k.name == chosen else ""
        multi = ", multivalued" if k.multivalued else ""
        name = _e(k.name)
        parts.append(
            f'<option value="{name}"{selected}>{name} ({_e(k.value_type)}{multi})</option>'
        )
    return mark_safe("".join(parts))


def operator_options(cv: ConditionView) -> SafeString:
    """The operators that fit the row's key; an operator written that does not fit is
    kept, selected, so that nothing typed is lost."""
    chosen = cv.row.operator
    parts = []
    if chosen not in cv.operators:
        parts.append(f'<option value="{_e(chosen)}" selected>{_e(chosen)}</option>')
    for op in cv.operators:
        selected = " selected" if op == chosen else ""
        parts.append(f'<option value="{_e(op)}"{selected}>{_e(op)}</option>')
    return mark_safe("".join(parts))

"""Reading the editor's request into a document, and writing the exports (JSON,
Terraform). No view logic, no templates. (The preview's request context is read by
`policies.request_context`, which the compare page shares.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scpstudio.editor.form_state import state_from_form
from scpstudio.editor.state import (
    MAX_SHARED_CHARS,
    MAX_STATEMENTS,
    EditorState,
    MultiValueMapping,
    NotRepresentable,
    is_shared,
    shared,
    state_from_document,
    state_to_document,
    statement_form,
)
from scpstudio.editor.text_sync import CannotMerge, identity, merge_form
from scpstudio.engine.document import JsonObject, ParseResult, parse_policy, without_statements
from scpstudio.engine.limits import MAX_POLICY_CHARS
from scpstudio.engine.pretty_document import pretty_parsed
from scpstudio.engine.statement_memory import BoundedMemo

MAX_JSON_CHARS = MAX_POLICY_CHARS


@dataclass
class EditorInput:
    """What one editor request holds: the form state, and the JSON when it leads."""

    state: EditorState
    source: str  # "form" or "json"
    json_text: str
    form_problem: str = ""  # why the form cannot show the JSON, when it cannot
    # The JSON with its element offsets: written with them when the form leads, else
    # the parse of the JSON text; the engine reads it rather than parsing the text again.
    parsed: ParseResult | None = None
    # The form as the request posted it, before the JSON (when it leads) replaced it.
    posted: EditorState | None = None
    # The form's changes were written into the JSON as typed (see `carry_form_changes`):
    # the JSON view is sent back, since it differs from what the person sees.
    carried: bool = False
    # "What changed": the note the next saved version will carry, kept with the draft.
    save_message: str = ""

    @property
    def engine_source(self) -> Any:
        """What the engine reads: the written tree when the form leads, else the text."""
        return self.parsed if self.parsed is not None else self.json_text


def from_form_state(state: EditorState) -> EditorInput:
    """The form leads: its policy as pretty JSON, with the tree the engine will read."""
    parsed = pretty_parsed(state_to_document(state))
    return EditorInput(state, "form", parsed.text or "", parsed=parsed)


def textarea_text(value: object) -> str:
    """A text box's content as the page holds it. A browser submitting a form sends the
    line breaks of a textarea as CRLF (HTML's rule), while the box itself, and every
    request editor.js sends, holds LF: the text saved or downloaded is the one shown."""
    return str(value if value is not None else "").replace("\r\n", "\n")


def read_editor(data: MultiValueMapping, *, op: str = "") -> EditorInput:
    """The request's policy: the JSON as typed when it leads, else the JSON with the
    form's changes written into it."""
    # a keystroke changes nothing it reads: its statements' forms may be shared
    state = state_from_form(data, shared=op in ("check", "json"))
    json_text = textarea_text(data.get("json", ""))[: MAX_JSON_CHARS + 1]
    if op == "json" or data.get("source") == "json":
        base = textarea_text(data.get("json_base", ""))
        typed = json_text
        if base and base != json_text:
            json_text = carry_form_changes(json_text, base, state)
        # Typing in the JSON applies no op to the form: its statements may be shared.
        editor_input = from_json_text(json_text, state, shared=op == "json")
        editor_input.carried = json_text != typed
    else:
        editor_input = from_form_edit(json_text, state, identity(state))
    editor_input.posted = state
    editor_input.save_message = save_message_of(data)
    return editor_input


SAVE_MESSAGE_MAX = 512  # as a version's message holds


def save_message_of(data: Any) -> str:
    """The "What changed" note as posted (or kept with a draft), at most what a version keeps."""
    return str(data.get("save_message", "") or "")[:SAVE_MESSAGE_MAX]


def from_form_edit(text: str, after: EditorState, origin: list[int | None]) -> EditorInput:
    """The form leads: what it changed is written into the text, the rest kept as written.

    `origin` says where each statement of `after` came from (see `text_sync.merge_form`).
    Without a text that the form can show (none was sent, or it does not parse), the
    form's policy is written whole.
    """
    parsed = _parsed_if_fit(text)
    before = _form_of(parsed, after) if parsed is not None else None
    if parsed is None or before is None:
        return from_form_state(after)
    try:
        merged = merge_form(text, before, after, origin, parsed=parsed, current=before)
    except CannotMerge:
        return from_form_state(after)
    if merged == text:
        # most keystrokes change nothing the text holds (a context field): one parse
        return EditorInput(after, "form", text, parsed=parsed)
    return EditorInput(after, "form", merged, parsed=_parse(merged))


# The texts the form's changes were written into lately, parsed. The page sends the text
# an answer wrote with the next keystroke, as the text that keystroke is written into: it
# was parsed when it was written, and is read from here rather than parsed again. A parse
# is never changed once made (what the engine keeps on it is worked out from the text).
_PARSES = BoundedMemo(16)


def _parse(text: str) -> ParseResult:
    parsed: ParseResult = _PARSES.get_or_make(text, lambda: parse_policy(text))
    return parsed


def carry_form_changes(text: str, base: str, form: EditorState) -> str:
    """The JSON as edited, with the form's changes that had not reached it yet.

    `base` is the JSON the page showed before the person edited it into `text`; a change
    made in the form just before (its answer not in yet) differs from `base`'s form, and is
    written into the edited text too, so that neither edit is lost.
    """
    before = form_of_text(base, form)
    if before is None or len(before.statements) != len(form.statements):
        return text
    try:
        return merge_form(text, before, form, identity(form))
    except CannotMerge:
        return text


def form_of_text(text: str, meta: EditorState) -> EditorState | None:
    """The form that shows this text, or None when it cannot show it."""
    parsed = _parsed_if_fit(text)
    return _form_of(parsed, meta) if parsed is not None else None


def _parsed_if_fit(text: str) -> ParseResult | None:
    if not text.strip() or len(text) > MAX_JSON_CHARS:
        return None
    parsed = _parse(text)
    return parsed if parsed.ok and not parsed.has_duplicates else None


def _form_of(parsed: ParseResult, meta: EditorState) -> EditorState | None:
    """The form of the text as posted, to read only (it may be shared with other
    requests): what the form's changes are written into it against.

    Kept with the parse (`_PARSES` hands out the same one for the same text): each form
    keystroke posts the text the answer before wrote."""
    key = (id(parsed), meta.name, meta.description, meta.profile)
    kept = _FORMS.get(key)
    if kept is not None and kept[0] is parsed:
        found: EditorState | None = kept[1]
    else:
        found = _read_form_of(parsed, meta)
        if len(_FORMS) >= 64:
            _FORMS.clear()
        _FORMS[key] = (parsed, found)  # the parse kept too: its id names no other meanwhile
    if found is None:
        return None
    # a list of its own: the caller may add or move statements, not change these
    return EditorState(found.name, found.description, found.profile, list(found.statements))


_FORMS: dict[tuple[Any, ...], tuple[ParseResult, EditorState | None]] = {}


def _read_form_of(parsed: ParseResult, meta: EditorState) -> EditorState | None:
    try:
        kept = _kept_form(parsed, meta)
        if kept is not None:
            return kept
        return state_from_document(
            parsed.value(), name=meta.name, description=meta.description, profile=meta.profile
        )
    except NotRepresentable:
        return None


# The forms of statements already read, by their text and place: a form keystroke posts
# the text of the keystroke before, which differs from it in one statement at most. A
# form read once waits among the latest (`fresh`) until it is read again.
_STATEMENT_FORMS = BoundedMemo(2_048, fresh=64)


def _kept_form(parsed: ParseResult, meta: EditorState) -> EditorState | None:
    """`state_from_document` of the parsed text, each statement's form taken from
    _STATEMENT_FORMS when its text was read there before; None when the engine did not
    read the statements one by one (then the whole document is read)."""
    root = parsed.root
    if parsed.statements is None or not isinstance(root, JsonObject):
        return None
    array, pieces = parsed.statements
    member = root.get("Statement")
    if member is None or member.value is not array or len(pieces) > MAX_STATEMENTS:
        return None
    # what the form refuses outside the statements, refused as the whole document's read
    # (the tree decoded only where it is read: most statements' forms are kept)
    state = state_from_document(
        without_statements(root, array),
        name=meta.name,
        description=meta.description,
        profile=meta.profile,
    )
    for i, (piece, item) in enumerate(zip(pieces, array.items, strict=True)):
        if piece is None:
            state.statements.append(statement_form(item.to_python(), i))
            continue
        key = (piece.text, i)
        form = _STATEMENT_FORMS.get(key)
        if form is None:
            form = shared(statement_form(item.to_python(), i))
            if is_shared(form) and len(piece.text) <= MAX_SHARED_CHARS:
                _STATEMENT_FORMS.put(key, form)
        state.statements.append(form)
    return state


def from_json_text(text: str, meta: EditorState, *, shared: bool = False) -> EditorInput:
    """Take the JSON as the policy; fill the form from it when the form can show it.

    `shared`: the form is only read, never changed (a keystroke in the JSON), so each
    statement's form may come from those already read (`_kept_form`): a keystroke changes
    one statement, and reading all of them again was most of its cost.
    """
    if len(text) > MAX_JSON_CHARS:
        return EditorInput(
            meta,
            "json",
            text[:MAX_JSON_CHARS],
            f"The JSON is longer than {MAX_JSON_CHARS:,} characters; the editor does not read it.",
        )
    # kept by its text (`_parse`): the form keystroke after this one posts the same text
    parsed = _parse(text)
    if not parsed.ok:
        # the engine's sentence already says where ("... at line 3, column 7.")
        message = parsed.error.message if parsed.error is not None else "invalid JSON"
        return EditorInput(meta, "json", text, message)
    if parsed.has_duplicates:
        return EditorInput(
            meta, "json", text, "The JSON repeats a key in one object; the form would drop one."
        )
    state = _form_of(parsed, meta) if shared else None
    if state is None:
        try:
            state = state_from_document(
                parsed.value(), name=meta.name, description=meta.description, profile=meta.profile
            )
        except NotRepresentable as exc:
            # said as the whole document's read says it, whichever way it was read
            return EditorInput(
                meta, "json", text, f"The form cannot show this policy: {exc}.", parsed=parsed
            )
    return EditorInput(state, "form", text, parsed=parsed)


# -- exports -------------------------------------------------------------------------------------


# The exports themselves are the engine's (scpstudio/engine/export.py): the library's export
# and the editor's write the same bytes.


def document_for_export(editor: EditorInput) -> tuple[Any | None, str]:
    """The decoded policy to export, or None with the reason it cannot be exported."""
    parsed = parse_policy(editor.json_text)
    if not parsed.ok:
        return None, editor.form_problem or "The JSON has a syntax error; fix it before exporting."
    return parsed.value(), ""

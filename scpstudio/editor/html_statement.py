"""A statement's block of the form, written in Python rather than in the template.

A keystroke in the JSON view redraws the statement it changed, and opening a policy draws
them all: through Django's template engine a statement took about a millisecond. The
template's `statement` partial calls `statement_block`, so the page and every answer draw
it the one same way. Every value from the policy, the catalog or the request is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from scpstudio.editor import html as editor_html
from scpstudio.editor import ids
from scpstudio.editor.parts import ConditionView, StatementView

# What a condition's values box says it takes, by the key's value type.
_VALUE_HINTS = {
    "boolean": "true or false",
    "number": "numbers",
    "date": "ISO 8601 date-times such as 2026-01-01T00:00:00Z",
    "ip": "IP addresses or CIDR ranges",
}
_TEXT_HINT = "text; StringMatch takes * and ?"
_QUALIFIERS = ("ForAnyValue", "ForAllValues")


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _lines(values: list[str]) -> str:
    """A list as a text box's lines (the newline written as its character reference)."""
    return "&#10;".join(_e(v) for v in values)


def _on(flag: bool, word: str) -> str:
    return f" {word}" if flag else ""


def _slot(context: Any, sid: str) -> str:
    return editor_html.slot(sid, context["slot_contents"].get(sid))


def statement_heading(index: int, sid: str, *, oob: bool = False) -> str:
    """A statement's heading ("Statement 2 “DenyShare”"); `oob` for an answer that
    redraws it alone (a keystroke in its Sid field)."""
    said = f" “{_e(sid)}”" if sid else ""
    swap = ' hx-swap-oob="true"' if oob else ""
    return f'<h2 id="{ids.statement_block(index)}-title"{swap}>Statement {index + 1}{said}</h2>'


def _head(st: StatementView) -> str:
    n = st.index + 1
    return (
        '<div class="statement-head">'
        f"{statement_heading(st.index, st.form.sid)}"
        '<div class="tools">'
        f'<button id="{st.up_id}" data-focus="{st.up_focus}" type="submit" name="op" '
        f'value="up-{st.index}"{_on(st.index == 0, "disabled")} '
        f'aria-label="Move statement {n} up">↑</button>'
        f'<button id="{st.down_id}" data-focus="{st.down_focus}" type="submit" name="op" '
        f'value="down-{st.index}"{_on(st.last, "disabled")} '
        f'aria-label="Move statement {n} down">↓</button>'
        f'<button id="{st.remove_id}" type="submit" name="op" '
        f'value="remove-statement-{st.index}" aria-label="Remove statement {n}">Remove</button>'
        "</div></div>"
    )


def _sid_and_effect(st: StatementView, context: Any) -> str:
    p, form = st.prefix, st.form
    effect = form.effect
    odd = ""
    if effect not in ("Deny", "Allow"):
        odd = (
            f'<label><input type="radio" name="{p}effect" value="{_e(effect)}" checked> '
            f"{_e(effect or '(empty)')}</label>"
        )
    note = context["rules"].get("allow_note")
    note_html = f'<p class="hint">{_e(note)}</p>' if note else ""
    return (
        '<div class="row">'
        f'<div class="field"><label for="{p}sid">Sid '
        '<span class="hint">(optional, letters and digits)</span></label>'
        f'<input id="{p}sid" name="{p}sid" value="{_e(form.sid)}" maxlength="200">'
        f"{_slot(context, st.sid_slot)}</div>"
        '<fieldset class="field effect"><legend>Effect</legend>'
        f'<label><input type="radio" name="{p}effect" value="Deny"'
        f"{_on(effect == 'Deny', 'checked')}> Deny</label>"
        f'<label><input type="radio" name="{p}effect" value="Allow"'
        f"{_on(effect == 'Allow', 'checked')}> Allow</label>"
        f"{odd}"
        f"{note_html}"
        f"{_slot(context, st.effect_slot)}"
        "</fieldset></div>"
    )


def _actions(st: StatementView, context: Any) -> str:
    p, form = st.prefix, st.form
    options = "".join(
        f'<option value="{_e(s)}"{_on(s == form.service, "selected")}>{_e(s)}</option>'
        for s in st.services
    )
    not_action = form.action_element == "NotAction"
    if context["rules"].get("notaction"):
        element = (
            f'<div class="field check"><input type="checkbox" id="{p}not_action" '
            f'name="{p}not_action" value="1"{_on(not_action, "checked")}>'
            f'<label for="{p}not_action">NotAction (every action except these)</label></div>'
        )
    elif not_action:
        element = (
            f'<input type="hidden" name="{p}not_action" value="1">'
            '<p class="warn">NotAction is not allowed in this profile.</p>'
        )
    else:
        element = ""
    feedback = context["match_feedback"].get(st.match_id) or ""
    return (
        '<fieldset class="actions-part"><legend>Actions</legend><div class="row">'
        f'<div class="field"><label for="{p}service">Service</label>'
        f'<select id="{p}service" name="{p}service" data-op="refresh">{options}</select></div>'
        f'<div class="field"><label for="{p}filter">Search actions</label>'
        f'<input id="{p}filter" type="search" class="action-filter" data-picker="{st.picker_id}" '
        'placeholder="e.g. share" autocomplete="off"></div>'
        f"{element}</div>"
        f'<div class="picker" id="{st.picker_id}" data-op="refresh">'
        f"{editor_html.action_picker(st, context['urls'])}</div>"
        f'<div class="field"><label for="{p}patterns">Other actions and wildcard patterns '
        '<span class="hint">(one per line, e.g. ims:images:*)</span></label>'
        f'<textarea id="{p}patterns" name="{p}patterns" rows="2" spellcheck="false">'
        f"{_lines(st.patterns)}</textarea>"
        f'<p class="match" id="{st.match_id}" aria-live="polite">{_e(feedback)}</p></div>'
        f"{_slot(context, st.actions_slot)}"
        "</fieldset>"
    )


def _urn_builder(st: StatementView, rt: Any) -> str:
    i, name = st.index, _e(rt.name)
    field = f"{i}-{name}"
    capital = _e(rt.name[:1].upper() + rt.name[1:])
    return (
        f'<div class="urn-builder" role="group" aria-label="Build a {name} URN">'
        f"<span>Build <code>{_e(rt.urn_pattern)}</code>:</span>"
        f'<label for="builder-region-{field}" class="sr-only">Region</label>'
        f'<input id="builder-region-{field}" name="builder-region-{field}" list="{ids.REGIONS}" '
        'placeholder="region or *" size="12" autocomplete="off">'
        f'<label for="builder-account-{field}" class="sr-only">Account ID</label>'
        f'<input id="builder-account-{field}" name="builder-account-{field}" '
        'placeholder="account id or *" size="14">'
        f'<label for="builder-id-{field}" class="sr-only">{capital} ID</label>'
        f'<input id="builder-id-{field}" name="builder-id-{field}" placeholder="{name} id or *" '
        'size="14">'
        f'<button id="op-add-urn-{field}" type="submit" name="op" value="add-urn-{field}">'
        "Add URN</button></div>"
    )


def _resources(st: StatementView, context: Any) -> str:
    p, form = st.prefix, st.form
    supported = st.resources_supported
    specific = "checked" if not form.all_resources else ""
    if not specific and not supported:
        specific = f'disabled aria-describedby="{p}no-urns"'
    not_resource = form.resource_element == "NotResource"
    if context["rules"].get("notresource"):
        element = (
            f'<span class="check"><input type="checkbox" id="{p}not_resource" '
            f'name="{p}not_resource" value="1"{_on(not_resource, "checked")}>'
            f'<label for="{p}not_resource">NotResource (every resource except these)</label>'
            "</span>"
        )
    elif not_resource:
        element = (
            f'<input type="hidden" name="{p}not_resource" value="1">'
            '<span class="warn">NotResource is not allowed in this profile.</span>'
        )
    else:
        element = ""
    if supported:
        builders = "".join(_urn_builder(st, rt) for rt in st.resource_types)
    else:
        first = "" if form.actions else " (choose actions first)"
        builders = (
            f'<p class="hint" id="{p}no-urns">No chosen action supports resource-level '
            f"permissions, so only “All resources” applies{first}.</p>"
        )
    return (
        '<fieldset class="resources-part"><legend>Resources</legend><div class="row">'
        f'<label><input type="radio" name="{p}resource_mode" value="all"'
        f"{_on(form.all_resources, 'checked')}> All resources (<code>*</code>)</label>"
        f'<label><input type="radio" name="{p}resource_mode" value="specific"'
        f"{_on(bool(specific), specific)}> Specific resources</label>"
        f"{element}</div>"
        f'<div class="field"><label for="{p}resources">Resource URNs '
        '<span class="hint">(one per line)</span></label>'
        f'<textarea id="{p}resources" name="{p}resources" rows="2" spellcheck="false"'
        f"{_on(form.all_resources and not supported, 'disabled')}>"
        f"{_lines(form.resources)}</textarea></div>"
        f"{builders}"
        f"{_slot(context, st.resources_slot)}"
        "</fieldset>"
    )


def _key_select(st: StatementView, cv: ConditionView, j: int) -> str:
    p, c = st.prefix, cv.row
    if cv.key_template:
        given = f'<option value="{_e(cv.key_template)}" selected>{_e(cv.key_template)}</option>'
    elif c.key and not cv.key_listed:
        why = " (not in the catalog)" if cv.key is None else " (not listed for the chosen actions)"
        given = f'<option value="{_e(c.key)}" selected>{_e(c.key)}{why}</option>'
    else:
        given = ""
    tag = ""
    if cv.key_template:
        tag = (
            f'<div class="field"><label for="{p}c{j}-tag">Tag key</label>'
            f'<input id="{p}c{j}-tag" name="{p}c{j}-tag" value="{_e(cv.tag)}" '
            'placeholder="owner"></div>'
        )
    return (
        f'<div class="field"><label for="{p}c{j}-key">Key</label>'
        f'<select id="{p}c{j}-key" name="{p}c{j}-key" data-op="refresh">'
        f'<option value="">choose a key</option>{given}{editor_html.key_options(cv)}'
        f"</select></div>{tag}"
    )


def _qualifier_select(st: StatementView, cv: ConditionView, j: int) -> str:
    p, q = st.prefix, cv.row.qualifier
    if not ((cv.key is not None and cv.key.multivalued) or q):
        return ""
    odd = f'<option value="{_e(q)}" selected>{_e(q)}</option>' if q and q not in _QUALIFIERS else ""
    return (
        f'<div class="field"><label for="{p}c{j}-qualifier">Qualifier</label>'
        f'<select id="{p}c{j}-qualifier" name="{p}c{j}-qualifier">'
        f'<option value=""{_on(not q, "selected")}>none</option>'
        f'<option value="ForAnyValue"{_on(q == "ForAnyValue", "selected")}>ForAnyValue</option>'
        f'<option value="ForAllValues"{_on(q == "ForAllValues", "selected")}>ForAllValues'
        f"</option>{odd}</select></div>"
    )


def _condition(st: StatementView, cv: ConditionView, j: int, context: Any) -> str:
    p, c, i = st.prefix, cv.row, st.index
    if not c.key:
        hint = (
            '<p class="hint">Choose a key: until then this condition is not part of the policy.</p>'
        )
    elif cv.merged_with is not None:
        how = (
            "the request must differ from every value" if cv.negated else "any one value is enough"
        )
        hint = (
            f'<p class="hint">Written together with condition {cv.merged_with + 1}: an operator '
            f"names a key once, so their values form one list ({how}).</p>"
        )
    else:
        hint = ""
    return (
        f'<div class="condition" role="group" aria-label="Condition {j + 1}"><div class="row">'
        f"{_key_select(st, cv, j)}{_qualifier_select(st, cv, j)}"
        f'<div class="field"><label for="{p}c{j}-operator">Operator</label>'
        f'<select id="{p}c{j}-operator" name="{p}c{j}-operator">'
        f"{editor_html.operator_options(cv)}</select></div>"
        f'<div class="field check"><input type="checkbox" id="{p}c{j}-if_exists" '
        f'name="{p}c{j}-if_exists" value="1"{_on(c.if_exists, "checked")}>'
        f'<label for="{p}c{j}-if_exists">IfExists</label></div>'
        "</div>"
        f'<div class="field"><label for="{p}c{j}-values">Values <span class="hint">(one per '
        f"line; {_VALUE_HINTS.get(cv.value_kind, _TEXT_HINT)})</span></label>"
        f'<textarea id="{p}c{j}-values" name="{p}c{j}-values" rows="2" spellcheck="false">'
        f"{_lines(c.values)}</textarea></div>"
        f'<button id="op-remove-condition-{i}-{j}" data-focus="{st.add_condition_id}" '
        f'type="submit" name="op" value="remove-condition-{i}-{j}" class="link">'
        "Remove condition</button>"
        f"{hint}{_slot(context, cv.slot)}</div>"
    )


def _conditions(st: StatementView, context: Any) -> str:
    rows = "".join(_condition(st, cv, j, context) for j, cv in enumerate(st.conditions))
    return (
        '<fieldset class="conditions-part"><legend>Conditions</legend>'
        f'<input type="hidden" name="{st.prefix}condition_count" value="{len(st.conditions)}">'
        f"{rows}"
        f'<button id="{st.add_condition_id}" data-focus="{st.add_condition_focus}" '
        f'type="submit" name="op" value="add-condition-{st.index}" class="secondary">'
        "Add condition</button>"
        f"{_slot(context, st.conditions_slot)}"
        "</fieldset>"
    )


def statement_block(st: StatementView, context: Any) -> SafeString:
    """One statement of the form, as the page and every answer show it."""
    oob = ' hx-swap-oob="true"' if context.get("oob") else ""
    return mark_safe(
        f'<section class="statement" id="{st.block_id}" '
        f'aria-labelledby="{st.block_id}-title"{oob}>'
        f"{_head(st)}{_slot(context, st.slot)}{_sid_and_effect(st, context)}"
        f"{_actions(st, context)}{_resources(st, context)}{_conditions(st, context)}"
        "</section>\n"
    )

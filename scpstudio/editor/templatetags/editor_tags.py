"""Small template helpers for the editor."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from scpstudio.editor import html as editor_html
from scpstudio.editor import html_analysis, html_answers, html_statement

register = template.Library()


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """`mapping[key]`, or an empty list when it is missing."""
    try:
        return mapping.get(key, [])
    except AttributeError:
        return []


@register.simple_tag(takes_context=True)
def finding_slot(context: Any, sid: str) -> SafeString:
    """The findings beside one field of the form."""
    return editor_html.slot(sid, context["slot_contents"].get(sid))


@register.simple_tag(takes_context=True)
def finding_slots(context: Any, ids: list[str]) -> SafeString:
    """Slots sent with an answer, each swapped into the page by its id."""
    contents = context["slot_contents"]
    return mark_safe("".join(editor_html.slot(sid, contents.get(sid), oob=True) for sid in ids))


@register.simple_tag(takes_context=True)
def findings_list(context: Any) -> SafeString:
    """The entries of the findings list, in the analysis' order."""
    return editor_html.findings_list(context["analysis"].findings, context["urls"])


@register.simple_tag(takes_context=True)
def action_picker(context: Any, st: Any) -> SafeString:
    return editor_html.action_picker(st, context["urls"])


@register.simple_tag
def key_options(cv: Any) -> SafeString:
    return editor_html.key_options(cv)


@register.simple_tag
def operator_options(cv: Any) -> SafeString:
    return editor_html.operator_options(cv)


@register.simple_tag(takes_context=True)
def analysis_region(context: Any) -> SafeString:
    return html_analysis.analysis_region(context)


@register.simple_tag(takes_context=True)
def statement_block(context: Any, st: Any) -> SafeString:
    return html_statement.statement_block(st, context)


@register.simple_tag(takes_context=True)
def json_textarea(context: Any) -> SafeString:
    return html_answers.json_textarea(context)

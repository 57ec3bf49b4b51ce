"""Small template helpers for the editor."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from scpstudio.policies import editor_html

register = template.Library()


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """`mapping[key]`, or an empty list when it is missing."""
    try:
        return mapping.get(key, [])
    except AttributeError:
        return []


def _urls(context: Any) -> editor_html.Urls:
    return editor_html.Urls(editor=context["editor_url"], checks=context["checks_url"])


@register.simple_tag(takes_context=True)
def finding_slot(context: Any, sid: str) -> SafeString:
    """The findings beside one field of the form."""
    return editor_html.slot(sid, context["slots"].get(sid, []), _urls(context))


@register.simple_tag(takes_context=True)
def finding_slots(context: Any, ids: list[str]) -> SafeString:
    """Slots sent with an answer, each swapped into the page by its id."""
    return editor_html.slots(ids, context["slots"], _urls(context), oob=True)


@register.simple_tag(takes_context=True)
def findings_list(context: Any) -> SafeString:
    """The entries of the findings list, in the analysis' order."""
    return editor_html.findings_list(context["analysis"].findings, _urls(context))

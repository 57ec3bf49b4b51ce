"""What a URN pattern may hold: `svc:<region>:<account-id>:type:<id>`, placeholders in angle
brackets, never markup.

Patterns are shown on pages and copied into policies, so a tag or an entity in one is refused
(an error), and a pattern of another service than the one it is listed under is reported.
"""

from __future__ import annotations

import re

# Angle brackets around a name are a placeholder (`<region>`), unless the name is an HTML
# element: `<script>` and `<region>` have the same shape, and only the name tells them apart.
_PLACEHOLDER = re.compile(r"<([A-Za-z][\w.-]*)>")
_MARKUP = re.compile(r"<!--|</?[A-Za-z][^<>]*>?|&#?\w+;")
_ELEMENT_NAMES = """
    a abbr address area article aside audio b base bdi bdo blockquote body br button canvas
    caption cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed
    fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr
    html i iframe img input ins kbd label legend li link main map mark marquee math menu meta
    meter nav noscript object ol optgroup option output p param picture pre progress q rp rt
    ruby s samp script section select slot small source span strong style sub summary sup svg
    table tbody td template textarea tfoot th thead time title tr track u ul var video wbr xmp
"""
HTML_ELEMENTS = frozenset(_ELEMENT_NAMES.split())
EXAMPLE = "ims:<region>:<account-id>:image:<image-id>"


def urn_markup(pattern: str) -> str | None:
    """The first piece of markup in a URN pattern (cut to 30 characters), or None."""
    for m in _MARKUP.finditer(pattern):
        found = m.group()
        placeholder = _PLACEHOLDER.fullmatch(found)
        if placeholder and placeholder.group(1).lower() not in HTML_ELEMENTS:
            continue
        return found[:30]
    return None


def urn_service(pattern: str) -> str:
    """The service prefix a URN pattern starts with (`ims` in `ims:<region>:...`)."""
    return pattern.split(":", 1)[0]

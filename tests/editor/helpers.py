"""Reading the editor page the way a browser would, and what "the same policy" means.

`form_fields` submits the page's form as a browser does (checked boxes only, the selected
option, textarea text), so a test can post back exactly what a user would send without
touching a field.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

from scpstudio.engine.operators import OPERATORS

HTMX = {"HTTP_HX_REQUEST": "true"}
EDITOR = "/editor/"


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.fields: list[tuple[str, str]] = []
        self.textareas: dict[str, str] = {}
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: tuple[str | None, bool, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.in_form = a.get("id") == self.form_id
            return
        if tag == "textarea":
            self._textarea = (a.get("name", ""), [])
            self._textarea_id = a.get("id", "")
        if not self.in_form:
            return
        if tag == "input" and "name" in a and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = (a.get("name", ""), [])
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a, [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option is not None:
            self._option[2].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            text = "".join(parts)
            if text.startswith("\n"):  # the HTML parser drops one leading newline
                text = text[1:]
            self.textareas[self._textarea_id] = text
            if self.in_form and name:
                self.fields.append((name, text))
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select[1].append((value if value is not None else "".join(text), selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, options = self._select
            chosen = [v for v, selected in options if selected]
            if chosen:
                self.fields.append((name, chosen[-1]))
            elif options:
                self.fields.append((name, options[0][0]))
            self._select = None


def read_page(response: Any) -> _FormReader:
    reader = _FormReader("editor")
    reader.feed(response.content.decode())
    reader.close()
    return reader


def form_fields(response: Any) -> dict[str, list[str]]:
    """What the browser would post for the editor form, untouched."""
    out: dict[str, list[str]] = {}
    for name, value in read_page(response).fields:
        out.setdefault(name, []).append(value)
    return out


def kept_draft(response: Any) -> dict[str, str]:
    """The fields of the "reopen my text" form of the page saying why nothing was saved."""
    reader = _FormReader("kept-draft")
    reader.feed(response.content.decode())
    reader.close()
    return dict(reader.fields)


def fields_of_form(response: Any, form_id: str) -> dict[str, list[str]]:
    """What the browser would post for the form of that id, untouched."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    reader.close()
    out: dict[str, list[str]] = {}
    for name, value in reader.fields:
        out.setdefault(name, []).append(value)
    return out


def shown_json(response: Any) -> str:
    """The JSON text box's content."""
    return read_page(response).textareas["json"]


def shown_document(response: Any) -> Any:
    return json.loads(shown_json(response))


def resubmit(client: Any, response: Any, op: str = "check", **changes: Any) -> Any:
    """Post the page's form back as a browser would, with `op` and any changed fields."""
    data: dict[str, Any] = form_fields(response)
    data.update(changes)
    data["op"] = op
    return client.post(EDITOR, data)


# -- "the same policy" --------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _typed(operator: str, value: Any) -> Any:
    """A condition value as the language reads it: "true" is true under Bool, "5" is 5
    under a Number operator."""
    bare = operator.rpartition(":")[2]
    if bare.endswith("IfExists") and bare != "IfExists":
        bare = bare[: -len("IfExists")]
    spec = OPERATORS.get(bare)
    family = spec.family if spec else ""
    if isinstance(value, str) and family in ("boolean", "null") and value in ("true", "false"):
        return value == "true"
    if isinstance(value, str) and family == "number":
        try:
            number = json.loads(value)
        except ValueError:
            return value
        return number if isinstance(number, int | float) and not isinstance(number, bool) else value
    return value


def normalized(document: dict[str, Any], *, actions_as_sets: bool = False) -> dict[str, Any]:
    """The policy in the one spelling that the language treats as the same policy."""
    statements = []
    for s in _as_list(document["Statement"]):
        out: dict[str, Any] = {}
        if "Sid" in s:
            out["Sid"] = s["Sid"]
        out["Effect"] = s["Effect"]
        for element in ("Action", "NotAction"):
            if element in s:
                items = _as_list(s[element])
                out[element] = sorted(set(items)) if actions_as_sets else items
        if "NotResource" in s:
            out["NotResource"] = _as_list(s["NotResource"])
        else:
            out["Resource"] = _as_list(s.get("Resource", ["*"]))
        condition = {}
        for operator, keys in s.get("Condition", {}).items():
            if keys:
                condition[operator] = {
                    key: [_typed(operator, v) for v in _as_list(values)]
                    for key, values in keys.items()
                }
        if condition:
            out["Condition"] = condition
        statements.append(out)
    return {"Version": document["Version"], "Statement": statements}

"""The editor form's fields, however the page sent them.

Without JavaScript the browser posts the form urlencoded, and Django's `request.POST`
reads it. editor.js sends the same fields as one JSON object, `{"name": ["value", ...]}`:
a keystroke on a large policy posts several hundred fields, and decoding them as JSON
costs a tenth of what the urlencoded parser spends on them.
"""

from __future__ import annotations

import json
import re
import sys
from itertools import chain

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict

from scpstudio.editor.state import MultiValueMapping

JSON_TYPE = "application/json"
# A `\ud800`-style escape of half a surrogate pair: JSON decodes it to a string no
# UTF-8 answer can hold; the urlencoded path turns such bytes into U+FFFD, so this does too.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class FormBodyError(ValueError):
    """The body is not the editor's form: the sentence says what is wrong with it."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def posted_form(request: HttpRequest) -> MultiValueMapping:
    """The posted fields, urlencoded or multipart (`request.POST`) or JSON (editor.js)."""
    if request.content_type != JSON_TYPE:
        return request.POST
    try:
        body = request.body
    except RequestDataTooBig as exc:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raise FormBodyError(f"The form is larger than the {limit:,} bytes accepted.", 413) from exc
    return read_json_fields(body)


def read_json_fields(body: bytes) -> MultiValueDict[str, str]:
    try:
        text = body.decode("utf-8")
        raw = json.loads(text)
    except UnicodeDecodeError as exc:
        raise FormBodyError("The form data is not UTF-8 text.") from exc
    except (ValueError, RecursionError) as exc:
        raise FormBodyError("The form data is not valid JSON.") from exc
    if not isinstance(raw, dict):
        raise FormBodyError("The form data must be a JSON object of field names to values.")
    repair = _SURROGATE_ESCAPE.search(text) is not None
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    if limit is None:
        limit = sys.maxsize
    if not repair and _only_lists_of_strings(raw, limit):
        return MultiValueDict(raw)
    count = 0
    fields: dict[str, list[str]] = {}
    for name, values in raw.items():
        kind = type(values)
        if kind is list:
            # most fields hold one string: the set of the types is worked out for the others
            one_string = len(values) == 1 and type(values[0]) is str
            if not one_string and not set(map(type, values)) <= _ONLY_STR:
                raise _not_strings(name)
            count += len(values) or 1  # a field with no value still counts, as in a query
        elif kind is str:
            values = [values]
            count += 1
        else:
            raise _not_strings(name)
        if count > limit:
            raise FormBodyError(f"The form has more than {limit:,} values.")
        if repair:
            name = _SURROGATE.sub("\ufffd", name)
            values = [*fields.get(name, ()), *(_SURROGATE.sub("\ufffd", v) for v in values)]
        fields[name] = values
    return MultiValueDict(fields)


def _only_lists_of_strings(raw: dict[str, object], limit: int) -> bool:
    """Whether every field holds a list of strings, and no more values than `limit` in all
    (as editor.js sends them): checked by the type of everything at once, with no step per
    field. Anything else is read field by field, which says what is wrong where."""
    values = raw.values()
    if not set(map(type, values)) <= _ONLY_LIST:
        return False
    try:
        "".join(chain.from_iterable(values))  # type: ignore[arg-type]  # strings only
    except TypeError:
        return False
    total = sum(map(len, values))  # type: ignore[arg-type]
    if total + len(raw) <= limit:
        return True  # each field counts at least once, a field with no value as one
    lengths = list(map(len, values))  # type: ignore[arg-type]
    return total + lengths.count(0) <= limit


def _not_strings(name: str) -> FormBodyError:
    shown = _SURROGATE.sub("\ufffd", name[:60])
    return FormBodyError(f"The field {shown!r} must be a string or a list of strings.")


_ONLY_STR = frozenset({str})
_ONLY_LIST = frozenset({list})

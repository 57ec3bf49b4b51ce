"""A request the server will not carry out, in words the person or the client can act on.

The rules and services of every app raise a subclass of `Refusal`: the pages show its
sentence beside the field, and the REST API's one exception handler
(`scpstudio.rest.errors`) answers its status with its body. It imports nothing, so any
module may raise one.
"""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    """A sentence, the field it is about (None for the request as a whole), a status."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def body(self) -> dict[str, Any]:
        """What the API answers: `{"error", "field"}` unless a subclass says more."""
        return {"error": self.message, "field": self.field}


def json_kind(value: Any) -> str:
    """What a JSON value is, in words for a sentence: `an array`, `a number`, ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return "a string" if isinstance(value, str) else "a value of another kind"

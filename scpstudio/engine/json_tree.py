"""The positioned JSON tree: every value with the offsets it was written at.

`engine.document` builds it from text; the statements kept between analyses
(`engine.statement_memory`) copy it to where a statement now stands. Nodes are never
changed once built, so a tree may be shared by several parses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Scalar = str | int | float | bool | None


class JsonNode:
    """A JSON value with its source offsets (`start`, `end` are -1 for decoded input)."""

    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end

    def to_python(self) -> Any:
        raise NotImplementedError

    @property
    def type_name(self) -> str:
        raise NotImplementedError


class JsonScalar(JsonNode):
    __slots__ = ("value",)

    def __init__(self, value: Scalar, start: int = -1, end: int = -1) -> None:
        self.start = start  # set directly: this runs for every scalar of every keystroke
        self.end = end
        self.value = value

    def to_python(self) -> Any:
        return self.value

    @property
    def type_name(self) -> str:
        v = self.value
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "boolean"
        if isinstance(v, str):
            return "string"
        return "number"


class JsonArray(JsonNode):
    __slots__ = ("items",)

    def __init__(self, items: list[JsonNode], start: int = -1, end: int = -1) -> None:
        self.start = start
        self.end = end
        self.items = items

    def to_python(self) -> Any:
        return [item.to_python() for item in self.items]

    @property
    def type_name(self) -> str:
        return "array"


class Member:
    """One `"key": value` pair of an object."""

    __slots__ = ("key", "start", "end", "value")

    def __init__(self, key: str, value: JsonNode, start: int = -1, end: int = -1) -> None:
        self.key = key
        self.value = value
        self.start = start
        self.end = end


class JsonObject(JsonNode):
    __slots__ = ("members", "_index")

    def __init__(self, members: list[Member], start: int = -1, end: int = -1) -> None:
        self.start = start
        self.end = end
        self.members = members
        self._index: dict[str, Member] = {m.key: m for m in members}

    def get(self, key: str) -> Member | None:
        """The member of that exact name; the last one when the key is duplicated."""
        return self._index.get(key)

    def duplicates(self) -> Iterator[Member]:
        """Every member whose key an earlier member already used."""
        if len(self._index) == len(self.members):
            return
        seen: set[str] = set()
        for m in self.members:
            if m.key in seen:
                yield m
            seen.add(m.key)

    def to_python(self) -> Any:
        return {m.key: m.value.to_python() for m in self.members}

    @property
    def type_name(self) -> str:
        return "object"

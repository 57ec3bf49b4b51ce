"""Glob matching with `*` (any run) and `?` (one character), in linear time.

Patterns and texts both come from strangers: `*aaaa…b` against a long run of `a`
makes a backtracking matcher (or the usual greedy two-pointer one) quadratic or
worse. Here a pattern is split at its stars into pieces; the first piece must
start the text, the last must end it, and each piece between is taken at its
leftmost place after the one before. Taking the leftmost place never loses a match
(a later piece has more text to choose from), so no piece is ever tried twice and
the text is scanned once from left to right: the work is linear in pattern plus
text, apart from the search for each piece, which runs in C (`str.find` for plain
pieces, a `?`-aware regular expression without any repetition for the others).
"""

from __future__ import annotations

import re
from functools import lru_cache


def has_wildcard(pattern: str) -> bool:
    """Whether the pattern holds `*` or `?`."""
    return "*" in pattern or "?" in pattern


class _Piece:
    """A run of the pattern without `*`: plain text, or text with `?` in it."""

    __slots__ = ("text", "size", "regex")

    def __init__(self, text: str) -> None:
        self.text = text
        self.size = len(text)
        # `?` is exactly one character: a regex of literals and `.` cannot backtrack
        self.regex = (
            re.compile(".".join(re.escape(part) for part in text.split("?")), re.DOTALL)
            if "?" in text
            else None
        )

    def at(self, text: str, pos: int) -> bool:
        """Whether the piece is written at `pos` in `text`."""
        if self.regex is None:
            return text.startswith(self.text, pos)
        return self.regex.match(text, pos) is not None and pos + self.size <= len(text)

    def find(self, text: str, start: int, stop: int) -> int:
        """The leftmost place at or after `start` where the piece ends by `stop`, or -1."""
        if self.regex is None:
            return text.find(self.text, start, stop)
        m = self.regex.search(text, start, stop)
        return -1 if m is None else m.start()


class Glob:
    """A compiled pattern: `Glob("ims:*:list*").matches("ims:images:list")`."""

    __slots__ = ("pattern", "head", "middle", "tail", "starred", "size")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        parts = pattern.split("*")
        self.starred = len(parts) > 1
        self.head = _Piece(parts[0])
        self.tail = _Piece(parts[-1]) if self.starred else None
        self.middle = tuple(_Piece(p) for p in parts[1:-1] if p)
        # the fewest characters a matching text has
        self.size = sum(len(p) for p in parts)

    def matches(self, text: str) -> bool:
        if not self.starred:
            return len(text) == self.head.size and self.head.at(text, 0)
        tail = self.tail
        assert tail is not None
        if len(text) < self.size or not self.head.at(text, 0):
            return False
        end = len(text) - tail.size
        if not tail.at(text, end):
            return False
        pos = self.head.size
        for piece in self.middle:
            found = piece.find(text, pos, end)
            if found == -1:
                return False
            pos = found + piece.size
        return True


@lru_cache(maxsize=4096)
def compile_glob(pattern: str) -> Glob:
    return Glob(pattern)


def wildcard_match(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """Whether `text` matches `pattern` as a whole."""
    if ignore_case:
        pattern = pattern.casefold()
        text = text.casefold()
    if "*" not in pattern and "?" not in pattern:
        return pattern == text
    return compile_glob(pattern).matches(text)

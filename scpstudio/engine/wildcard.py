"""Glob matching with `*` (any run) and `?` (one character), in linear time.

Policy patterns are short but hostile input is not: `*a*a*a*a*b` against a long
string makes a naive backtracking matcher exponential. The greedy algorithm
below backtracks only to the most recent `*`, which keeps it O(len(p) * len(s))
in the worst case and linear in practice.
"""

from __future__ import annotations


def has_wildcard(pattern: str) -> bool:
    """Whether the pattern holds `*` or `?`."""
    return "*" in pattern or "?" in pattern


def wildcard_match(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """Whether `text` matches `pattern` as a whole."""
    if ignore_case:
        pattern = pattern.casefold()
        text = text.casefold()
    p = t = 0
    star_p = -1
    star_t = 0
    while t < len(text):
        if p < len(pattern) and (pattern[p] == "?" or pattern[p] == text[t]):
            p += 1
            t += 1
        elif p < len(pattern) and pattern[p] == "*":
            star_p = p
            star_t = t
            p += 1
        elif star_p != -1:
            p = star_p + 1
            star_t += 1
            t = star_t
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)

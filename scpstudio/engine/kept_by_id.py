"""What was worked out for an object, found again by the object itself.

The faces of the preview (the REST API's JSON, the editor's table) keep what they wrote
for each row the engine hands back, and the engine hands back the same row objects while
their decisions hold (`preview.preview_levels`), so a keystroke looks up ~470 rows there.
`statement_memory.BoundedMemo` (a lock, and a move to the end per look-up) cost more than
what it kept; this is a plain dict by `id`, each value kept with its object (so that id
is not reused by another while it is kept), emptied when full. Only a cache: a row not
found is written again.
"""

from __future__ import annotations

from typing import Any


class KeptById:
    __slots__ = ("size", "items")

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: dict[int, tuple[Any, Any]] = {}

    def get(self, obj: Any) -> Any:
        """What was kept for this very object, or None."""
        kept = self.items.get(id(obj))
        return kept[1] if kept is not None and kept[0] is obj else None

    def put(self, obj: Any, value: Any) -> None:
        if len(self.items) >= self.size:
            self.items = {}  # a dict replaced whole: a reader never sees it half changed
        self.items[id(obj)] = (obj, value)

"""What was worked out for an object, found again by the object itself.

`KeptById` is a plain dict by `id`, each value kept with its object (so that id is not
reused by another while it is kept), emptied when full: for objects that cannot carry a
value (a part of the preview is a tuple of rows). Only a cache: a value not found is
worked out again. An object that can carry one keeps it itself (`keep_with`, below), which
keeps no object alive that nothing else needs.
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


# -- kept with the object itself ---------------------------------------------------------
#
# A memo by id must hold each object it keeps a value for (else its id could name another),
# so it keeps alive, up to its size, objects nothing else needs: a keystroke's rows and
# forms, never asked for again, each walked by the garbage collector until the memo is
# emptied. A value kept on the object itself (its `faces` slot) lives exactly as long as
# the object: as long as whatever keeps the object (the engine's row memo, the editor's
# form memo) finds it again. `faces` is a dict by face (the editor's table, the REST API's
# JSON), made on the first value; a lost race between two threads loses a cache entry.


def kept_with(obj: Any, face: str) -> Any:
    """What `face` kept on this object, or None."""
    faces: dict[str, Any] | None = obj.faces
    return None if faces is None else faces.get(face)


def keep_with(obj: Any, face: str, value: Any) -> None:
    faces: dict[str, Any] | None = obj.faces
    if faces is None:
        object.__setattr__(obj, "faces", {face: value})  # frozen engine values too
    else:
        faces[face] = value

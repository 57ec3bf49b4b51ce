"""What the editor works out from the catalog alone, kept until the catalog changes.

A keystroke asks the same questions of the catalog for every statement (which actions does
this service name, how many actions does this pattern match): the answers hold while the
catalog snapshot does (`catalog.snapshot` hands out a new one when the catalog changes), so
they are kept with it. Only a cache: emptied when it grows past its size.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from scpstudio.engine.catalog import Catalog

_SIZE = 4_096
# What a key may hold of the person's text (patterns, names) for its answer to be kept:
# past it the answer is worked out each time, so a megabyte pasted into a pattern box is
# never kept 4,096 times over.
MAX_KEY_CHARS = 2_000


class _PerCatalog:
    __slots__ = ("held",)

    def __init__(self) -> None:
        # The catalog and its answers, read and replaced as one: a request still on an
        # older snapshot never writes its answers where a newer one reads them.
        self.held: tuple[Catalog | None, dict[Hashable, Any]] = (None, {})

    def of(self, catalog: Catalog) -> dict[Hashable, Any]:
        """The answers kept for this catalog (none for another, or when too many)."""
        held = self.held
        if held[0] is not catalog or len(held[1]) >= _SIZE:
            held = (catalog, {})
            self.held = held
        return held[1]


_KEPT = _PerCatalog()


def kept(catalog: Catalog, key: Hashable, make: Callable[[], Any], *, chars: int = 0) -> Any:
    """`make()`, worked out once per catalog and key; `chars`: how much of the person's
    text the key holds (not kept past MAX_KEY_CHARS)."""
    if chars > MAX_KEY_CHARS:
        return make()
    items = _KEPT.of(catalog)
    found = items.get(key)
    if found is None:
        found = make()
        items[key] = found
    return found


def service_action_names(catalog: Catalog, service: str) -> frozenset[str]:
    """The names of the service's actions as the catalog spells them."""
    found: frozenset[str] = kept(
        catalog,
        ("names", service),
        lambda: frozenset(a.name for a in catalog.actions_of_service(service)),
    )
    return found


def service_prefixes(catalog: Catalog) -> list[str]:
    """Every service's prefix, sorted (the service select of each statement)."""
    found: list[str] = kept(
        catalog, ("prefixes",), lambda: sorted(s.prefix for s in catalog.services.values())
    )
    return found

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


class _PerCatalog:
    __slots__ = ("catalog", "items")

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.items: dict[Hashable, Any] = {}

    def of(self, catalog: Catalog) -> dict[Hashable, Any]:
        """The answers kept for this catalog (none for another, or when too many)."""
        items = self.items
        if self.catalog is not catalog or len(items) >= _SIZE:
            # replaced whole, never changed under a reader
            items = {}
            self.items = items
            self.catalog = catalog
        return items


_KEPT = _PerCatalog()


def kept(catalog: Catalog, key: Hashable, make: Callable[[], Any]) -> Any:
    """`make()`, worked out once per catalog and key."""
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

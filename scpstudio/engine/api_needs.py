"""Which APIs need an action, and how: the preview's plans (`preview.api_plans`) read backwards.

The per-API preview decides what an API needs (its own links, their dependencies, and the
links that hold only in a situation the catalog names). Answering "which APIs need this
action" from those same plans keeps the catalog's pages, its REST API and the editor's
preview from disagreeing: an API listed here is exactly one a Deny of the action turns
DENIED in the preview (direct, dependency) or denies in a situation (situation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.preview import ApiPlan, api_label, api_plans

DIRECT = "direct"  # the API names the action in a link that always holds
DEPENDENCY = "dependency"  # an action the API needs depends on it (at any depth)
SITUATION = "situation"  # only in a situation the catalog names ("required only ...")
HOW: tuple[str, ...] = (DIRECT, DEPENDENCY, SITUATION)


@dataclass(frozen=True, slots=True)
class ApiNeed:
    """An API (one `METHOD /path`) that needs an action, and how.

    `dependency_of` is the action whose dependency it is (None when the API's own link
    names it); `situations` are the notes of the links it is needed through, for SITUATION.
    """

    method: str
    path: str
    service: str
    how: str
    dependency_of: str | None = None
    situations: tuple[str, ...] = ()
    # The operation ids (IAM's schema) of the API; an API known only by its id has no path.
    operation_ids: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return api_label(self.method, self.path, self.service, self.operation_ids)

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "service": self.service,
            "how": self.how,
            "dependency_of": self.dependency_of,
            "situations": list(self.situations),
            "operation_ids": list(self.operation_ids),
        }


def apis_needing(catalog: Catalog, action: str, how: str = "") -> tuple[ApiNeed, ...]:
    """The APIs needing the action (its exact name, compared case-insensitively), sorted by
    service, path and method; only those needing it that way when `how` is one of HOW.

    The index is built once per catalog snapshot, in one pass over the plans.
    """
    index = catalog.derived.get("apis_needing")
    if not isinstance(index, dict):
        index = _index(catalog)
        catalog.derived["apis_needing"] = index
    found: tuple[ApiNeed, ...] = index.get(action.casefold(), ())
    return tuple(n for n in found if n.how == how) if how else found


def _index(catalog: Catalog) -> dict[str, tuple[ApiNeed, ...]]:
    grouped: dict[str, list[ApiNeed]] = {}
    for plan in api_plans(catalog):
        for name, need in _needs_of(plan).items():
            grouped.setdefault(name, []).append(need)
    return {
        name: tuple(sorted(needs, key=lambda n: (n.service, n.path, n.method, n.operation_ids)))
        for name, needs in grouped.items()
    }


def _needs_of(plan: ApiPlan) -> dict[str, ApiNeed]:
    """Case-folded action name -> how this API needs it. What the API always needs wins
    over what it needs in a situation, as in the preview."""
    out: dict[str, ApiNeed] = {}
    for need in plan.needs:
        how = DIRECT if need.dependency_of is None else DEPENDENCY
        out.setdefault(
            need.action.casefold(),
            ApiNeed(
                plan.method,
                plan.path,
                plan.service,
                how,
                need.dependency_of,
                operation_ids=plan.operation_ids,
            ),
        )
    situational: dict[str, tuple[str | None, list[str]]] = {}
    for link in plan.conditional:
        for need in link.needs:
            name = need.action.casefold()
            if name in out:
                continue
            _, notes = situational.setdefault(name, (need.dependency_of, []))
            if link.note and link.note not in notes:
                notes.append(link.note)
    for name, (dependency_of, notes) in situational.items():
        out[name] = ApiNeed(
            plan.method,
            plan.path,
            plan.service,
            SITUATION,
            dependency_of,
            tuple(notes),
            plan.operation_ids,
        )
    return out

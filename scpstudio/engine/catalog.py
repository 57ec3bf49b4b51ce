"""The catalog as the engine sees it: immutable, in memory, no database.

`catalog` (the Django app) builds a `Catalog` from its models once per catalog
revision; every lookup the engine makes on a keystroke is a dictionary access
here, never a query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import Any

from scpstudio.engine.wildcard import has_wildcard, wildcard_match

ACCESS_LEVELS: tuple[str, ...] = ("list", "read", "write", "permission_management", "tagging")
ACCESS_LEVEL_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "list": "List",
        "read": "Read",
        "write": "Write",
        "permission_management": "Permission management",
        "tagging": "Tagging",
    }
)
KEY_TYPES: tuple[str, ...] = ("string", "number", "boolean", "date", "ip")

_TEMPLATE_PART = re.compile(r"<[^<>]+>")
# Huawei region ids: lower-case words and a number joined by hyphens (cn-north-4,
# ap-southeast-3, eu-west-101).
REGION_RE = re.compile(r"[a-z]+(?:-[a-z]+)*-[0-9]+")


def access_level_label(level: str) -> str:
    """A level's label; a level Huawei names that we do not know is shown as written."""
    return ACCESS_LEVEL_LABELS.get(level) or level.replace("_", " ").capitalize()


def access_levels_in_order(levels: Iterable[str]) -> tuple[str, ...]:
    """The known levels in their order, then any other level Huawei names, by name."""
    present = set(levels)
    known = [level for level in ACCESS_LEVELS if level in present]
    return tuple(known + sorted(present - set(ACCESS_LEVELS)))


@dataclass(frozen=True, slots=True)
class ResourceTypeRef:
    """A resource type an action accepts; `required` is the catalog's `*` mark.

    `condition_keys` are the keys a request carries for this type (IAM's schema lists them
    per resource type; Huawei's page does not).
    """

    name: str
    required: bool
    condition_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ResourceType:
    service: str
    name: str
    urn_pattern: str


@dataclass(frozen=True, slots=True)
class ConditionKey:
    """A condition key with what validation needs: type and multiplicity.

    `request_wide` keys (most global keys) are present in every request;
    the others only for the actions that list them.
    """

    name: str
    value_type: str
    multivalued: bool
    is_global: bool
    request_wide: bool
    description: str = ""

    @property
    def templated(self) -> bool:
        return _template_ends(self.name) is not None

    def matches(self, key: str) -> bool:
        """Whether a concrete key (`g:RequestTag/owner`) is this key or an instance of it."""
        ends = _template_ends(self.name)
        k = key.casefold()
        if ends is None:
            return k == self.name.casefold()
        prefix, suffix = ends
        return k.startswith(prefix) and k.endswith(suffix) and len(k) > len(prefix) + len(suffix)


# The memos other engine modules keep in `Catalog.derived` by what policies say (the
# others there are indexes of the catalog alone).
RESOURCE_APPLIES = "resource_applies"
DEPENDENT_APIS = "dependent_apis"
LOOKUP_MEMOS = (RESOURCE_APPLIES, DEPENDENT_APIS)


@lru_cache(maxsize=4096)
def _template_ends(name: str) -> tuple[str, str] | None:
    """What a templated key name holds before and after its template part (case-folded),
    or None for a plain name: worked out once per name, not once per comparison."""
    if not _TEMPLATE_PART.search(name):
        return None
    prefix, _, suffix = _TEMPLATE_PART.sub("\0", name).partition("\0")
    return prefix.casefold(), suffix.casefold()


@dataclass(frozen=True, slots=True)
class Action:
    name: str
    service: str
    description: str
    access_level: str
    resource_types: tuple[ResourceTypeRef, ...] = ()
    condition_keys: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()
    # Only a permission: no API calls it (IAM's schema marks such actions).
    permission_only: bool = False
    # Other names of the action a policy may use; each matches as the action does.
    aliases: tuple[str, ...] = ()

    @property
    def supports_resources(self) -> bool:
        """False for `-` in the catalog: only `"*"` applies to this action."""
        return bool(self.resource_types)

    @property
    def listed_keys(self) -> tuple[str, ...]:
        """The keys the action lists, its own and those of its resource types, once each."""
        if not any(r.condition_keys for r in self.resource_types):
            return self.condition_keys
        names = dict.fromkeys(self.condition_keys)
        for r in self.resource_types:
            names.update(dict.fromkeys(r.condition_keys))
        return tuple(names)


@dataclass(frozen=True, slots=True)
class ApiLink:
    """One (API, action) link; `conditional` links hold only in the situation `note` names."""

    action: str
    note: str = ""
    conditional: bool = False


@dataclass(frozen=True, slots=True)
class Api:
    service: str
    method: str
    path: str
    links: tuple[ApiLink, ...]

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True, slots=True)
class Operation:
    """An API known by its operation id (IAM's schema): the action it needs and the actions
    it depends on, which decide it as a page's dependencies decide an API."""

    service: str
    operation_id: str
    action: str
    dependent_actions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Service:
    prefix: str
    name: str
    # Whether Huawei lists the service among those SCPs govern; None when unknown.
    scp_governed: bool | None = None


@dataclass(frozen=True, slots=True)
class Region:
    """A Huawei Cloud region: its id as URNs write it (`cn-north-4`) and its display name."""

    id: str
    name: str = ""


@dataclass(frozen=True)
class Catalog:
    """Everything the engine knows about services; build with `Catalog.build`."""

    revision: int
    services: Mapping[str, Service]
    actions: Mapping[str, Action]
    resource_types: Mapping[tuple[str, str], ResourceType]
    condition_keys: Mapping[str, ConditionKey]
    apis: tuple[Api, ...]
    # The known regions, sorted by id; empty when the catalog holds no region list.
    regions: tuple[Region, ...] = ()
    # APIs known by operation id (IAM's schema), sorted by service and id.
    operations: tuple[Operation, ...] = ()
    _match_cache: dict[str, tuple[Action, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # keys that are no catalog key by name: the templated key each is, or None
    _key_cache: dict[str, ConditionKey | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def build(
        cls,
        *,
        revision: int = 0,
        services: Iterable[Service] = (),
        actions: Iterable[Action] = (),
        resource_types: Iterable[ResourceType] = (),
        condition_keys: Iterable[ConditionKey] = (),
        apis: Iterable[Api] = (),
        regions: Iterable[Region] = (),
        operations: Iterable[Operation] = (),
    ) -> Catalog:
        return cls(
            revision=revision,
            services=MappingProxyType({s.prefix.casefold(): s for s in services}),
            actions=MappingProxyType({a.name.casefold(): a for a in actions}),
            resource_types=MappingProxyType(
                {(r.service.casefold(), r.name.casefold()): r for r in resource_types}
            ),
            condition_keys=MappingProxyType({k.name.casefold(): k for k in condition_keys}),
            apis=tuple(apis),
            regions=tuple(sorted({r.id: r for r in regions}.values(), key=lambda r: r.id)),
            operations=tuple(
                sorted(operations, key=lambda o: (o.service.casefold(), o.operation_id))
            ),
        )

    # -- lookups -----------------------------------------------------------------

    def service(self, prefix: str) -> Service | None:
        return self.services.get(prefix.casefold())

    def action(self, name: str) -> Action | None:
        """The action of that name, or the action it is an alias of (case-insensitive)."""
        key = name.casefold()
        found = self.actions.get(key)
        if found is None and self._aliases:
            found = self._aliases.get(key)
        return found

    def alias_target(self, name: str) -> Action | None:
        """The action this name is an alias of; None for a real name or an unknown one."""
        key = name.casefold()
        return None if key in self.actions else self._aliases.get(key)

    def is_scp_governed(self, prefix: str) -> bool | None:
        """Whether SCPs govern the service: None when the catalog does not say."""
        service = self.service(prefix)
        return service.scp_governed if service is not None else None

    def actions_of_service(self, prefix: str) -> tuple[Action, ...]:
        return self._by_service.get(prefix.casefold(), ())

    def resource_type(self, service: str, name: str) -> ResourceType | None:
        return self.resource_types.get((service.casefold(), name.casefold()))

    def resource_types_of_service(self, prefix: str) -> tuple[ResourceType, ...]:
        return self._types_by_service.get(prefix.casefold(), ())

    def match_actions(self, pattern: str) -> tuple[Action, ...]:
        """Every catalog action the pattern names (case-insensitive, `*` and `?`)."""
        key = pattern.casefold()
        hit = self._match_cache.get(key)
        if hit is not None:
            return hit
        if not has_wildcard(key):
            found = self.action(key)
            result: tuple[Action, ...] = (found,) if found else ()
        else:
            service_part = key.split(":", 1)[0]
            if has_wildcard(service_part):
                pool: Iterable[Action] = self.actions.values()
                aliases: Iterable[tuple[str, Action]] = self._aliases.items()
            else:
                pool = self.actions_of_service(service_part)
                aliases = self._aliases_by_service.get(service_part, ())
            hits = {a.name: a for a in pool if wildcard_match(key, a.name.casefold())}
            # an alias is matched as its action is (linear in the service's aliases)
            for alias, action in aliases:
                if action.name not in hits and wildcard_match(key, alias):
                    hits[action.name] = action
            result = tuple(hits.values())
        if len(self._match_cache) < 20_000:
            self._match_cache[key] = result
        return result

    def condition_key(self, key: str) -> ConditionKey | None:
        """The catalog key a concrete key is, templated keys included."""
        folded = key.casefold()
        found = self.condition_keys.get(folded)
        if found is not None:
            return found
        memo = self._key_cache
        if folded in memo:
            return memo[folded]
        found = next((c for c in self._templated_keys if c.matches(key)), None)
        if len(memo) < 20_000:
            memo[folded] = found
        return found

    def forget_lookups(self) -> None:
        """Empty the memos of the patterns and key names policies looked up (benchmarks
        time a policy never seen)."""
        self._match_cache.clear()
        self._key_cache.clear()
        self._presence.clear()
        for memo in LOOKUP_MEMOS:
            self.derived.pop(memo, None)
        _template_ends.cache_clear()

    def keys_for_action(self, name: str) -> tuple[ConditionKey, ...]:
        """The keys a request for this action can carry: its listed keys and request-wide ones."""
        action = self.action(name)
        listed: list[ConditionKey] = []
        if action is not None:
            for key_name in action.listed_keys:
                key = self.condition_key(key_name)
                if key is not None:
                    listed.append(key)
        return tuple(listed) + self.request_wide_keys

    def region(self, region_id: str) -> Region | None:
        """The known region of that id (ids are lower case, compared as written)."""
        return self._regions_by_id.get(region_id)

    def is_regional(self, service: str, resource_type: str = "*") -> bool | None:
        """Whether URNs of this service (and type pattern) need a region.

        Read from the URN patterns: a type whose pattern has a region part
        (`ims:<region>:...`) is regional, one with an empty part (`cdn::...`) is global.
        None when the catalog cannot tell (unknown service, no type matching, or both kinds).
        """
        kinds = {
            _region_part(r.urn_pattern) != ""
            for r in self.resource_types_of_service(service)
            if wildcard_match(resource_type.casefold(), r.name.casefold())
        }
        return kinds.pop() if len(kinds) == 1 else None

    def apis_for_action(self, name: str) -> tuple[Api, ...]:
        return self._apis_by_action.get(name.casefold(), ())

    # -- derived indexes, built once per snapshot --------------------------------

    @cached_property
    def request_wide_keys(self) -> tuple[ConditionKey, ...]:
        return tuple(k for k in self.condition_keys.values() if k.request_wide)

    @cached_property
    def _aliases(self) -> Mapping[str, Action]:
        """Case-folded alias -> its action; a real action name always wins over an alias."""
        out: dict[str, Action] = {}
        for action in self.actions.values():
            for alias in action.aliases:
                out.setdefault(alias.casefold(), action)
        return MappingProxyType({k: a for k, a in out.items() if k not in self.actions})

    @cached_property
    def _aliases_by_service(self) -> Mapping[str, tuple[tuple[str, Action], ...]]:
        grouped: dict[str, list[tuple[str, Action]]] = {}
        for alias, action in self._aliases.items():
            grouped.setdefault(alias.split(":", 1)[0], []).append((alias, action))
        return MappingProxyType({s: tuple(v) for s, v in grouped.items()})

    @cached_property
    def operations_by_action(self) -> Mapping[str, tuple[Operation, ...]]:
        """Case-folded action name -> the operations that need it."""
        grouped: dict[str, list[Operation]] = {}
        for op in self.operations:
            grouped.setdefault(op.action.casefold(), []).append(op)
        return MappingProxyType({a: tuple(v) for a, v in grouped.items()})

    @cached_property
    def _regions_by_id(self) -> Mapping[str, Region]:
        return MappingProxyType({r.id: r for r in self.regions})

    @cached_property
    def _templated_keys(self) -> tuple[ConditionKey, ...]:
        return tuple(k for k in self.condition_keys.values() if k.templated)

    @cached_property
    def _by_service(self) -> Mapping[str, tuple[Action, ...]]:
        grouped: dict[str, list[Action]] = {}
        for action in self.actions.values():
            grouped.setdefault(action.service.casefold(), []).append(action)
        return MappingProxyType({s: tuple(a) for s, a in grouped.items()})

    @cached_property
    def _types_by_service(self) -> Mapping[str, tuple[ResourceType, ...]]:
        grouped: dict[str, list[ResourceType]] = {}
        for (service, _), r in self.resource_types.items():
            grouped.setdefault(service, []).append(r)
        return MappingProxyType({s: tuple(r) for s, r in grouped.items()})

    @cached_property
    def _apis_by_action(self) -> Mapping[str, tuple[Api, ...]]:
        grouped: dict[str, list[Api]] = {}
        for api in self.apis:
            for link in api.links:
                bucket = grouped.setdefault(link.action.casefold(), [])
                if api not in bucket:
                    bucket.append(api)
        return MappingProxyType({a: tuple(v) for a, v in grouped.items()})

    # -- additions for the validator, evaluator and preview ----------------------

    @cached_property
    def derived(self) -> dict[Any, Any]:
        """A memo for indexes other engine modules derive once per snapshot."""
        return {}

    @cached_property
    def _presence(self) -> dict[tuple[str, str], bool | None]:
        return {}

    def action_carries_key(self, action_name: str, key: str) -> bool | None:
        """Whether a request for this action can carry the key (policy-language.md §4).

        True for request-wide keys, keys of services the catalog does not hold and the
        keys the action lists; False for catalog keys the action does not list and for
        undefined keys of a service the catalog holds; None when the action is not in the
        catalog and the key could belong to it (another service's dependency).
        """
        memo_key = (action_name.casefold(), key.casefold())
        memo = self._presence
        if memo_key in memo:
            return memo[memo_key]
        found = self.condition_key(key)
        answer: bool | None
        if found is None and self.service(key.split(":", 1)[0]) is not None:
            # A key of a service the catalog holds, but not one it defines: no request
            # carries it (the validator reports the name).
            answer = False
        elif found is None or found.request_wide:
            answer = True
        else:
            action = self.action(action_name)
            if action is not None:
                answer = any(
                    found.matches(listed) or listed.casefold() == found.name.casefold()
                    for listed in action.listed_keys
                )
            elif found.is_global:
                answer = None
            else:
                prefix = action_name.split(":", 1)[0].casefold()
                answer = None if key.split(":", 1)[0].casefold() == prefix else False
        if len(memo) < 100_000:
            memo[memo_key] = answer
        return answer

    @cached_property
    def dependents(self) -> Mapping[str, tuple[Action, ...]]:
        """Dependency name (case-folded) -> the actions that depend on it."""
        grouped: dict[str, list[Action]] = {}
        for action in self.actions.values():
            for dep in action.dependencies:
                grouped.setdefault(dep.casefold(), []).append(action)
        return MappingProxyType({d: tuple(a) for d, a in grouped.items()})


def _region_part(urn_pattern: str) -> str:
    parts = urn_pattern.split(":")
    return parts[1] if len(parts) > 1 else ""

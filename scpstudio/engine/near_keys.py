"""The catalog condition keys an unknown key may mean (the rule is near_miss's).

Certain: the same name under another prefix (`ims:SourceIp` is `g:SourceIp`), or a near
spelling. A key with a `/part` is compared with the templated keys by what comes before
the template part (`g:ResourceTag/` for `g:ResourceTag/<tag-key>`), the part standing
for itself; and a tag on what the service's resource types name (`ims:ImageTag/env`)
ranks the resource tag first.

The keys are arranged for these lookups once per catalog snapshot (`KeyNames`), so a
lookup costs what the written key's rare pieces cost, not the catalog's size.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.near_miss import NameIndex
from scpstudio.engine.report import Report

TEMPLATE = re.compile(r"<[^<>]+>")


@dataclass(frozen=True, slots=True)
class _Names:
    """One kind of key (plain or templated) by its name and by its name after the prefix."""

    full: NameIndex
    after: NameIndex
    # folded name (or name after the prefix) -> the catalog keys written so, catalog order
    by_full: Mapping[str, tuple[str, ...]]
    by_after: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, pairs: list[tuple[str, str]]) -> _Names:
        """`pairs`: (what is compared, the catalog key it stands for)."""
        by_full: dict[str, list[str]] = {}
        by_after: dict[str, list[str]] = {}
        for compared, key in pairs:
            by_full.setdefault(compared.casefold(), []).append(key)
            after = compared.split(":", 1)[-1]
            by_after.setdefault(after.casefold(), []).append(key)
        return cls(
            NameIndex(c for c, _ in pairs),
            NameIndex(c.split(":", 1)[-1] for c, _ in pairs),
            {k: tuple(v) for k, v in by_full.items()},
            {k: tuple(v) for k, v in by_after.items()},
        )


@dataclass(frozen=True, slots=True)
class KeyNames:
    plain: _Names
    templated: _Names  # compared by the text before the template part
    tags: tuple[str, ...]  # the templated keys with a `/` after the prefix, sorted
    resource_types: frozenset[str]  # every resource type name, case-folded


def key_names(catalog: Catalog) -> KeyNames:
    """The catalog's keys arranged for near-miss lookups, built once per snapshot."""
    found = catalog.derived.get("near keys")
    if not isinstance(found, KeyNames):
        plain: list[tuple[str, str]] = []
        templated: list[tuple[str, str]] = []
        for known in catalog.condition_keys.values():
            part = TEMPLATE.search(known.name)
            if part is None:
                plain.append((known.name, known.name))
            else:
                templated.append((known.name[: part.start()], known.name))
        found = KeyNames(
            _Names.of(plain),
            _Names.of(templated),
            tuple(sorted(k for _, k in templated if "/" in k.split(":", 1)[-1])),
            frozenset(r.name.casefold() for r in catalog.resource_types.values()),
        )
        catalog.derived["near keys"] = found
    return found


def nearest_keys(report: Report, key: str) -> tuple[str, tuple[str, ...]]:
    """The catalog keys an unknown key may mean: (the certain one or "", every one)."""
    prefix, _, name = key.partition(":") if ":" in key.split("/", 1)[0] else ("", "", key)
    stem, slash, part = name.partition("/")
    names = key_names(report.catalog)
    if slash and not part:
        return "", ()
    kind, written = (names.templated, key[: len(key) - len(part)]) if slash else (names.plain, key)

    def spelt(known: str) -> str:
        """A catalog key as the written one would be: its template part is the written part."""
        return TEMPLATE.sub(lambda _: part, known) if slash else known

    written_after = written.split(":", 1)[-1] if prefix else written
    same = kind.by_after.get(written_after.casefold(), ())
    if len(same) == 1:
        return spelt(same[0]), (spelt(same[0]),)
    near = report.lookups.find(kind.full, written, 0.7)
    by_name = report.lookups.find(kind.after, written_after, 0.6)
    close = [spelt(kind.by_full[c.casefold()][0]) for c in near.close]
    close += [spelt(kind.by_after[c.casefold()][0]) for c in by_name.close]
    certain = spelt(kind.by_full[near.certain.casefold()][0]) if near.certain else ""
    if slash and stem.casefold().endswith("tag"):
        owner = stem[: -len("tag")].casefold()
        tags = sorted(spelt(k) for k in names.tags)
        if owner in names.resource_types or owner == "resource":
            tags.sort(key=lambda full: "resourcetag/" not in full.casefold())
            close = tags + close
        else:
            close += tags
    return certain, tuple(dict.fromkeys(close))[:5]

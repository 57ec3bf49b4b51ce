"""Context values read against their keys' types (policy-language.md §4).

A value the key cannot hold (`g:SourceIp = "abcdeft"`, `g:MFAAge = "a"`) is not
dropped, since the user did say the key is present; it becomes `INVALID`, which
every operator reads as "undecided", and the preview names it in a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.decision import normalize_context
from scpstudio.engine.operators import INVALID, VALUE_FORMS, prepare_value
from scpstudio.engine.report import quote


@dataclass(frozen=True, slots=True)
class TypedContext:
    """Key (case-folded) -> values, unreadable ones replaced by `INVALID`; and why."""

    values: dict[str, tuple[Any, ...]]
    problems: tuple[str, ...] = ()


def typed_context(context: Mapping[str, Any] | None, catalog: Catalog) -> TypedContext:
    """Normalize a context (see `normalize_context`) and check it against the catalog."""
    written = {str(k).casefold(): str(k) for k in context or {}}
    values: dict[str, tuple[Any, ...]] = {}
    problems: list[str] = []
    for key, given in normalize_context(context).items():
        found = catalog.condition_key(key)
        if found is None or not given:
            values[key] = given
            continue
        kept = []
        for value in given:
            if value is not INVALID and prepare_value(found.value_type, value) is INVALID:
                problems.append(
                    f"The context gives {written.get(key, key)} the value "
                    f"{quote(value)}, which is not {VALUE_FORMS[found.value_type]} (the key's "
                    "type); conditions on it are left undecided."
                )
                kept.append(INVALID)
            else:
                kept.append(value)
        values[key] = tuple(kept)
    return TypedContext(values, tuple(problems))

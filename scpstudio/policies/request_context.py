"""The request context as a person types it into a page's panel (the editor's preview, the
compare page): one reader for both, so that a context means the same on each.

The panel's fields: `ctx_region`, `ctx_account`, `ctx_rid_<resource type>` and `ctx_keys`
(one `key=value` per line, several values comma-separated, `key=` for a key the request
does not carry), and the FullAccess checkbox (`full_access`, with `full_access_shown`
saying the box was on the page). What is read is the engine's `PreviewContext`, always
within the engine's limits: a line that cannot say what it means, or says more than the
engine reads, is left out (or cut) with a sentence saying so, never refused whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.limits import MAX_CONTEXT_CHARS, MAX_CONTEXT_KEYS, MAX_CONTEXT_VALUES
from scpstudio.engine.operators import INVALID, prepare_value
from scpstudio.engine.preview import PreviewContext

MAX_CONTEXT_LINES = MAX_CONTEXT_KEYS
_A_TYPE = {
    "number": "a number",
    "date": "an ISO 8601 date-time",
    "boolean": "true or false",
    "ip": "an IP address or CIDR range",
}


class FieldValues(Protocol):
    """A QueryDict, or anything else answering `get` as one does."""

    def get(self, key: str, default: Any = ...) -> Any: ...


def resource_type_names(catalog: Catalog) -> list[str]:
    """The resource types a panel asks an id for, in the order it shows them."""
    return sorted({r.name for r in catalog.resource_types.values()})


def full_access_of(data: FieldValues) -> bool:
    """FullAccess is on unless the panel's checkbox was shown and left unticked."""
    return not data.get("full_access_shown") or bool(data.get("full_access"))


def read_context(
    data: FieldValues, resource_types: list[str], catalog: Catalog | None = None
) -> tuple[PreviewContext, list[str]]:
    """The context from the panel's fields, and a sentence for each line that cannot say
    what it means: not `key=value`, a key the catalog does not know, a value that cannot be
    of the key's type (such a value decides nothing), or more than the engine reads."""
    problems = []
    keys: dict[str, list[str]] = {}
    lines = str(data.get("ctx_keys", "")).splitlines()
    if len(lines) > MAX_CONTEXT_LINES:
        problems.append(
            f"Only the first {MAX_CONTEXT_LINES} context lines are read; "
            f"{len(lines) - MAX_CONTEXT_LINES} more were left out."
        )
    for number, line in enumerate(lines[:MAX_CONTEXT_LINES], start=1):
        if not line.strip():
            continue
        key, sep, values = line.partition("=")
        if not sep or not key.strip():
            problems.append(
                f"Context line {number} is not key=value: {line.strip()[:80]!r}; it is left out."
            )
            continue
        key = key.strip()
        if len(key) > MAX_CONTEXT_CHARS:
            problems.append(
                f"Context line {number}: the key is longer than {MAX_CONTEXT_CHARS:,} "
                "characters, so it is no key; the line is left out."
            )
            continue
        given, cut = _values(values)
        if cut:
            problems.append(f"Context line {number}: {cut}")
        keys[key] = given
        if catalog is not None:
            problems += _context_line_problems(catalog, number, key, given)
    ids = {}
    for name in resource_types:
        value = str(data.get(f"ctx_rid_{name}", "")).strip()
        if value:
            ids[name] = value[:MAX_CONTEXT_CHARS]
    context = PreviewContext(
        region=str(data.get("ctx_region", "")).strip()[:MAX_CONTEXT_CHARS] or None,
        account_id=str(data.get("ctx_account", "")).strip()[:MAX_CONTEXT_CHARS] or None,
        resource_ids=ids,
        keys=keys,
    )
    return context, problems


def _values(text: str) -> tuple[list[str], str]:
    """The values of one line, within the engine's limits, and what was left out."""
    given = [v.strip() for v in text.split(",") if v.strip()]
    kept = [v for v in given if len(v) <= MAX_CONTEXT_CHARS]
    said = []
    if len(kept) < len(given):
        said.append(f"a value longer than {MAX_CONTEXT_CHARS:,} characters is left out")
    if len(kept) > MAX_CONTEXT_VALUES:
        said.append(f"only the first {MAX_CONTEXT_VALUES} values are read")
        kept = kept[:MAX_CONTEXT_VALUES]
    if not said:
        return kept, ""
    sentence = "; ".join(said)
    return kept, f"{sentence[0].upper()}{sentence[1:]}."


def _context_line_problems(catalog: Catalog, number: int, key: str, values: list[str]) -> list[str]:
    found = catalog.condition_key(key)
    if found is None:
        return [
            f"Context line {number}: {key[:80]} is not a condition key the catalog knows, so "
            "no condition reads it (check its spelling)."
        ]
    family = found.value_type
    wrong = [v for v in values if prepare_value(family, v) is INVALID]
    if not wrong or family not in ("number", "date", "boolean", "ip"):
        return []
    shown = ", ".join(repr(v[:40]) for v in wrong[:3])
    return [
        f"Context line {number}: {key} takes {_A_TYPE.get(family, family)}; {shown} "
        f"{'is not one' if len(wrong) == 1 else 'are not'}, so it decides nothing."
    ]


def context_values(data: FieldValues, resource_types: list[str]) -> dict[str, Any]:
    """The panel's fields as typed, to show them again."""
    return {
        "region": str(data.get("ctx_region", "")).strip()[:MAX_CONTEXT_CHARS],
        "account": str(data.get("ctx_account", "")).strip()[:MAX_CONTEXT_CHARS],
        "keys": str(data.get("ctx_keys", "")),
        "ids": {name: str(data.get(f"ctx_rid_{name}", "")) for name in resource_types},
    }


def context_in_words(context: PreviewContext) -> str:
    """`region cn-north-4; g:MFAPresent = true; ims:Encrypted absent`: a context in words;
    empty when it says nothing about the request."""
    words = [f"region {context.region}"] if context.region else []
    if context.account_id:
        words.append(f"account {context.account_id}")
    words += [f"{kind} id {rid}" for kind, rid in context.resource_ids.items() if rid]
    for key, given in context.keys.items():
        values = list(given) if isinstance(given, list | tuple) else [given]
        words.append(f"{key} = {', '.join(map(str, values))}" if values else f"{key} absent")
    return "; ".join(words)


@dataclass(frozen=True, slots=True)
class PanelInput:
    """A request-context panel as posted: the context, the sentences about lines left out,
    FullAccess beside the policy or not, and the fields as typed (to show them again)."""

    context: PreviewContext
    problems: list[str]
    full_access: bool
    values: dict[str, Any]


def read_panel(data: FieldValues, catalog: Catalog) -> PanelInput:
    names = resource_type_names(catalog)
    context, problems = read_context(data, names, catalog)
    return PanelInput(context, problems, full_access_of(data), context_values(data, names))

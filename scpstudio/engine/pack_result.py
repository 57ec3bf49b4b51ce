"""What the packer proposes (`engine.packing.pack`), as plain data: the sources it read,
each packed statement with its origins, the documents, and the result with its verdict on
the node's free slots and `to_json()` (the REST answer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scpstudio.engine.serialize import to_minified, to_pretty

VERSION = "5.0"
# '{"Version":"5.0","Statement":[' + ']}' less the comma the last statement does not need
DOCUMENT_OVERHEAD = len(to_minified({"Version": VERSION, "Statement": []})) - 1


@dataclass(frozen=True, slots=True)
class PackSource:
    """One policy to pack: its name (for sentences) and its JSON text."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a packed statement came from."""

    source: str
    index: int  # from 0, in the source's Statement list
    sid: str | None

    @property
    def label(self) -> str:
        which = f'"{self.sid}"' if self.sid else f"#{self.index + 1}"
        return f"statement {which} of {self.source}"

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "index": self.index, "sid": self.sid}


@dataclass(frozen=True, slots=True)
class PackedStatement:
    value: dict[str, Any]
    size: int  # minified characters
    wildcards: int  # action patterns with a wildcard
    origins: tuple[Origin, ...]
    position: int  # where its first origin stands among all the statements read

    @property
    def weight(self) -> int:
        return self.size + 1

    @property
    def merged(self) -> bool:
        return len(self.origins) > 1

    def to_json(self) -> dict[str, Any]:
        return {
            "statement": self.value,
            "size": self.size,
            "origins": [o.to_json() for o in self.origins],
        }


@dataclass(frozen=True, slots=True)
class PackedDocument:
    statements: tuple[PackedStatement, ...]
    quota: int

    @property
    def value(self) -> dict[str, Any]:
        return {"Version": VERSION, "Statement": [s.value for s in self.statements]}

    @property
    def minified(self) -> str:
        return to_minified(self.value)

    @property
    def size(self) -> int:
        """Minified characters: what the quota counts."""
        return DOCUMENT_OVERHEAD + sum(s.weight for s in self.statements)

    @property
    def text(self) -> str:
        """The text to save: pretty when that fits the quota too, else minified."""
        pretty = to_pretty(self.value)
        return pretty if len(pretty) <= self.quota else self.minified

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "size": self.size,
            "statements": [s.to_json() for s in self.statements],
        }


@dataclass(frozen=True, slots=True)
class PackResult:
    documents: tuple[PackedDocument, ...]
    quota: int
    free_slots: int
    lower_bound: int
    proved_fewest: bool
    sources: int
    statements_in: int
    characters_in: int  # the sources, minified
    notes: tuple[str, ...] = field(default=())

    @property
    def statements_out(self) -> int:
        return sum(len(d.statements) for d in self.documents)

    @property
    def characters_out(self) -> int:
        return sum(d.size for d in self.documents)

    @property
    def fits(self) -> bool:
        return len(self.documents) <= self.free_slots

    @property
    def verdict(self) -> str:
        n = len(self.documents)
        docs = _plural(n, "document")
        fewest = (
            "the fewest possible"
            if self.proved_fewest
            else f"at least {self.lower_bound} are needed; no packing into fewer was found"
        )
        policies = _plural(self.sources, "policy", "policies")
        head = (
            f"{_plural(self.statements_in, 'statement')} from {policies} "
            f"pack into {docs} of at most {self.quota:,} characters ({fewest})"
        )
        slots = _plural(self.free_slots, "free slot")
        if self.fits:
            return f"{head}: they fit the node's {slots}."
        return (
            f"{head}: they need {_plural(n, 'slot')} and the node has {slots}; detach "
            f"{_plural(n - self.free_slots, 'policy', 'policies')} first, or attach them at "
            "another node."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": [d.to_json() for d in self.documents],
            "quota": self.quota,
            "free_slots": self.free_slots,
            "fits": self.fits,
            "lower_bound": self.lower_bound,
            "proved_fewest": self.proved_fewest,
            "statements_in": self.statements_in,
            "statements_out": self.statements_out,
            "characters_in": self.characters_in,
            "characters_out": self.characters_out,
            "verdict": self.verdict,
            "notes": list(self.notes),
        }


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"

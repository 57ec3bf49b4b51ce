"""Representatives of numbers, dates, booleans and IP addresses (`engine.diff_values`).

Numbers and dates: the constants, a point between each neighbouring pair, one below and one
above; booleans: true and false; IP addresses: the start of every interval the CIDR blocks
cut (v4 and v6) and the blocks themselves (a request value may be a block).
"""

import ipaddress
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class Values:
    """The representatives of one dimension, and whether they cover every class."""

    values: tuple[Any, ...]
    complete: bool = True


def _between(low: float, high: float) -> float | None:
    middle = (low + high) / 2
    if low < middle < high:
        return middle
    step = math.nextafter(low, high)
    return step if low < step < high else None


def _number(value: float) -> float | int:
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def number_values(constants: Iterable[float]) -> Values:
    """Each constant, a number between each neighbouring pair, one below and one above."""
    points = sorted({c for c in constants if isinstance(c, float) and math.isfinite(c)})
    if not points:
        return Values((0,))
    out: list[float] = []
    below = points[0] - 1 if points[0] - 1 < points[0] else math.nextafter(points[0], -math.inf)
    if math.isfinite(below):
        out.append(below)
    for i, point in enumerate(points):
        out.append(point)
        if i + 1 < len(points):
            middle = _between(point, points[i + 1])
            if middle is not None:
                out.append(middle)
    above = points[-1] + 1 if points[-1] + 1 > points[-1] else math.nextafter(points[-1], math.inf)
    if math.isfinite(above):
        out.append(above)
    return Values(tuple(_number(v) for v in out))


def _date_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _shifted(moment: datetime, delta: timedelta) -> datetime | None:
    try:
        shifted = moment + delta
        _date_text(shifted)
    except (OverflowError, ValueError):
        return None
    return shifted


def date_values(constants: Iterable[Any]) -> Values:
    """Each instant, one between each neighbouring pair, a day before and a day after."""
    points = sorted({c for c in constants if isinstance(c, datetime)})
    if not points:
        return Values(("2026-01-01T00:00:00Z",))
    out: list[datetime] = []
    tiny = timedelta(microseconds=1)
    first = _shifted(points[0], -timedelta(days=1)) or _shifted(points[0], -tiny)
    if first is not None:
        out.append(first)
    for i, point in enumerate(points):
        out.append(point)
        if i + 1 < len(points) and points[i + 1] - point > tiny:
            middle = point + (points[i + 1] - point) / 2
            if point < middle < points[i + 1]:
                out.append(middle)
    last = _shifted(points[-1], timedelta(days=1)) or _shifted(points[-1], tiny)
    if last is not None:
        out.append(last)
    texts: list[str] = []
    for moment in out:
        try:
            texts.append(_date_text(moment))
        except (OverflowError, ValueError):  # an instant only a far offset can write
            return Values(tuple(texts), False)
    return Values(tuple(dict.fromkeys(texts)))


BOOLEAN_VALUES = Values(("true", "false"))
_SAMPLE_ADDRESSES = ("203.0.113.10", "2001:db8::10")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def ip_values(constants: Iterable[Any]) -> Values:
    """An address starting every interval the blocks cut, per IP version, and each block."""
    networks: list[Network] = [
        c for c in constants if isinstance(c, ipaddress.IPv4Network | ipaddress.IPv6Network)
    ]
    candidates: list[Network] = [ipaddress.ip_network(a) for a in _SAMPLE_ADDRESSES]
    for version, top in ((4, 2**32 - 1), (6, 2**128 - 1)):
        mine = [n for n in networks if n.version == version]
        if not mine:
            continue
        starts = {0}
        for n in mine:
            starts.add(int(n.network_address))
            end = int(n.broadcast_address) + 1
            if end <= top:
                starts.add(end)
        factory = ipaddress.IPv4Network if version == 4 else ipaddress.IPv6Network
        ordered = sorted(starts)
        for i, start in enumerate(ordered):
            stop = ordered[i + 1] if i + 1 < len(ordered) else top + 1
            # the address after the start reads better (10.0.0.1) and is in the same interval
            candidates.append(factory(start + 1 if start + 1 < stop else start))
        candidates.extend(mine)
    seen: dict[tuple[int, frozenset[int]], str] = {}
    for candidate in candidates:
        signature = frozenset(
            i
            for i, n in enumerate(networks)
            if n.version == candidate.version and candidate.subnet_of(n)  # type: ignore[arg-type]
        )
        single = candidate.num_addresses == 1
        text = str(candidate.network_address) if single else str(candidate)
        seen.setdefault((candidate.version, signature), text)
    return Values(tuple(seen.values()))

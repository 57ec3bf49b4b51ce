"""KeptById: what was kept for an object is found by that very object only."""

from __future__ import annotations

from scpstudio.engine.kept_by_id import KeptById


def test_a_value_is_found_by_its_own_object_not_by_an_equal_one() -> None:
    memo = KeptById(8)
    row, twin = {"a": 1}, {"a": 1}

    memo.put(row, "written")

    assert memo.get(row) == "written"
    assert memo.get(twin) is None


def test_a_full_memo_starts_again_and_keeps_what_comes_next() -> None:
    memo = KeptById(3)
    rows = [[i] for i in range(4)]

    for i, row in enumerate(rows):
        memo.put(row, i)

    assert memo.get(rows[0]) is None
    assert memo.get(rows[3]) == 3
    assert len(memo.items) == 1

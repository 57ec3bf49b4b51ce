"""The statement memory: an analysis that reuses kept statements equals a fresh one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scpstudio.engine.analysis import analyze_policy
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.catalog_json import catalog_from_json
from scpstudio.engine.serialize import to_minified
from scpstudio.engine.statement_memory import (
    FRESH_PIECES,
    PIECES,
    BoundedMemo,
    StatementPiece,
    _Pieces,
    forget_statements,
    statement_piece,
)
from tests.engine.conftest import DATA, load_shipped_catalog

CATALOG = load_shipped_catalog()

IMS = sorted(a.name for a in CATALOG.actions.values())


def guard(i: int) -> dict[str, Any]:
    """A statement of the benchmark's kind, with now and then something to report."""
    out: dict[str, Any] = {
        "Sid": f"Guard{i}",
        "Effect": "Deny",
        "Action": [IMS[(i * 3 + k) % len(IMS)] for k in range(3)],
        "Resource": ["ims:*:*:image:*"] if i % 2 else "*",
        "Condition": {
            "StringNotMatch": {"g:PrincipalOrgPath": [f"o-abc/r-def/ou-{i}/*"]},
            "Bool": {"ims:Encrypted": "false"} if i % 3 == 0 else {"g:MFAPresent": "false"},
        },
    }
    if i % 4 == 1:
        out["Action"].append("ims:images:gett")  # unknown: a near-miss suggestion
    if i % 5 == 2:
        out["Resource"] = ["ims:cn-north-4:*:images:*"]  # a resource type IMS lacks
    return out


STATEMENTS = [guard(i) for i in range(8)] + [
    {"Effect": "Deny", "Action": "ims:*:*", "Resource": "*"},  # covers the others
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Sid": "Guard3", "Effect": "Deny", "Action": "ims:images:list"},  # a Sid used twice
]


def layouts(statements: list[dict[str, Any]]) -> list[str]:
    document = {"Version": "5.0", "Statement": statements}
    return [
        json.dumps(document, indent=2),
        json.dumps(document, separators=(",", ":")),
        json.dumps(document, indent=4).replace("\n", "\r\n"),
    ]


BASES = layouts(STATEMENTS) + layouts(STATEMENTS[:3])


def string_offsets(text: str) -> list[int]:
    """Offsets inside string values and keys, where an edit keeps the text JSON."""
    out = []
    inside = False
    escaped = False
    for i, ch in enumerate(text):
        if inside:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                inside = False
            else:
                out.append(i)
        elif ch == '"':
            inside = True
    return out


@st.composite
def edits(draw: Any) -> tuple[str, str]:
    """A base document, and the same after one edit of the kinds a keystroke makes."""
    base = draw(st.sampled_from(BASES))
    kind = draw(st.sampled_from(["replace", "insert", "delete", "anywhere", "statements"]))
    if kind == "statements":
        statements = json.loads(base)["Statement"]
        i = draw(st.integers(0, len(statements) - 1))
        j = draw(st.integers(0, len(statements) - 1))
        change = draw(st.sampled_from(["duplicate", "remove", "swap"]))
        if change == "duplicate":
            statements.insert(j, statements[i])
        elif change == "remove":
            del statements[i]
        else:
            statements[i], statements[j] = statements[j], statements[i]
        indent = 2 if "\n" in base else None
        return base, json.dumps({"Version": "5.0", "Statement": statements}, indent=indent)
    places = string_offsets(base) if kind != "anywhere" else list(range(len(base)))
    at = draw(st.sampled_from(places))
    ch = draw(st.sampled_from(list('a*?:-0"{}[], \n')) | st.characters(codec="utf-8"))
    if kind == "delete":
        return base, base[:at] + base[at + 1 :]
    if kind == "insert":
        return base, base[:at] + ch + base[at:]
    return base, base[:at] + ch + base[at + 1 :]


def catalog_without(action: str) -> Catalog:
    docs = [
        json.loads((DATA / name).read_text())
        for name in ("global-keys.json", "ims.json", "regions.json")
    ]
    for doc in docs:
        for service in doc.get("services", []):
            service["actions"] = [a for a in service["actions"] if a["name"] != action]
            for api in service.get("apis", []):
                api["actions"] = [link for link in api["actions"] if link["action"] != action]
            for a in service["actions"]:
                a["dependencies"] = [d for d in a.get("dependencies", []) if d != action]
    return catalog_from_json(docs)


def fresh(text: str, catalog: Catalog, profile: str) -> Any:
    forget_statements()
    return analyze_policy(text, catalog, profile)


def same(a: Any, b: Any) -> None:
    assert a.validation.findings == b.validation.findings
    assert a.validation.size == b.validation.size
    assert a.preview.to_json() == b.preview.to_json()
    assert [_compiled(s) for s in a.validation.policy.statements] == [
        _compiled(s) for s in b.validation.policy.statements
    ]


def _compiled(s: Any) -> tuple[Any, ...]:
    node = s.node
    return (s.index, s.sid, s.effect, s.actions, s.resources, s.usable, node.start, node.end)


@settings(max_examples=150, deadline=None)
@given(edits(), st.sampled_from(["scp", "identity"]))
@example((BASES[0], BASES[0].replace("ou-5", "ou-6")), "scp")
@example((BASES[0], BASES[0].replace('"Version": "5.0",', '"Version": "5.0", ', 1)), "scp")
@example((BASES[1], BASES[1].replace("Guard1", "Guard0")), "scp")
def test_incremental_analysis_equals_a_fresh_one(edit: tuple[str, str], profile: str) -> None:
    base, edited = edit
    forget_statements()
    analyze_policy(base, CATALOG, profile)  # the statements of the base are kept

    warm = analyze_policy(edited, CATALOG, profile)
    cold = fresh(edited, CATALOG, profile)

    same(warm, cold)
    if warm.validation.parse.ok:
        whole = len(to_minified(warm.validation.parse.value()))
        assert warm.validation.size.minified_characters == whole


def test_a_statement_moved_down_reports_its_findings_where_it_now_stands() -> None:
    text = BASES[0]
    analyze_policy(text, CATALOG)
    moved = text.replace(
        '"Statement": [', '"Statement": [\n    {"Effect": "Deny", "Action": "x"},', 1
    )

    warm = analyze_policy(moved, CATALOG)

    cold = fresh(moved, CATALOG, "scp")
    assert [f.span for f in warm.validation.findings] == [f.span for f in cold.validation.findings]
    assert any(f.code.value == "INVALID_ACTION" for f in warm.validation.findings)


def test_a_catalog_edit_is_never_answered_from_the_older_catalog() -> None:
    text = json.dumps({"Version": "5.0", "Statement": [guard(0)]})
    analyze_policy(text, CATALOG)
    smaller = catalog_without(IMS[0])

    after = analyze_policy(text, smaller)

    assert after.validation.findings == fresh(text, smaller, "scp").validation.findings
    assert any(f.code.value == "INVALID_ACTION" for f in after.validation.findings)


def _read_twice(pieces: _Pieces, piece: StatementPiece) -> None:
    pieces.add(piece)
    assert pieces.get(piece.text) is piece


def test_the_memory_keeps_at_most_its_count_of_statements() -> None:
    pieces = _Pieces(max_pieces=3, max_chars=1_000)

    for i in range(10):
        _read_twice(pieces, StatementPiece(f'{{"Sid":"S{i}"}}', 0, None, 1, 2, False))  # type: ignore[arg-type]

    assert len(pieces.items) == 3
    assert list(pieces.items) == [f'{{"Sid":"S{i}"}}' for i in (7, 8, 9)]


def test_the_memory_keeps_at_most_its_characters_and_no_one_huge_statement() -> None:
    pieces = _Pieces(max_pieces=100, max_chars=400)

    for i in range(10):
        _read_twice(pieces, StatementPiece(f"{i}" * 90, 0, None, 1, 90, False))  # type: ignore[arg-type]
    pieces.add(StatementPiece("x" * 150, 0, None, 1, 150, False))  # type: ignore[arg-type]

    assert pieces.chars <= 400
    assert len(pieces.items) == 4
    assert pieces.get("x" * 150) is None


def test_a_statement_read_once_waits_among_the_fresh_and_pushes_out_no_kept_one() -> None:
    pieces = _Pieces(max_pieces=3, max_chars=100_000)
    for i in range(3):
        _read_twice(pieces, StatementPiece(f'{{"Sid":"Kept{i}"}}', 0, None, 1, 2, False))  # type: ignore[arg-type]

    # a keystroke's statement, a new text each time: never read again
    for i in range(FRESH_PIECES * 4):
        pieces.add(StatementPiece(f'{{"Sid":"Typed{i}"}}', 0, None, 1, 2, False))  # type: ignore[arg-type]

    assert list(pieces.items) == [f'{{"Sid":"Kept{i}"}}' for i in range(3)]
    assert len(pieces.fresh) == FRESH_PIECES
    assert len(pieces.seen) == 3 and all(isinstance(h, int) for h in pieces.seen)  # no text
    last = f'{{"Sid":"Typed{FRESH_PIECES * 4 - 1}"}}'
    assert pieces.get(last) is not None  # read again: kept from now on
    assert last in pieces.items and last not in pieces.fresh
    assert '{"Sid":"Typed0"}' not in pieces.items and pieces.get('{"Sid":"Typed0"}') is None


def test_the_fresh_statements_are_bounded_in_characters_too() -> None:
    pieces = _Pieces(max_pieces=100, max_chars=400)

    for i in range(10):
        pieces.add(StatementPiece(f"{i}" * 90, 0, None, 1, 90, False))  # type: ignore[arg-type]

    assert pieces.fresh_chars <= 100
    assert list(pieces.fresh) == ["9" * 90]


def test_a_memo_with_fresh_keeps_an_entry_once_it_is_found_again() -> None:
    memo = BoundedMemo(2, fresh=2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # found again: kept
    for i in range(10):
        memo.put(f"once{i}", i)  # never asked for again

    assert list(memo.items) == ["a"]
    assert list(memo.fresh) == ["once8", "once9"]
    assert memo.get("b") is None  # pushed out of the fresh ones, never kept
    memo.put("a", 5)  # a kept key is written where it is kept
    assert memo.items["a"] == 5 and "a" not in memo.fresh


def test_a_kept_statement_is_found_by_its_text() -> None:
    forget_statements()
    made: list[int] = []

    def parse() -> StatementPiece:
        made.append(1)
        return StatementPiece('{"Effect":"Deny"}', 0, None, 1, 4, False)  # type: ignore[arg-type]

    first = statement_piece('{"Effect":"Deny"}', parse)
    again = statement_piece('{"Effect":"Deny"}', parse)

    assert first is again
    assert made == [1]
    assert len(PIECES.items) == 1


@pytest.fixture(autouse=True)
def _empty_memory() -> Any:
    forget_statements()
    yield
    forget_statements()


def test_a_bounded_memo_makes_a_value_once_and_drops_the_least_recently_used() -> None:
    memo = BoundedMemo(2)
    made: list[str] = []

    def maker(key: str):
        return lambda: made.append(key) or f"value of {key}"

    assert memo.get_or_make("a", maker("a")) == "value of a"
    assert memo.get_or_make("a", maker("a")) == "value of a"
    memo.get_or_make("b", maker("b"))
    memo.get_or_make("a", maker("a"))  # a is now the more recent
    memo.get_or_make("c", maker("c"))  # b is dropped

    assert made == ["a", "b", "c"]
    assert memo.get("b") is None and memo.get("a") == "value of a"


def test_forgetting_the_statements_forgets_the_previews_kept_decisions_too() -> None:
    from scpstudio.engine import preview_shared

    analyze_policy(json.dumps({"Version": "5.0", "Statement": [guard(3)]}), CATALOG)
    kept_before = len(preview_shared._SHARED.items)

    forget_statements()

    assert kept_before > 0
    assert not preview_shared._SHARED.items and not preview_shared._SHARED_ROWS.items


ENTRIES = {
    "Sid": "Entries",
    "Effect": "Deny",
    "Action": ["ims:images:*", "ims:images:get", "ims:images:get"],
    "Resource": ["ims:*:*:image:*", "ims:*:*:image:abc"],
}
# blocks the APIs that need it through a dependency (ims:images:share needs it)
DEPENDED_ON = {"Sid": "Depended", "Effect": "Deny", "Action": ["ims:images:get"], "Resource": "*"}


@pytest.mark.parametrize(
    "edit",
    [
        # a line above: the statement is the same text, kept, on other lines
        lambda t: t.replace(
            '"Statement": [', '"Statement": [\n  {"Effect": "Deny", "Action": "x"},'
        ),
        # the same length above, a newline for a space: the same offsets, other lines
        lambda t: t.replace('"Version": "5.0",', '"Version":\n"5.0",', 1),
        # one of its entries faulty now: what it covers is worked out again
        lambda t: t.replace('"ims:images:*"', '"ims:*"', 1),
        lambda t: '"ims:*"'.join(t.rsplit('"ims:images:get"', 1)),
        # its copy elsewhere in the text, at another place in the array
        lambda t: t.replace('"Statement": [', '"Statement": [' + json.dumps(ENTRIES) + ",", 1),
    ],
)
def test_a_statements_findings_across_its_entries_are_kept_and_follow_it(edit: Any) -> None:
    statements = [guard(1), ENTRIES, DEPENDED_ON]
    text = json.dumps({"Version": "5.0", "Statement": statements}, indent=2)
    first = analyze_policy(text, CATALOG)
    codes = {f.code.value for f in first.validation.findings}
    assert {"REDUNDANT_ACTION", "REDUNDANT_RESOURCE", "DENY_BREAKS_DEPENDENT_APIS"} <= codes
    edited = edit(text)
    assert edited != text

    warm = analyze_policy(edited, CATALOG)

    cold = fresh(edited, CATALOG, "scp")
    assert warm.validation.findings == cold.validation.findings


@pytest.mark.parametrize(("before", "after"), [("identity", "scp"), ("scp", "identity")])
def test_findings_across_entries_are_kept_apart_by_which_entries_are_faulty(
    before: str, after: str
) -> None:
    # "*" is an error in an SCP, so there it covers nothing; in an identity policy it
    # covers the action after it. The compiled statement is the same in both.
    statement = {"Effect": "Deny", "Action": ["*", "ims:images:get"], "Resource": "*"}
    text = json.dumps({"Version": "5.0", "Statement": [statement]})
    analyze_policy(text, CATALOG, before)

    warm = analyze_policy(text, CATALOG, after)

    assert warm.validation.findings == fresh(text, CATALOG, after).validation.findings
    redundant = any(f.code.value == "REDUNDANT_ACTION" for f in warm.validation.findings)
    assert redundant == (after == "identity")


def _decisions(text: str) -> Any:
    return analyze_policy(text, CATALOG).preview.to_json()


@pytest.mark.parametrize(
    "edit",
    [
        # the Deny no longer names images:get: the Allow decides it now
        lambda t: t.replace(
            '"Action": ["ims:images:get", "ims:images:list"]', '"Action": "ims:images:list"'
        ),
        # the Allow names it no more: nothing allows it
        lambda t: t.replace('"Action": "ims:images:get"', '"Action": "ims:images:list"'),
        # the Deny turned into a NotAction: it may apply to every action
        lambda t: t.replace(
            '"Action": ["ims:images:get", "ims:images:list"]', '"NotAction": "ims:images:list"'
        ),
        # a statement made unusable
        lambda t: t.replace('"Effect": "Deny"', '"Effect": "Dney"'),
    ],
)
def test_an_edit_decides_again_what_its_statement_named_before_and_after(edit: Any) -> None:
    # the decisions of the policy before the edit are where the edited one starts from
    # (engine.policy_index.prior_decisions): those its changed statement named before, and
    # names now, must be made again
    statements = [
        {"Effect": "Deny", "Action": ["ims:images:get", "ims:images:list"], "Resource": "*"},
        {"Effect": "Allow", "Action": "ims:images:get", "Resource": "*"},
        {"Effect": "Deny", "Action": "ims:images:deleteImage", "Resource": "*"},
        # may apply to any action, before and after: the same requests are previewed
        {"Effect": "Allow", "NotAction": "ims:images:share", "Resource": "*"},
    ]
    text = json.dumps({"Version": "5.0", "Statement": statements})
    _decisions(text)
    edited = edit(text)
    assert edited != text

    warm = _decisions(edited)

    forget_statements()
    assert warm == _decisions(edited)


def test_an_analysis_putting_more_than_the_fresh_hold_has_them_kept_by_the_next() -> None:
    memo = BoundedMemo(100, fresh=2)
    keys = [f"decision{i}" for i in range(5)]
    for analysis in range(2):
        for k in keys:
            if memo.get(k) is None:
                memo.put(k, analysis)

    assert list(memo.items) == keys  # the second analysis kept every one
    assert all(memo.get(k) is not None for k in keys)


def test_a_policy_of_more_statements_than_the_fresh_hold_is_kept_by_its_second_read() -> None:
    pieces = _Pieces(max_pieces=1_024, max_chars=1_000_000)
    texts = [f'{{"Sid":"S{i}"}}' for i in range(FRESH_PIECES + 8)]
    for _ in range(2):
        for text in texts:
            if pieces.get(text) is None:
                pieces.add(StatementPiece(text, 0, None, 1, 2, False))  # type: ignore[arg-type]

    assert sorted(pieces.items) == sorted(texts)
    assert not pieces.fresh and not pieces.seen


def test_the_latest_policy_is_compared_with_the_next_even_when_it_was_kept() -> None:
    from scpstudio.engine import policy_index as pi
    from scpstudio.engine.policy import compile_policy

    text = json.dumps({"Version": "5.0", "Statement": [guard(0), guard(1)]})
    first = compile_policy(text, CATALOG)._index()
    assert compile_policy(text, CATALOG)._index() is first  # asked again: kept
    for i in range(2, 40):  # other policies since, each once
        compile_policy(json.dumps({"Version": "5.0", "Statement": [guard(i)]}), CATALOG)._index()
    again = compile_policy(text, CATALOG)._index()

    assert again is first
    assert pi._LATEST.recent(1) == [first]


def test_a_keystrokes_policy_index_waits_among_the_fresh_until_another_policy_asks() -> None:
    from scpstudio.engine import policy_index as pi
    from scpstudio.engine.policy import compile_policy

    text = json.dumps({"Version": "5.0", "Statement": [guard(0), guard(1)]})
    first = compile_policy(text, CATALOG)
    first._index()
    first._index()  # one policy asking twice is one use
    assert not pi._INDEXES.items and len(pi._INDEXES.fresh) == 1

    compile_policy(text, CATALOG)._index()  # the same statements, a later policy

    assert len(pi._INDEXES.items) == 1 and not pi._INDEXES.fresh


def test_a_text_past_the_read_limit_leaves_no_layout_to_keep_its_statements_alive() -> None:
    from scpstudio.engine.document import parse_policy
    from scpstudio.engine.statement_memory import LAYOUTS, MAX_LAYOUT_CHARS

    forget_statements()
    many = ",".join(f'{{"a":{i % 10}}}' for i in range(MAX_LAYOUT_CHARS // 6))
    parse_policy('{"Statement":[' + many + "]}")

    assert LAYOUTS.recent == []
    parse_policy(BASES[0])
    assert len(LAYOUTS.recent) == 1

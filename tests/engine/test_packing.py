"""Quota-aware packing (issue 19, item 5): merges that shorten, Sids kept unique, whole
statements, sizes within the quota, the fewest documents, and a sentence for what cannot be
packed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.limits import MAX_STATEMENTS
from scpstudio.engine.packing import (
    DOCUMENT_OVERHEAD,
    MAX_SOURCES,
    PackSource,
    pack,
)
from scpstudio.engine.serialize import to_minified
from scpstudio.engine.validate import validate_policy
from tests.engine.helpers import deny, policy


def _source(name: str, *statements: dict[str, Any]) -> PackSource:
    return PackSource(name, json.dumps(policy(*statements), indent=2))


def _statement_of_weight(weight: int, letter: str) -> dict[str, Any]:
    """A Deny whose minified size plus its comma is `weight` characters, unlike any other
    (its resource is padded with `letter`), so that nothing merges it."""
    base = deny(["ims:images:get"], Resource=["ims:*:*:image:"])
    size = len(to_minified(policy(base))) - DOCUMENT_OVERHEAD - 1
    return deny(["ims:images:get"], Resource=["ims:*:*:image:" + letter * (weight - 1 - size)])


GUARD = {
    "ForAnyValue:StringNotMatch": {"ims:TargetOrgPaths": ["o-1/r-1/ou-a/*"]},
}


def test_statements_alike_but_for_their_actions_are_merged_into_a_shorter_one():
    a = _source("Share guard", deny(["ims:images:share"], Sid="NoShare", Condition=GUARD))
    b = _source("Member guard", deny("ims:images:addMember", Sid="NoMember", Condition=GUARD))

    result = pack([a, b], free_slots=4)

    (document,) = result.documents
    (statement,) = document.statements
    assert statement.value == {
        "Sid": "NoShare",
        "Effect": "Deny",
        "Action": ["ims:images:share", "ims:images:addMember"],
        "Condition": GUARD,
    }
    assert [o.label for o in statement.origins] == [
        'statement "NoShare" of Share guard',
        'statement "NoMember" of Member guard',
    ]
    assert result.characters_out < result.characters_in


def test_an_action_written_twice_across_merged_statements_is_kept_once():
    a = _source("A", deny(["ims:images:share", "ims:images:get"]))
    b = _source("B", deny(["IMS:images:GET", "ims:images:list"]))

    result = pack([a, b], free_slots=1)

    assert result.documents[0].statements[0].value["Action"] == [
        "ims:images:share",
        "ims:images:get",
        "ims:images:list",
    ]


def test_resources_listed_in_another_order_still_merge_and_keep_the_first_spelling():
    a = _source("A", deny("ims:images:share", Resource=["ims:*:*:image:a", "ims:*:*:image:b"]))
    b = _source("B", deny("ims:images:get", Resource=["ims:*:*:image:b", "ims:*:*:image:a"]))

    (document,) = pack([a, b], free_slots=1).documents

    assert [s.value["Resource"] for s in document.statements] == [
        ["ims:*:*:image:a", "ims:*:*:image:b"]
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (deny("ims:images:share"), {"Effect": "Allow", "Action": "ims:images:get"}),
        (deny("ims:images:share"), deny("ims:images:get", Condition=GUARD)),
        (deny("ims:images:share", Resource="ims:*:*:image:a"), deny("ims:images:get")),
        (
            deny("ims:images:share", Resource="ims:*:*:image:a"),
            deny("ims:images:get", NotResource="ims:*:*:image:a"),
        ),
        (
            {"Effect": "Deny", "NotAction": "ims:images:share"},
            {"Effect": "Deny", "NotAction": "ims:images:get"},
        ),
        (deny("ims:images:share"), deny("ims:images:get", Principal="*")),
    ],
    ids=["effect", "condition", "resources", "NotResource", "NotAction", "other element"],
)
def test_statements_that_differ_beyond_their_actions_are_kept_apart_as_written(first, second):
    result = pack([_source("A", first, second)], free_slots=1)

    assert [s.value for s in result.documents[0].statements] == [first, second]


def test_a_repeated_sid_gains_a_number_and_a_note():
    a = _source("A", deny("ims:images:share", Sid="Guard"))
    b = _source(
        "B",
        deny("ims:images:get", Sid="Guard", Condition=GUARD),
        deny("ims:images:list", Sid="Guard2", Resource="ims:*:*:image:x"),
    )

    result = pack([a, b], free_slots=1)

    sids = [s.value["Sid"] for d in result.documents for s in d.statements]
    assert sids == ["Guard", "Guard3", "Guard2"]
    assert result.notes == (
        'The Sid of statement "Guard" of B is now "Guard3": "Guard" was already used.',
    )


def test_one_policy_too_big_for_the_quota_splits_into_documents_within_it(ims):
    big = [
        deny("ims:images:get", Resource=[f"ims:*:*:image:img-{i:03d}-" + "x" * 200])
        for i in range(30)
    ]
    source = _source("Too big", *big)

    result = pack([source], free_slots=4)

    assert len(to_minified(policy(*big))) > 5120
    assert len(result.documents) == result.lower_bound == 2
    assert result.proved_fewest and result.fits
    for document in result.documents:
        assert len(document.minified) == document.size <= 5120
        found = validate_policy(document.text, ims, "scp")
        assert found.size.minified_characters <= 5120
        assert "POLICY_SIZE_EXCEEDS_QUOTA" not in {f.code.value for f in found.findings}


def test_a_document_is_saved_pretty_when_that_fits_and_minified_when_only_that_fits():
    small = pack([_source("S", deny("ims:images:get"))], free_slots=1).documents[0]
    big = [_statement_of_weight(400, letter) for letter in "abcdefghijkl"]
    full = pack([_source("B", *big)], free_slots=1).documents[0]

    assert small.text.startswith('{\n  "Version": "5.0"')
    assert full.text == full.minified and len(full.text) <= 5120 < len(
        json.dumps(full.value, indent=2)
    )


def test_the_search_finds_fewer_documents_than_first_fit_decreasing():
    # first-fit decreasing puts 586 with 372 and needs a third document for 169;
    # 586+213+169 and 387+372+204 fill two (capacity: quota - 31 = 969)
    weights = [586, 387, 372, 213, 204, 169]
    statements = [
        _statement_of_weight(w, letter) for w, letter in zip(weights, "abcdef", strict=True)
    ]

    result = pack([_source("Guards", *statements)], free_slots=2, quota=1000)

    assert sorted(sorted(s.weight for s in d.statements) for d in result.documents) == [
        [169, 213, 586],
        [204, 372, 387],
    ]
    assert result.lower_bound == 2 and result.proved_fewest and result.fits


def test_the_verdict_says_how_many_slots_are_missing():
    statements = [_statement_of_weight(400, letter) for letter in "abcdefghijklmnopqrst"]

    result = pack([_source("Guards", *statements)], free_slots=1)

    assert len(result.documents) == 2 and not result.fits
    assert result.verdict == (
        "20 statements from 1 policy pack into 2 documents of at most 5,120 characters (the "
        "fewest possible): they need 2 slots and the node has 1 free slot; detach 1 policy "
        "first, or attach them at another node."
    )


def test_packing_is_deterministic():
    sources = [
        _source("A", *[_statement_of_weight(300 + 7 * i, "abcdefghij"[i]) for i in range(10)]),
        _source("B", *[_statement_of_weight(900 - 11 * i, "klmnopqrst"[i]) for i in range(10)]),
    ]

    first = pack(sources, free_slots=3, quota=2000).to_json()
    second = pack(sources, free_slots=3, quota=2000).to_json()

    assert first == second


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ('{"Version": "5.0", "Statement": [', "Broken: "),
        (
            '{"Version": "1.1", "Statement": [{"Effect": "Deny", "Action": "x:y:z"}]}',
            'Broken is not a policy of Version "5.0".',
        ),
        ('{"Version": "5.0", "Statement": []}', "Broken has no statements to pack."),
        (
            '{"Version": "5.0", "Statement": ["x"]}',
            "Broken: statement #1 is not a JSON object, so it cannot be packed.",
        ),
        (
            '{"Version": "5.0", "Id": "x", "Statement": [{"Effect": "Deny", "Action": "a:b:c"}]}',
            "Broken has Id beside Version and Statement",
        ),
        (
            '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Effect": "Deny", "Action": 1}]}',
            "Broken writes a key twice in one object",
        ),
        (
            json.dumps(policy(*[deny()] * (MAX_STATEMENTS + 1))),
            f"Broken: The policy has {MAX_STATEMENTS + 1} statements; at most {MAX_STATEMENTS} "
            "are read",
        ),
    ],
    ids=["not JSON", "version", "empty", "not an object", "other element", "duplicate", "limit"],
)
def test_a_policy_that_cannot_be_packed_is_refused_with_a_sentence_naming_it(text, sentence):
    with pytest.raises(EngineInputError) as raised:
        pack([_source("Fine", deny()), PackSource("Broken", text)], free_slots=1)

    assert sentence in str(raised.value)


def test_a_statement_larger_than_a_document_is_refused_naming_it():
    huge = deny([f"ims:images:{'x' * 100}{i}" for i in range(60)], Sid="Huge")

    with pytest.raises(EngineInputError) as raised:
        pack([_source("Big", deny(), huge)], free_slots=1)

    assert str(raised.value).startswith('Statement "Huge" of Big has 6,')
    assert "statements are kept whole: split its Action list in the editor first." in str(
        raised.value
    )


@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        ({"free_slots": -1}, "The free slots must be between 0 and 100."),
        ({"free_slots": "2"}, "The free slots must be a whole number."),
        ({"free_slots": 1, "quota": 50}, "The quota must be a whole number of characters from 200"),
    ],
)
def test_slots_and_quota_are_checked(arguments, sentence):
    with pytest.raises(EngineInputError) as raised:
        pack([_source("A", deny())], **arguments)

    assert sentence in str(raised.value)


def test_too_many_policies_are_refused_before_any_work():
    sources = [PackSource(f"P{i}", "not even JSON") for i in range(MAX_SOURCES + 1)]

    with pytest.raises(EngineInputError) as raised:
        pack(sources, free_slots=1)

    assert (
        str(raised.value)
        == f"{MAX_SOURCES + 1} policies were given; at most {MAX_SOURCES} are packed together."
    )


def test_a_repeated_sid_is_left_out_when_a_number_would_not_fit_the_document():
    first = deny("ims:images:share", Sid="Guard")
    second = {"Sid": "Guard", **_statement_of_weight(969, "a")}  # fills a 1,000 quota
    second["Resource"] = [second["Resource"][0][: -len('"Sid":"Guard",')]]

    result = pack([_source("A", first), _source("B", second)], free_slots=2, quota=1000)

    assert [s.value.get("Sid") for d in result.documents for s in d.statements] == ["Guard", None]
    assert result.notes == (
        'The Sid of statement "Guard" of B is left out: it was already used, and a number '
        "would make the statement too big for a document.",
    )


def test_a_node_without_a_free_slot_is_told_to_detach_one():
    result = pack([_source("One", deny())], free_slots=0)

    assert result.verdict.endswith(
        "they need 1 slot and the node has 0 free slots; detach 1 policy first, or attach "
        "them at another node."
    )

"""Each statement lists at most MAX_LISTED_PER_CODE findings of one code; one finding says
how many more there are. What is left out still marks its entry faulty, and the answer is
the same whether the statements come from the statement memory or are checked afresh."""

from __future__ import annotations

import json
from collections import Counter

from scpstudio.engine.findings import Code
from scpstudio.engine.report import MAX_LISTED_PER_CODE
from scpstudio.engine.statement_memory import forget_statements
from scpstudio.engine.validate import validate_policy
from tests.engine.helpers import deny, findings, policy

NOT_ACTIONS = [f"x{i}" for i in range(MAX_LISTED_PER_CODE + 50)]


def _counted(found) -> Counter[str]:
    return Counter(f.code.value for f in found)


def test_past_the_cap_one_finding_says_how_many_more_and_where_the_first_is(ims):
    text = json.dumps(policy(deny(NOT_ACTIONS)))

    found = findings(text, ims)

    assert _counted(found) == {"INVALID_ACTION_FORMAT": 100, "FINDINGS_NOT_LISTED": 1}
    [summary] = [f for f in found if f.code is Code.FINDINGS_NOT_LISTED]
    assert summary.path == "/Statement/0/Action/100"
    assert summary.message.startswith(
        "50 more findings in this statement are not listed (50 INVALID_ACTION_FORMAT)"
    )
    assert summary.span is not None
    assert text[summary.span.start.offset : summary.span.end.offset] == '"x100"'


def test_each_statement_is_listed_apart(ims):
    found = findings(policy(deny(NOT_ACTIONS), deny(NOT_ACTIONS[:101])), ims)

    summaries = [f.path for f in found if f.code is Code.FINDINGS_NOT_LISTED]
    assert summaries == ["/Statement/0/Action/100", "/Statement/1/Action/100"]
    assert _counted(found)["INVALID_ACTION_FORMAT"] == 200


def test_an_entry_left_out_still_covers_nothing(ims):
    # ims:* is not a valid action pattern: even unlisted, it must not make the share action
    # redundant (it would, if only the listed errors marked entries faulty)
    actions = [*NOT_ACTIONS[:MAX_LISTED_PER_CODE], "ims:*", "ims:images:share"]

    found = findings(policy(deny(actions)), ims)

    assert "REDUNDANT_ACTION" not in _counted(found)
    assert _counted(found)["FINDINGS_NOT_LISTED"] == 1


def test_the_checks_across_statements_are_listed_per_policy(ims):
    statements = [deny(Sid="Same") for _ in range(MAX_LISTED_PER_CODE + 5)]

    found = findings(policy(*statements), ims)

    assert _counted(found)["DUPLICATE_SID"] == 100
    [summary] = [f for f in found if f.code is Code.FINDINGS_NOT_LISTED]
    assert "more findings in this policy are not listed" in summary.message
    assert "4 DUPLICATE_SID" in summary.message


def test_kept_statements_and_fresh_ones_list_the_same(ims):
    document = policy(deny(NOT_ACTIONS), *[deny(Sid="Same") for _ in range(103)])
    text = json.dumps(document)
    forget_statements()

    fresh_from_text = validate_policy(text, ims).findings
    kept = validate_policy(text, ims).findings
    from_a_value = validate_policy(document, ims).findings

    def shape(found):
        return sorted((f.code, f.path, f.message) for f in found)

    assert shape(kept) == shape(fresh_from_text)
    assert shape(from_a_value) == shape(fresh_from_text)

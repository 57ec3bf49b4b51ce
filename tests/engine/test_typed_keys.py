"""What the engine keeps by a request's values tells their types apart: Python holds
`True == 1 == 1.0`, but a condition does not (a string operator reads "true", "1", "1.0")."""

from __future__ import annotations

import json

import pytest

from scpstudio.engine.decision import Request
from scpstudio.engine.evaluate import evaluate
from scpstudio.engine.preview import preview_policy
from scpstudio.engine.statement_memory import forget_statements
from tests.engine.conftest import load_shipped_catalog

CATALOG = load_shipped_catalog()
ACTION = "ims:images:get"
TEXT = json.dumps(
    {
        "Version": "5.0",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": ACTION,
                "Condition": {"StringEquals": {"g:UserAgent": "1"}},
            }
        ],
    }
)


@pytest.mark.parametrize("first", [[1], [True], [1.0]])
def test_a_request_is_never_answered_from_one_whose_values_only_compare_equal(first):
    forget_statements()
    evaluate(Request(ACTION, None, {"g:UserAgent": first}), [TEXT], CATALOG, full_access=True)

    as_true = evaluate(Request(ACTION, None, {"g:UserAgent": [True]}), [TEXT], CATALOG)
    as_one = evaluate(Request(ACTION, None, {"g:UserAgent": [1]}), [TEXT], CATALOG)

    assert as_true.outcome != "denied"  # "true" is not "1"
    assert as_one.outcome == "denied"


def _outcome(context_value):
    preview = preview_policy(TEXT, CATALOG, context={"keys": {"g:UserAgent": [context_value]}})
    return {api.label: api.outcome for api in preview.apis}


def test_a_preview_is_never_answered_from_a_context_whose_values_only_compare_equal():
    forget_statements()
    with_one = _outcome(1)
    with_true = _outcome(True)

    forget_statements()
    assert with_true == _outcome(True)
    assert with_one == _outcome(1)
    assert with_one != with_true
